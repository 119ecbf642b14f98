/**
 * `npm run build:lambdas`: bundles each Lambda with esbuild into dist/lambda-bundles/<name>/
 * and packs it as dist/lambdas/<name>.zip, the CodeUri of lambdas/template.yaml. The bundles are
 * staged outside dist/lambdas/<name>/ because that is where `npm run build` (tsc) puts the
 * package's own ESM export of the same module; `npm run build` empties dist, so run it first.
 *
 * CommonJS output, with a `{"type":"commonjs"}` package.json beside it in the zip (and in dist,
 * where the repository's own `"type": "module"` would otherwise apply): nodejs20.x then loads
 * `index.js` as CommonJS, and the bundled CommonJS dependencies (aws-kinesis-agg, protobufjs)
 * keep their require() calls working without an ESM shim. @aws-sdk/* stays external: the runtime provides
 * it, and leaving it out keeps the packages small.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createZipArchive } from './zip-archive.js';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each deployable Lambda: its entry file and the name of its zip (and template resource's CodeUri). */
export const LAMBDA_BUNDLES = [
  { name: 'kinesis-to-s3', entry: 'lambdas/kinesis-to-s3/index.ts' },
  { name: 'partition-loader', entry: 'lambdas/partition-loader/index.ts' },
  // hyparquet and the vendored hyparquet-writer are bundled in: nothing to install in Lambda.
  { name: 'compactor', entry: 'lambdas/compactor/index.ts' },
  { name: 'digest', entry: 'lambdas/digest/index.ts' },
] as const;

/** The file inside each zip and the export Lambda calls: the template's `Handler: index.handler`. */
export const BUNDLE_FILE = 'index.js';
export const HANDLER_EXPORT = 'handler';
const PACKAGE_JSON = Buffer.from(`${JSON.stringify({ type: 'commonjs' })}\n`);

export interface BuiltLambda {
  name: string;
  bundlePath: string;
  zipPath: string;
  bundleBytes: number;
  zipBytes: number;
}

export interface BuildDirectories {
  /** Where the zips go (the template's CodeUri points at dist/lambdas). */
  zipDir: string;
  /** Where each bundle is staged, one folder per Lambda. */
  bundleDir: string;
}

const DEFAULT_DIRECTORIES: BuildDirectories = {
  zipDir: join(REPOSITORY_ROOT, 'dist', 'lambdas'),
  bundleDir: join(REPOSITORY_ROOT, 'dist', 'lambda-bundles'),
};

export async function buildLambdas(directories: BuildDirectories = DEFAULT_DIRECTORIES): Promise<BuiltLambda[]> {
  const built: BuiltLambda[] = [];
  await mkdir(directories.zipDir, { recursive: true });
  for (const lambda of LAMBDA_BUNDLES) {
    const bundleDir = join(directories.bundleDir, lambda.name);
    await rm(bundleDir, { recursive: true, force: true });
    await mkdir(bundleDir, { recursive: true });
    const bundlePath = join(bundleDir, BUNDLE_FILE);
    await build({
      entryPoints: [join(REPOSITORY_ROOT, lambda.entry)],
      outfile: bundlePath,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      // Readable stack traces in CloudWatch matter more than the last few kilobytes.
      minify: false,
      legalComments: 'none',
      logLevel: 'warning',
    });
    await writeFile(join(bundleDir, 'package.json'), PACKAGE_JSON);
    const bundle = await readFile(bundlePath);
    const zip = createZipArchive([{ name: BUNDLE_FILE, data: bundle }, { name: 'package.json', data: PACKAGE_JSON }]);
    const zipPath = join(directories.zipDir, `${lambda.name}.zip`);
    await writeFile(zipPath, zip);
    built.push({ name: lambda.name, bundlePath, zipPath, bundleBytes: bundle.length, zipBytes: zip.length });
  }
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const lambda of await buildLambdas()) {
    console.log(`${lambda.zipPath}: ${(lambda.zipBytes / 1024).toFixed(1)} KiB zipped (${(lambda.bundleBytes / 1024).toFixed(1)} KiB ${BUNDLE_FILE})`);
  }
}
