/**
 * The compactor against s3rver, each Parquet file it writes read back by two independent readers:
 * DuckDB (its own C++ Parquet reader) and hyparquet. Raw objects are put the way the
 * kinesis-to-s3 Lambda writes them (gzip NDJSON under account_id=…/dt=…/).
 */
import { gzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { parquetMetadata } from 'hyparquet';
import { createHandler, type CompactionManifest } from '../../lambdas/compactor/index.js';
import { availableCodec, readParquetObjects } from '../../lambdas/compactor/parquet-file.js';
import type { AuditEvent } from '../../core/schema.js';
import { auditEventFactory } from '../helpers/factories.js';
import { listKeys, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUCKET = 'audit-bucket';
const DAY = '2026-11-24';
/** Three hours after the day ended: closed under the default 2-hour lateness. */
const AFTER_CLOSE = new Date('2026-11-25T03:00:00.000Z');

function eventsOfDay(count: number, account = 'acme', dt = DAY): AuditEvent[] {
  const start = Date.parse(`${dt}T00:00:00.000Z`);
  return Array.from({ length: count }, (_, i) => auditEventFactory({
    account_id: account,
    // Out of order across objects on purpose: the compactor sorts.
    time: new Date(start + ((i * 7919) % count) * 1000 + 123).toISOString(),
    status: i % 5 === 0 ? null : 200 + (i % 3),
    error: i % 5 === 0 ? 'ECONNRESET' : null,
    request_headers: i % 4 === 0 ? {} : { 'content-type': 'application/json', 'x-request-n': String(i) },
    response_body: i % 6 === 0 ? null : `{"n":${i}}`,
  }));
}

async function putRaw(s3: RunningS3rver, key: string, events: readonly AuditEvent[]): Promise<void> {
  const body = gzipSync(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentEncoding: 'gzip' }));
}

const rawKey = (name: string, account = 'acme', dt = DAY) => `audit/account_id=${account}/dt=${dt}/${name}.json.gz`;

async function manifestOf(s3: RunningS3rver, account = 'acme', dt = DAY): Promise<CompactionManifest> {
  const r = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `audit-compacted/account_id=${account}/dt=${dt}/_manifest.json` }));
  return JSON.parse(await r.Body!.transformToString()) as CompactionManifest;
}

const asArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Rows of a Parquet file by DuckDB, `time` as ISO text and headers as objects, sorted as stored. */
async function duckDbRows(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const dir = await mkdtemp(join(tmpdir(), 'compactor-test-'));
  try {
    const file = join(dir, 'f.parquet');
    await writeFile(file, bytes);
    const db = await DuckDBInstance.create();
    const c = await db.connect();
    await c.run("SET TimeZone = 'UTC'");
    const reader = await c.runAndReadAll(`SELECT * REPLACE (strftime("time", '%Y-%m-%dT%H:%M:%S.%gZ') AS "time",
      map_from_entries(map_entries(request_headers))::JSON::VARCHAR AS request_headers, response_headers::JSON::VARCHAR AS response_headers)
      FROM read_parquet('${file}')`);
    const rows = (await reader.getRowObjectsJS()) as Record<string, unknown>[];
    c.closeSync();
    db.closeSync();
    return rows.map((r) => ({ ...r, request_headers: JSON.parse(r.request_headers as string), response_headers: JSON.parse(r.response_headers as string) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const withoutAccount = ({ account_id: _, ...rest }: AuditEvent) => rest;

test('duplicates within one object and across objects are dropped; the file is sorted by time and read back alike by DuckDB and hyparquet', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    const events = eventsOfDay(300);
    // Object a holds 0–149 and repeats 10–19 (a resent PutRecords); object b holds 140–299 (a batch stored twice, overlapping a).
    await putRaw(s3, rawKey('a'), [...events.slice(0, 150), ...events.slice(10, 20)]);
    await putRaw(s3, rawKey('b'), events.slice(140));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    const report = await compact({ account_id: 'acme', dt: DAY });
    t.deepEqual(report.failed, []);
    t.is(report.compacted.length, 1);
    t.like(report.compacted[0], { account_id: 'acme', dt: DAY, inputs: 2, rows: 300, duplicatesDropped: 20, conflictingDuplicates: 0 });
    // Create-only names of this compaction's own: a hash of its inputs.
    t.regex(report.compacted[0]!.key, new RegExp(`^audit-compacted/account_id=acme/dt=${DAY}/events-[0-9a-f]{12}-00000\\.parquet$`));

    const bytes = await readObjectBytes(s3.client, BUCKET, report.compacted[0]!.key);
    const expected = [...events].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1)).map(withoutAccount);
    // DuckDB
    const viaDuckDb = await duckDbRows(bytes);
    t.deepEqual(viaDuckDb, expected);
    // hyparquet
    const viaHyparquet = (await readParquetObjects({ file: asArrayBuffer(bytes) })).map((r) => ({ ...r, time: (r.time as Date).toISOString() }));
    t.deepEqual(viaHyparquet, expected);
  } finally {
    await s3.stop();
  }
});

test('the Parquet file is what Athena reads: V1 data pages, ZSTD (SNAPPY where node:zlib has no zstd), TIMESTAMP(MILLIS, UTC), MAP with a required key, min/max statistics', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    await putRaw(s3, rawKey('a'), eventsOfDay(50));
    const report = await createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE })({ account_id: 'acme', dt: DAY });
    const metadata = parquetMetadata(asArrayBuffer(await readObjectBytes(s3.client, BUCKET, report.compacted[0]!.key)));
    const names = metadata.schema.slice(1).map((e) => e.name);
    t.deepEqual(names.filter((n) => n !== n.toLowerCase()), [], 'lower-case column names');
    t.false(names.includes('account_id'), 'account_id is the partition column, not a data column');
    const time = metadata.schema.find((e) => e.name === 'time')!;
    t.is(time.type, 'INT64');
    t.deepEqual(time.logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
    const headers = metadata.schema.findIndex((e) => e.name === 'request_headers');
    t.is(metadata.schema[headers]!.logical_type?.type, 'MAP');
    t.is(metadata.schema[headers + 2]!.name, 'key');
    t.is(metadata.schema[headers + 2]!.repetition_type, 'REQUIRED');
    const codec = availableCodec().codec;
    for (const column of metadata.row_groups.flatMap((g) => g.columns)) {
      const meta = column.meta_data!;
      const path = meta.path_in_schema.join('.');
      t.is(meta.codec, codec, path);
      t.deepEqual([...new Set(meta.encoding_stats?.filter((s) => s.page_type !== 'DICTIONARY_PAGE').map((s) => s.page_type))], ['DATA_PAGE'], `${path}: V1 data pages only`);
      const stats = meta.statistics!;
      const allNull = stats.null_count === BigInt(meta.num_values);
      t.true(allNull || (stats.min_value !== undefined && stats.max_value !== undefined), `${path}: min/max statistics`);
    }
    t.is(metadata.key_value_metadata?.find((kv) => kv.key === 'dt')?.value, DAY);
  } finally {
    await s3.stop();
  }
});

test('the manifest names each input with its ETag and line count; raw objects are tagged compacted; a re-run changes nothing', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    const events = eventsOfDay(40);
    await putRaw(s3, rawKey('a'), events.slice(0, 25));
    await putRaw(s3, rawKey('b'), events.slice(20));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    const first = await compact();
    t.is(first.compacted.length, 1);
    const manifest = await manifestOf(s3);
    t.like(manifest, { format: 'http-audit-log/compaction-manifest@1', account_id: 'acme', dt: DAY, lines: 45, rows: 40, duplicatesDropped: 5 });
    t.deepEqual(manifest.inputs.map((i) => [i.key, i.lines]), [[rawKey('a'), 25], [rawKey('b'), 20]]);
    t.true(manifest.inputs.every((i) => /^"[0-9a-f]{32}"$/.test(i.etag) && i.bytes > 0));
    t.deepEqual(manifest.outputs.map((o) => o.rows), [40]);
    for (const key of [rawKey('a'), rawKey('b')]) {
      const tags = await s3.client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key }));
      t.deepEqual(tags.TagSet, [{ Key: 'http-audit-log-compacted', Value: 'true' }], key);
    }

    const before = await listKeys(s3.client, BUCKET, 'audit-compacted/');
    const bytesBefore = await readObjectBytes(s3.client, BUCKET, before[0]!);
    const second = await compact();
    t.deepEqual(second.compacted, []);
    t.deepEqual(second.skipped, [{ account_id: 'acme', dt: DAY, reason: 'up to date' }]);
    t.deepEqual(await listKeys(s3.client, BUCKET, 'audit-compacted/'), before);
    t.deepEqual(await readObjectBytes(s3.client, BUCKET, before[0]!), bytesBefore);
  } finally {
    await s3.stop();
  }
});

