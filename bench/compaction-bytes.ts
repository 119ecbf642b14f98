/**
 * Scenario: what compaction saves a query. Writes account-days in the raw layout as kinesis-to-s3
 * does (gzip NDJSON, one object per Lambda batch, 1 event in 25 stored twice as at-least-once
 * delivery leaves them), compacts every day with the compactor against s3rver (in this process,
 * 127.0.0.1), and runs each named query with DuckDB over the raw layout and over the compacted one
 * (the CLI's `local query` view). Reported per query: bytes read each way and their ratio, whether
 * the rows are the same, and the objects per account-day before and after.
 *
 * Bytes read are this process's file reads while the query runs (/proc/self/io `rchar`),
 * cross-checked with the sizes of the files of the partitions the query touches (raw: DuckDB must
 * read every byte of those gzip files; compacted: it reads the Parquet footer and the column chunks
 * the query needs). DuckDB's profiling `total_bytes_read` is shown too, but it counts only its own
 * database file: a few KB for any scan of external JSON or Parquet files (measured, DuckDB 1.5).
 * Target (issue 14): a query that reads no body column reads ≤ 10 % of the raw bytes.
 *
 *   node --import=tsx bench/compaction-bytes.ts [--accounts 2] [--days 2] [--events 20000] [--objects 16] [--rounds 3]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { listAuditDataFiles, listCompactedFiles, type LocalLayout } from '../cli/local-layout.js';
import { bytesReadByProcess, withLocalView } from '../cli/local-runner.js';
import { bindQuery, type QueryParams } from '../cli/query-binder.js';
import { getQuery } from '../cli/query-catalog.js';
import { createHandler } from '../lambdas/compactor/index.js';
import { availableCodec } from '../lambdas/compactor/parquet-file.js';
import { mapWithConcurrencyLimit } from '../lambdas/map-with-concurrency-limit.js';
import { rawDay } from '../test/helpers/compaction-dataset.js';
import { startS3rver } from '../test/helpers/s3rver.js';
import { median, numericFlags, round } from './common.js';

const { accounts: ACCOUNTS, days: DAYS, events: EVENTS, objects: OBJECTS, rounds: ROUNDS } = numericFlags({ accounts: 2, days: 2, events: 20_000, objects: 16, rounds: 3 });
const BUCKET = 'bench-bucket';
const TARGET_NO_BODY_RATIO = 0.1;
const BODY_COLUMNS = ['request_body', 'response_body'];

const account = (a: number) => `tenant-${a}`;
const day = (d: number) => new Date(Date.UTC(2026, 10, 20 + d)).toISOString().slice(0, 10);

/** Each named query with parameters that select real rows, and the partitions it touches. */
function namedQueries(): Array<{ name: string; params: QueryParams; accounts: string[]; days: string[] }> {
  const a = account(0);
  const d = day(0);
  return [
    { name: 'requests-per-method', params: { account_id: a, dt: d }, accounts: [a], days: [d] },
    { name: 'errors', params: { dt: d }, accounts: Array.from({ length: ACCOUNTS }, (_, i) => account(i)), days: [d] },
    { name: 'slowest-calls', params: { account_id: a, from: d, to: day(DAYS - 1) }, accounts: [a], days: Array.from({ length: DAYS }, (_, i) => day(i)) },
    { name: 'request-trail', params: { account_id: a, dt: d, request_id: 'req-1200' }, accounts: [a], days: [d] },
    { name: 'account-window', params: { account_id: a, from: `${d}T10:00:00Z`, to: `${d}T11:00:00Z` }, accounts: [a], days: [d] },
  ];
}

interface QueryMeasure { bytesRead: number; duckdbTotalBytesRead: number; rows: string; ms: number }

/** One query over one layout in a fresh DuckDB (no cache carried between runs), as `local query` runs it. */
async function measure(layout: LocalLayout, sql: string, profilePath: string): Promise<QueryMeasure> {
  return withLocalView(layout, async (connection) => {
    await connection.run(`PRAGMA enable_profiling = 'json'`);
    await connection.run(`PRAGMA profiling_output = '${profilePath}'`);
    const before = bytesReadByProcess()!;
    const started = performance.now();
    const reader = await connection.runAndReadAll(sql);
    const ms = performance.now() - started;
    const bytesRead = bytesReadByProcess()! - before;
    const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as { total_bytes_read?: number };
    return { bytesRead, duckdbTotalBytesRead: profile.total_bytes_read ?? -1, rows: JSON.stringify(reader.getRowObjectsJson()), ms };
  });
}

