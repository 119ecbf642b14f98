// DuckDB over the storage layout: which files are read, and how odd input behaves.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { partitionOf, partitionPath } from '../../core/schema.js';
import { listAuditDataFiles, runLocalQuery, runLocalSql } from '../../cli/local-runner.js';
import { auditEventFactory } from '../helpers/factories.js';

const ndjson = (events: object[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-local-'));
  made.push(dir);
  return dir;
};
test.after.always(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

test('reads *.json.gz, *.ndjson and *.json side by side; skips other files and folders outside the layout', async (t) => {
  const dir = tempDir();
  const gz = [auditEventFactory({ time: '2026-03-01T10:00:00.000Z' }), auditEventFactory({ time: '2026-03-01T10:00:01.000Z' })];
  const plain = [auditEventFactory({ time: '2026-03-01T11:00:00.000Z', status: 500 })];
  const json = [auditEventFactory({ time: '2026-03-01T12:00:00.000Z', status: 404 })];
  const folder = join(dir, partitionPath(partitionOf(gz[0]!)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'shardId-000-1.json.gz'), gzipSync(ndjson(gz)));
  writeFileSync(join(folder, 'events-1.ndjson'), ndjson(plain));
  writeFileSync(join(folder, 'events-2.json'), ndjson(json));
  writeFileSync(join(folder, 'notes.txt'), ndjson(json));
  mkdirSync(join(dir, 'account_id=acme', 'dt=yesterday'), { recursive: true });
  writeFileSync(join(dir, 'account_id=acme', 'dt=yesterday', 'x.ndjson'), ndjson(json));
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'elsewhere', 'y.ndjson'), ndjson(json));

  t.is(listAuditDataFiles(dir).length, 3);
  const rows = await runLocalQuery({ name: 'requests-per-method', dir, params: { account_id: 'acme', dt: '2026-03-01' } });
  t.deepEqual(rows, [{ method: 'POST', requests: 4, errors: 2, avg_duration_ms: 12.5, max_duration_ms: 12.5 }]);
});

test('a malformed line becomes an all-NULL row (as with ignore.malformed.json) and the queries skip it', async (t) => {
  const dir = tempDir();
  const good = auditEventFactory({ time: '2026-03-02T10:00:00.000Z', status: 503 });
  const folder = join(dir, partitionPath(partitionOf(good)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.ndjson'), `${JSON.stringify(good)}\n{"id": "broken\n`);
  const all = await runLocalSql(dir, 'SELECT count(*) AS n, count(id) AS with_id FROM audit_events');
  t.deepEqual(all.rows, [{ n: 2, with_id: 1 }]);
  const rows = await runLocalQuery({ name: 'requests-per-method', dir, params: { account_id: 'acme', dt: '2026-03-02' } });
  t.is(rows.length, 1);
  t.is(rows[0]!.requests, 1);
});

test('the view has the Athena table columns: schema v1 minus account_id, then the partition columns', async (t) => {
  const dir = tempDir();
  const e = auditEventFactory({ time: '2026-03-03T10:00:00.000Z', request_headers: { 'x-a': '1' } });
  const folder = join(dir, partitionPath(partitionOf(e)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.ndjson'), ndjson([e]));
  const result = await runLocalSql(dir, 'SELECT * FROM audit_events');
  t.is(result.columns.at(-2), 'account_id');
  t.is(result.columns.at(-1), 'dt');
  t.is(result.columns.filter((c) => c === 'account_id').length, 1);
  t.deepEqual(result.rows[0]!.request_headers, { 'x-a': '1' });
  t.is(result.rows[0]!.dt, '2026-03-03');
});

test('a folder without audit data is a clear error, not an empty answer', async (t) => {
  const dir = tempDir();
  await t.throwsAsync(runLocalQuery({ name: 'errors', dir, params: { dt: '2026-03-01' } }), { message: /no audit data below .*account_id=<id>\/dt=<YYYY-MM-DD>/ });
  await t.throwsAsync(runLocalQuery({ name: 'errors', dir: join(dir, 'missing'), params: { dt: '2026-03-01' } }), { message: /is not a directory/ });
});