test('a raw object arriving late for a compacted day makes the next run recompact that day', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    const events = eventsOfDay(30);
    await putRaw(s3, rawKey('a'), events.slice(0, 20));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    t.like((await compact()).compacted[0], { rows: 20 });
    await putRaw(s3, rawKey('late'), events.slice(15));
    const again = await compact();
    t.like(again.compacted[0], { inputs: 2, rows: 30, duplicatesDropped: 5 });
    t.deepEqual((await manifestOf(s3)).inputs.map((i) => i.key), [rawKey('a'), rawKey('late')]);
    t.is((await readParquetObjects({ file: asArrayBuffer(await readObjectBytes(s3.client, BUCKET, again.compacted[0]!.key)), columns: ['id'] })).length, 30);
  } finally {
    await s3.stop();
  }
});

test('raw objects expired by the lifecycle rule never take events out of a compacted day: a late object is added to the previous output', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    const events = eventsOfDay(40);
    await putRaw(s3, rawKey('a'), events.slice(0, 20));
    await putRaw(s3, rawKey('b'), events.slice(20, 30));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    t.like((await compact()).compacted[0], { inputs: 2, rows: 30 });
    // The lifecycle rule expires a, then b's late neighbour arrives (with two copies of known events).
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: rawKey('a') }));
    t.deepEqual((await compact()).skipped, [{ account_id: 'acme', dt: DAY, reason: 'up to date' }], 'fewer raw objects alone is no reason to rewrite');
    await putRaw(s3, rawKey('late'), [...events.slice(30), events[0]!, events[25]!]);
    const again = await compact();
    t.like(again.compacted[0], { inputs: 3, rows: 40, duplicatesDropped: 2 });
    const ids = (await readParquetObjects({ file: asArrayBuffer(await readObjectBytes(s3.client, BUCKET, again.compacted[0]!.key)), columns: ['id'] })).map((r) => r.id);
    t.deepEqual([...ids].sort(), events.map((e) => e.id).sort());
    const manifest = await manifestOf(s3);
    t.deepEqual(manifest.inputs.map((i) => i.key), [rawKey('a'), rawKey('b'), rawKey('late')], 'the expired input stays named');
    t.like(manifest, { rows: 40, lines: 42, duplicatesDropped: 2 });
    // Carried rows come back as the events they were: the same rows DuckDB reads from a fresh compaction of all 40.
    const carried = await duckDbRows(await readObjectBytes(s3.client, BUCKET, again.compacted[0]!.key));
    t.deepEqual(carried.map((r) => r.id), [...events].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : x.id < y.id ? -1 : 1)).map((e) => e.id));
  } finally {
    await s3.stop();
  }
});

test('a previous output changed since its manifest fails the day by name; nothing is rewritten', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    await putRaw(s3, rawKey('a'), eventsOfDay(10));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    const first = (await compact()).compacted[0]!;
    const original = await readObjectBytes(s3.client, BUCKET, first.key);
    const altered = Buffer.from(original);
    altered[100] = altered[100]! ^ 0xff;
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: first.key, Body: altered }));
    await putRaw(s3, rawKey('late'), eventsOfDay(3));
    const report = await compact();
    t.deepEqual(report.compacted, []);
    t.like(report.failed[0], { key: first.key });
    t.regex(report.failed[0]!.error, /has changed since its manifest was written/);
    t.deepEqual(await readObjectBytes(s3.client, BUCKET, first.key), altered);
    t.is((await manifestOf(s3)).inputs.length, 1);
  } finally {
    await s3.stop();
  }
});

