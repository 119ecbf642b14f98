/**
 * Where the package's `athena/` folder is. The CLI runs from `cli/` (tsx, tests) and from
 * `dist/cli/` (the published bin), so a fixed relative path would be wrong in one of them:
 * walk up to the package.json that names this package instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'http-audit-log';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${start}`);
    dir = parent;
  }
}

const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The folder holding the DDL (create-*.sql) and the named queries. */
export const ATHENA_DIR = join(packageRoot, 'athena');
/** The folder of named queries: one `<name>.sql` each. */
export const QUERIES_DIR = join(ATHENA_DIR, 'queries');