const bytesOf = (files: readonly string[]) => files.reduce((sum, f) => sum + statSync(f).size, 0);
const inPartitions = (files: readonly string[], accounts: readonly string[], days: readonly string[]) =>
  files.filter((f) => accounts.some((a) => f.includes(`/account_id=${a}/`)) && days.some((d) => f.includes(`/dt=${d}/`)));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compaction-bytes-'));
  const s3 = await startS3rver([BUCKET]);
  try {
    // 1. The raw layout, on disk (for DuckDB) and in the bucket (for the compactor).
    let rawObjects = 0;
    let duplicates = 0;
    for (let a = 0; a < ACCOUNTS; a++) {
      for (let d = 0; d < DAYS; d++) {
        const raw = rawDay('', { account: account(a), dt: day(d), events: EVENTS, objects: OBJECTS, duplicateEvery: 25 });
        rawObjects += raw.objects.length;
        duplicates += raw.duplicates;
        for (const o of raw.objects) {
          await mkdir(dirname(join(dir, 'raw', o.key)), { recursive: true });
          await writeFile(join(dir, 'raw', o.key), o.body);
        }
        await mapWithConcurrencyLimit(raw.objects, 4, (o) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `audit/${o.key}`, Body: o.body })));
      }
    }
    // 2. Compact every closed day, then copy the compacted layout to disk.
    const compactStarted = performance.now();
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => new Date(Date.parse(`${day(DAYS)}T12:00:00.000Z`)) });
    const report = await compact();
    const compactMs = performance.now() - compactStarted;
    if (report.failed.length > 0 || report.compacted.length !== ACCOUNTS * DAYS) throw new Error(`compaction: ${JSON.stringify(report)}`);
    for (const c of report.compacted) {
      for (const key of c.keys) {
        const body = await (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
        await mkdir(dirname(join(dir, key)), { recursive: true });
        await writeFile(join(dir, key), body);
      }
    }
    const rawLayout: LocalLayout = { dir: join(dir, 'raw') };
    const compactedLayout: LocalLayout = { compactedDir: join(dir, 'audit-compacted') };
    const rawFiles = listAuditDataFiles(join(dir, 'raw'));
    const compactedFiles = listCompactedFiles(join(dir, 'audit-compacted'));

    // 3. Each named query over each layout, alternating which goes first.
    const profilePath = join(dir, 'profile.json');
    const queries: Record<string, unknown> = {};
    const noBodyRatios: number[] = [];
    for (const q of namedQueries()) {
      const query = getQuery(q.name);
      const sql = bindQuery(query, q.params, 'audit_events');
      const raw: QueryMeasure[] = [];
      const compacted: QueryMeasure[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        if (r % 2 === 0) {
          raw.push(await measure(rawLayout, sql, profilePath));
          compacted.push(await measure(compactedLayout, sql, profilePath));
        } else {
          compacted.push(await measure(compactedLayout, sql, profilePath));
          raw.push(await measure(rawLayout, sql, profilePath));
        }
      }
      const readsBodies = BODY_COLUMNS.some((c) => query.template.includes(c));
      const rawBytes = median(raw.map((m) => m.bytesRead));
      const compactedBytes = median(compacted.map((m) => m.bytesRead));
      const ratio = round(compactedBytes / rawBytes, 4);
      if (!readsBodies) noBodyRatios.push(ratio);
      queries[q.name] = {
        readsBodies,
        rows: JSON.parse(raw[0]!.rows).length,
        sameRows: raw[0]!.rows === compacted[0]!.rows,
        raw: { bytesRead: rawBytes, partitionFileBytes: bytesOf(inPartitions(rawFiles, q.accounts, q.days)), duckdbTotalBytesRead: raw[0]!.duckdbTotalBytesRead, queryMs: round(median(raw.map((m) => m.ms))) },
        compacted: { bytesRead: compactedBytes, partitionFileBytes: bytesOf(inPartitions(compactedFiles, q.accounts, q.days)), duckdbTotalBytesRead: compacted[0]!.duckdbTotalBytesRead, queryMs: round(median(compacted.map((m) => m.ms))) },
        bytesRatio: ratio,
      };
    }
    const worstNoBody = Math.max(...noBodyRatios);
    const objectsAfter = compactedFiles.length / (ACCOUNTS * DAYS);
    console.log(JSON.stringify({
      scenario: 'compaction-bytes',
      node: process.version,
      dataset: { accounts: ACCOUNTS, days: DAYS, eventsPerAccountDay: EVENTS, duplicates, rawObjects, rawBytes: bytesOf(rawFiles), compactedBytes: bytesOf(compactedFiles), codec: availableCodec().codec },
      rounds: ROUNDS,
      results: {
        queries,
        objectsPerAccountDay: { raw: rawObjects / (ACCOUNTS * DAYS), compacted: objectsAfter },
        storedBytesRatio: round(bytesOf(compactedFiles) / bytesOf(rawFiles), 4),
        compactionMs: Math.round(compactMs),
        worstNoBodyBytesRatio: worstNoBody,
      },
      targets: {
        noBodyBytesRatio: { op: '<=', target: TARGET_NO_BODY_RATIO, value: worstNoBody, met: worstNoBody <= TARGET_NO_BODY_RATIO },
        objectsPerAccountDay: { op: '<=', target: 1, value: objectsAfter, met: objectsAfter <= 1 },
      },
    }));
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
