/**
 * The package as users import it: the name `http-audit-log` resolves through package.json's
 * "exports" to the compiled dist/ (built by `npm test`'s pretest step), and `npm pack` ships it.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';

test('subpath exports resolve to the compiled package with the documented names', async (t) => {
  const root = await import('http-audit-log');
  for (const name of ['auditLog', 'memorySink', 'validateAuditEvent', 'partitionOf', 'encodeAccountId', 'decodeAccountId', 'ConfigurationError', 'AuditLogError']) {
    t.is(typeof (root as Record<string, unknown>)[name], 'function', name);
  }
  t.true(Array.isArray(root.AUDIT_EVENT_FIELDS));
  const express = await import('http-audit-log/express');
  t.is(typeof express.expressMiddleware, 'function');
  const koa = await import('http-audit-log/koa');
  t.is(typeof koa.koaMiddleware, 'function');
  const schema = await import('http-audit-log/schema');
  t.is(typeof schema.validateAuditEvent, 'function');
});

test('internals are not exported: ./core is gone (docs/migration.md), and so are deep paths into dist', async (t) => {
  for (const path of ['http-audit-log/core', 'http-audit-log/dist/core/capture/index.js', 'http-audit-log/instance']) {
    // The loader's error crosses a realm under ava's worker, so check its code, not its class.
    const err = await import(path).then(() => null, (e: unknown) => e as { code?: string });
    t.is(err?.code, 'ERR_PACKAGE_PATH_NOT_EXPORTED', path);
  }
});

test('npm pack ships dist with type declarations, the SQL and the docs, and no sources or tests', (t) => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
  const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/adapters/express.js', 'dist/adapters/koa.d.ts', 'dist/core/schema.js', 'athena/create-raw-table.sql', 'athena/create-compacted-table.sql', 'athena/create-view.sql', 'dist/vendor/hyparquet-writer/src/index.js', 'README.md', 'package.json']) {
    t.true(files.includes(f), f);
  }
  t.false(files.some((f) => f.startsWith('test/') || f.startsWith('bench/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))), 'no sources or tests');
});
