/**
 * A day of 100,000 events (plus 4 % sent twice) compacted in a child process against s3rver in
 * this process: every distinct event is in the Parquet file, the duplicates are counted, and the
 * child's peak RSS stays within 512 MB, the bound for a 1,024 MB Lambda. The driver is
 * bundled like the deployed handler and run by plain node (under tsx the loader alone costs
 * ~50 MB). The flags are those the Lambda Node.js bootstrap passes at 1,024 MB: new space =
 * memory / 10 in two semi-spaces (51 MB each), old space = the rest (922 MB), and --expose-gc,
 * which the compactor uses to collect after each row group. A memory bound, not a timing.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import test from 'ava';
import { readParquetObjects } from '../../lambdas/compactor/parquet-file.js';
import { mapWithConcurrencyLimit } from '../../lambdas/map-with-concurrency-limit.js';
import { eventLine, rawDay } from '../helpers/compaction-dataset.js';
import { bundleLambdaDriver } from '../helpers/lambda-bundle.js';
import { readObjectBytes, startS3rver } from '../helpers/s3rver.js';

const EVENTS = 100_000;
/** What Lambda's Node.js bootstrap passes for a 1,024 MB function. */
const LAMBDA_NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922'];
const PEAK_RSS_LIMIT_MB = 512;
const driverSource = fileURLToPath(new URL('./fixtures/compact-one-day.ts', import.meta.url));
const driverBundle = fileURLToPath(new URL('../../dist/test-fixtures/compact-one-day.mjs', import.meta.url));

interface ChildRun {
  report: { compacted: Array<{ key: string; rows: number; inputs: number; duplicatesDropped: number }>; failed: unknown[] };
  durationMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

async function compactInChild(endpoint: string): Promise<ChildRun> {
  const { stdout } = await promisify(execFile)(process.execPath, [...LAMBDA_NODE_FLAGS, driverBundle], {
    env: { ...process.env, S3_ENDPOINT: endpoint, S3_BUCKET: 'memory-bucket', ACCOUNT: 'acme', DT: '2026-11-24' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildRun;
}

test(`a day of ${EVENTS.toLocaleString('en')} events compacts into one file holding each exactly once, and a late object recompacts it carrying the 100,000 rows forward, each within ${PEAK_RSS_LIMIT_MB} MB peak RSS (child process)`, async (t) => {
  t.timeout(240_000);
  const s3 = await startS3rver(['memory-bucket']);
  try {
    const day = rawDay('audit/', { account: 'acme', dt: '2026-11-24', events: EVENTS, objects: 40, duplicateEvery: 25 });
    await mapWithConcurrencyLimit(day.objects, 4, (o) => s3.client.send(new PutObjectCommand({ Bucket: 'memory-bucket', Key: o.key, Body: o.body })));
    await bundleLambdaDriver(driverSource, driverBundle);
    const run = await compactInChild(s3.endpoint);
    t.log(`${day.objects.length} objects, ${(day.jsonBytes / 1e6).toFixed(0)} MB of event JSON; compacted in ${run.durationMs} ms, peak RSS ${run.peakRssMb} MB (${run.rssBeforeMb} MB before)`);
    t.deepEqual(run.report.failed, []);
    t.like(run.report.compacted[0], { rows: EVENTS, inputs: day.objects.length, duplicatesDropped: day.duplicates });
    t.is(day.duplicates, EVENTS / 25);

    const bytes = await readObjectBytes(s3.client, 'memory-bucket', run.report.compacted[0]!.key);
    const ids = (await readParquetObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, columns: ['id'] })).map((r) => r.id as string);
    t.is(ids.length, EVENTS);
    t.deepEqual(ids.sort(), [...day.ids].sort());
    t.true(run.peakRssMb <= PEAK_RSS_LIMIT_MB, `peak RSS ${run.peakRssMb} MB`);

    // A late object (500 new events, 100 sent again) makes the next run carry the 100,000 rows
    // forward from the Parquet file, a row group at a time, and add the new ones.
    const late = [...Array.from({ length: 500 }, (_, i) => eventLine('acme', '2026-11-24', EVENTS + i)), ...Array.from({ length: 100 }, (_, i) => eventLine('acme', '2026-11-24', i * 7))];
    await s3.client.send(new PutObjectCommand({ Bucket: 'memory-bucket', Key: 'audit/account_id=acme/dt=2026-11-24/shardId-000000000002_000000.json.gz', Body: gzipSync(late.map((l) => `${l}\n`).join('')) }));
    const again = await compactInChild(s3.endpoint);
    t.log(`late object: recompacted in ${again.durationMs} ms, peak RSS ${again.peakRssMb} MB`);
    t.like(again.report.compacted[0], { rows: EVENTS + 500, inputs: day.objects.length + 1, duplicatesDropped: day.duplicates + 100 });
    const after = await readObjectBytes(s3.client, 'memory-bucket', again.report.compacted[0]!.key);
    const rows = await readParquetObjects({ file: after.buffer.slice(after.byteOffset, after.byteOffset + after.byteLength) as ArrayBuffer, columns: ['id', 'time'] });
    t.is(new Set(rows.map((r) => r.id as string)).size, EVENTS + 500);
    t.true(rows.every((r, i) => i === 0 || (rows[i - 1]!.time as Date) <= (r.time as Date)), 'rows sorted by time');
    t.true(again.peakRssMb <= PEAK_RSS_LIMIT_MB, `peak RSS ${again.peakRssMb} MB`);

    // The second reader: DuckDB's own Parquet reader agrees on rows, distinct ids and order.
    const path = join(mkdtempSync(join(tmpdir(), 'compactor-memory-')), 'day.parquet');
    writeFileSync(path, after);
    const db = await DuckDBInstance.create();
    const connection = await db.connect();
    const counted = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT id) AS ids, bool_and(ordered) AS sorted FROM (SELECT id, "time" >= lag("time", 1, "time") OVER (ORDER BY file_row_number) AS ordered FROM read_parquet('${path}', file_row_number = true))`)).getRowObjectsJson()[0]!;
    connection.closeSync();
    db.closeSync();
    t.deepEqual(counted, { n: String(EVENTS + 500), ids: String(EVENTS + 500), sorted: true });
  } finally {
    await s3.stop();
  }
});
