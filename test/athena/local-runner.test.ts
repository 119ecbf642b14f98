// DuckDB over the storage layout: which files are read, and how odd input behaves.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { partitionOf, partitionPath } from '../../core/schema.js';
import { listAuditDataFiles, runLocalQuery, runLocalSql } from '../../cli/local-runner.js';
import { writeCompactedFixture, writeFixture } from '../helpers/athena-fixture.js';
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

test('a line that is not JSON fails the query, naming the file (as Athena\'s Hive JSON SerDe does), instead of becoming a row of NULLs', async (t) => {
  const dir = tempDir();
  const good = auditEventFactory({ time: '2026-03-02T10:00:00.000Z', status: 503 });
  const folder = join(dir, partitionPath(partitionOf(good)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.ndjson'), `${JSON.stringify(good)}\n{"id": "broken\n`);
  await t.throwsAsync(runLocalSql({ dir }, 'SELECT count(*) AS n FROM audit_events'), { message: /a\.ndjson/ });
});

test('the view has the Athena table columns: schema v1 minus account_id, then the partition columns', async (t) => {
  const dir = tempDir();
  const e = auditEventFactory({ time: '2026-03-03T10:00:00.000Z', request_headers: { 'x-a': '1' } });
  const folder = join(dir, partitionPath(partitionOf(e)));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.ndjson'), ndjson([e]));
  const result = await runLocalSql({ dir }, 'SELECT * FROM audit_events');
  t.is(result.columns.at(-2), 'account_id');
  t.is(result.columns.at(-1), 'dt');
  t.is(result.columns.filter((c) => c === 'account_id').length, 1);
  t.deepEqual(result.rows[0]!.request_headers, { 'x-a': '1' });
  t.is(result.rows[0]!.dt, '2026-03-03');
});

test('a folder without audit data is a clear error, not an empty answer', async (t) => {
  const dir = tempDir();
  await t.throwsAsync(runLocalQuery({ name: 'errors', dir, params: { dt: '2026-03-01' } }), { message: /no audit data below .*account_id=<id>\/dt=<YYYY-MM-DD>/ });
  await t.throwsAsync(runLocalQuery({ name: 'errors', dir: join(dir, 'missing'), params: { dt: '2026-03-01' } }), { message: /--dir .* is not a directory/ });
});

test('compacted layout: the view gives the same columns and values as the raw one (time back to the ISO string, maps as objects)', async (t) => {
  const events = [
    auditEventFactory({ time: '2026-03-04T10:00:00.001Z', request_headers: { 'x-a': '1' }, status: null, error: 'ECONNRESET' }),
    auditEventFactory({ time: '2026-03-04T23:59:59.999Z', account_id: null }),
  ];
  const rawDir = tempDir();
  const compactedDir = tempDir();
  await writeFixture(rawDir, events);
  await writeCompactedFixture(compactedDir, events);
  const sql = 'SELECT * FROM audit_events ORDER BY "time"';
  const raw = await runLocalSql({ dir: rawDir }, sql);
  const compacted = await runLocalSql({ compactedDir }, sql);
  t.deepEqual(compacted.columns, raw.columns);
  t.deepEqual(compacted.rows, raw.rows);
  t.is(compacted.rows[0]!.time, '2026-03-04T10:00:00.001Z');
  t.deepEqual(compacted.rows[0]!.request_headers, { 'x-a': '1' });
});

test('a compacted day is read from the compacted layout only: a raw object that arrived after compaction waits for the next run', async (t) => {
  const compactedEvents = [auditEventFactory({ time: '2026-03-05T10:00:00.000Z' }), auditEventFactory({ time: '2026-03-05T11:00:00.000Z' })];
  const late = auditEventFactory({ time: '2026-03-05T12:00:00.000Z' });
  const otherDay = auditEventFactory({ time: '2026-03-06T09:00:00.000Z' });
  const rawDir = tempDir();
  const compactedDir = tempDir();
  await writeFixture(rawDir, [...compactedEvents, late, otherDay, otherDay]);
  await writeCompactedFixture(compactedDir, compactedEvents);
  const result = await runLocalSql({ dir: rawDir, compactedDir }, 'SELECT dt, id FROM audit_events ORDER BY "time"');
  t.deepEqual(result.rows, [
    ...compactedEvents.map((e) => ({ dt: '2026-03-05', id: e.id })),
    { dt: '2026-03-06', id: otherDay.id },
  ]);
});

test('--compacted-dir without Parquet files and no --dir is a clear error', async (t) => {
  await t.throwsAsync(runLocalSql({ compactedDir: tempDir() }, 'SELECT 1'), { message: /no audit data below .*\.parquet/ });
  await t.throwsAsync(runLocalSql({}, 'SELECT 1'), { message: /give --dir .*--compacted-dir/ });
});