test('an input that cannot be read is reported with its key; nothing is written, tagged or deleted', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    await putRaw(s3, rawKey('a'), eventsOfDay(10));
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: rawKey('b'), Body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]) }));
    await putRaw(s3, rawKey('c', 'acme', DAY), eventsOfDay(3, 'acme', '2026-11-23'));
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => AFTER_CLOSE });
    const report = await compact({ account_id: 'acme', dt: DAY });
    t.deepEqual(report.compacted, []);
    t.is(report.failed.length, 1);
    t.like(report.failed[0], { account_id: 'acme', dt: DAY, key: rawKey('b') });
    t.regex(report.failed[0]!.error, /UnreadableInputError: .*does not inflate as gzip/);
    t.deepEqual(await listKeys(s3.client, BUCKET, 'audit-compacted/'), []);
    t.deepEqual(await listKeys(s3.client, BUCKET, 'audit/'), [rawKey('a'), rawKey('b'), rawKey('c')]);
    const tags = await s3.client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: rawKey('a') }));
    t.deepEqual(tags.TagSet ?? [], []);

    // Mend b: then c, whose events belong to another day, is the one named.
    await putRaw(s3, rawKey('b'), eventsOfDay(2));
    const next = await compact({ account_id: 'acme', dt: DAY });
    t.like(next.failed[0], { key: rawKey('c') });
    t.regex(next.failed[0]!.error, /line 1: event .* belongs to account_id=acme\/dt=2026-11-23, not to this folder/);
  } finally {
    await s3.stop();
  }
});

test('a day is compacted only once closed: the lateness rule, and the run without arguments takes every closed day', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  try {
    await putRaw(s3, rawKey('a'), eventsOfDay(5));
    await putRaw(s3, rawKey('a', 'acme', '2026-11-25'), eventsOfDay(5, 'acme', '2026-11-25'));
    await putRaw(s3, rawKey('a', '~Zm9vL2Jhcg', DAY), eventsOfDay(4, 'foo/bar'));
    const justBefore = createHandler({ s3: s3.client, bucket: BUCKET, now: () => new Date('2026-11-25T01:59:59.999Z') });
    t.deepEqual(await justBefore({ account_id: 'acme', dt: DAY }), { compacted: [], skipped: [{ account_id: 'acme', dt: DAY, reason: 'open until 2026-11-25T02:00:00.000Z' }], failed: [] });
    const compact = createHandler({ s3: s3.client, bucket: BUCKET, now: () => new Date('2026-11-25T02:00:00.000Z') });
    const report = await compact();
    t.deepEqual(report.compacted.map((d) => [d.account_id, d.dt, d.rows]), [['acme', DAY, 5], ['~Zm9vL2Jhcg', DAY, 4]]);
    t.deepEqual(report.failed, []);
    const oneHour = createHandler({ s3: s3.client, bucket: BUCKET, latenessMs: 3_600_000, now: () => new Date('2026-11-26T01:00:00.000Z') });
    t.deepEqual((await oneHour()).compacted.map((d) => d.dt), ['2026-11-25']);
  } finally {
    await s3.stop();
  }
});

test('bad options and requests get errors naming what is wrong', (t) => {
  const s3 = {} as never;
  t.throws(() => createHandler({ s3, bucket: 'Bad_Bucket' }), { message: /AUDIT_LOG_BUCKET \(option "bucket"\) must be an S3 bucket name/ });
  t.throws(() => createHandler({ s3, bucket: 'b-1', compactedPrefix: 'audit/compacted/' }), { message: /option "compactedPrefix"\) "audit\/compacted\/" must not contain or lie inside the raw prefix "audit\/"/ });
  t.throws(() => createHandler({ s3, bucket: 'b-1', latenessMs: -1 }), { message: /AUDIT_LOG_LATENESS_MS \(option "latenessMs"\) must be a number ≥ 0, got -1/ });
  const compact = createHandler({ s3, bucket: 'b-1' });
  return Promise.all([
    t.throwsAsync(compact({ account_id: 'a/b', dt: DAY }), { name: 'CompactionRequestError', message: /account_id must be an account id as stored in the path/ }),
    t.throwsAsync(compact({ account_id: 'acme', dt: '2026-02-30' }), { name: 'CompactionRequestError', message: /dt must be a date written YYYY-MM-DD, got "2026-02-30"/ }),
  ]);
});
