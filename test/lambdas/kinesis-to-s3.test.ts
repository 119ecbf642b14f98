/**
 * kinesis-to-s3 against a real S3 stand-in: s3rver, started in-process on 127.0.0.1:0.
 * Tests run serially because they capture console.log (the handler's one log line).
 */
import test from 'ava';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { partitionOf, partitionPath, type AuditEvent } from '../../core/schema.js';
import { LambdaConfigurationError } from '../../lambdas/errors.js';
import { createHandler, handler, optionsFromEnvironment, type KinesisToS3Handler } from '../../lambdas/kinesis-to-s3/index.js';
import { auditEventFactory, kinesisRecordFactory, kplAggregatedRecordFactory } from '../helpers/factories.js';
import { listKeys, readGzippedJsonLines, readObjectBytes, s3ClientFor, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

const BUCKET = 'audit-bucket';
const SHARD = 'shardId-000000000007';
let s3: RunningS3rver;

test.before(async () => {
  s3 = await startS3rver([BUCKET]);
});
test.after.always(async () => {
  await s3?.stop();
});

/** Runs the handler and returns its result and the one JSON log line it printed. */
async function invoke(handler: KinesisToS3Handler, records: KinesisStreamRecord[]) {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    const result = await handler({ Records: records } as KinesisStreamEvent);
    return { result, log: JSON.parse(lines.at(-1) ?? 'null') as Record<string, number>, logLines: lines.length };
  } finally {
    console.log = original;
  }
}

function recordsFor(events: AuditEvent[]): KinesisStreamRecord[] {
  return events.map((e) => kinesisRecordFactory({ data: JSON.stringify(e), shardId: SHARD }) as KinesisStreamRecord);
}

const seqOf = (r: KinesisStreamRecord) => r.kinesis.sequenceNumber;

test.serial('writes one gzip NDJSON object per account and UTC date, named by shard and first/last sequence number', async (t) => {
  const prefix = 'layout/';
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix });
  const events = [
    auditEventFactory({ account_id: 'acme', time: '2026-02-01T23:59:59.999Z' }),
    auditEventFactory({ account_id: null, time: '2026-02-01T10:00:00.000Z' }),
    auditEventFactory({ account_id: 'acme', time: '2026-02-02T00:00:00.000Z' }),
    auditEventFactory({ account_id: 'a/b c\'é', time: '2026-02-01T11:00:00.000Z' }),
    auditEventFactory({ account_id: 'acme', time: '2026-02-01T01:00:00.000Z' }),
  ];
  const records = recordsFor(events);
  const { result, log, logLines } = await invoke(handler, records);
  t.deepEqual(result, { batchItemFailures: [] });

  const r = records.map(seqOf);
  const expected = [
    `${prefix}account_id=acme/dt=2026-02-01/${SHARD}_${r[0]}.0_${r[4]}.0.json.gz`,
    `${prefix}account_id=_none/dt=2026-02-01/${SHARD}_${r[1]}.0_${r[1]}.0.json.gz`,
    `${prefix}account_id=acme/dt=2026-02-02/${SHARD}_${r[2]}.0_${r[2]}.0.json.gz`,
    `${prefix}${partitionPath(partitionOf(events[3]!))}${SHARD}_${r[3]}.0_${r[3]}.0.json.gz`,
  ].sort();
  t.deepEqual(await listKeys(s3.client, BUCKET, prefix), expected);
  t.regex(expected[3]!, /account_id=~[A-Za-z0-9_-]+\/dt=2026-02-01\//, 'unsafe account id is stored encoded');

  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, expected[1]!), [events[0], events[4]]);
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, expected[0]!), [events[1]]);
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, expected[2]!), [events[2]]);
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, expected[3]!), [events[3]]);

  t.is(logLines, 1);
  t.like(log, { lambda: 'kinesis-to-s3', records: 5, events: 5, groups: 4, objectsWritten: 4, malformed: 0, failedRecords: 0 });
  t.is(typeof log.durationMs, 'number');
});

test.serial('running the same batch twice yields the same objects with the same bytes (no duplicates)', async (t) => {
  const prefix = 'rerun/';
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix });
  const events = Array.from({ length: 30 }, (_, i) => auditEventFactory({ account_id: `acct-${i % 3}` }));
  const records = recordsFor(events);
  await invoke(handler, records);
  const keys = await listKeys(s3.client, BUCKET, prefix);
  const bodies = await Promise.all(keys.map((k) => readObjectBytes(s3.client, BUCKET, k)));
  await invoke(handler, records);
  t.is(keys.length, 3);
  t.deepEqual(await listKeys(s3.client, BUCKET, prefix), keys);
  t.deepEqual(await Promise.all(keys.map((k) => readObjectBytes(s3.client, BUCKET, k))), bodies);
  const stored = (await Promise.all(keys.map((k) => readGzippedJsonLines(s3.client, BUCKET, k)))).flat();
  t.is(stored.length, 30);
});

test.serial('malformed records go to the -errors/ sibling prefix with reason, sequence number and raw data; the rest is stored; none is retried', async (t) => {
  const prefix = 'poison/';
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix });
  const good = [auditEventFactory(), auditEventFactory()];
  const arrival = Date.UTC(2026, 4, 6, 12) / 1000;
  const badBase64 = kinesisRecordFactory({ shardId: SHARD, approximateArrivalTimestamp: arrival }) as KinesisStreamRecord;
  badBase64.kinesis.data = '!!! not base64 !!!';
  const notJson = kinesisRecordFactory({ shardId: SHARD, data: '{"id": oops', approximateArrivalTimestamp: arrival }) as KinesisStreamRecord;
  const invalidEvent = kinesisRecordFactory({ shardId: SHARD, data: JSON.stringify({ ...auditEventFactory(), status: '200' }), approximateArrivalTimestamp: arrival }) as KinesisStreamRecord;
  const badUtf8 = kinesisRecordFactory({ shardId: SHARD, data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), approximateArrivalTimestamp: arrival }) as KinesisStreamRecord;
  const [g0, g1] = recordsFor(good) as [KinesisStreamRecord, KinesisStreamRecord];
  const records = [g0, badBase64, notJson, invalidEvent, badUtf8, g1];

  const { result, log } = await invoke(handler, records);
  t.deepEqual(result, { batchItemFailures: [] });
  t.like(log, { records: 6, events: 2, malformed: 4, objectsWritten: 2, failedRecords: 0 });

  const dataKeys = await listKeys(s3.client, BUCKET, prefix);
  t.is(dataKeys.length, 1);
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, dataKeys[0]!), good);

  const errorKeys = await listKeys(s3.client, BUCKET, 'poison-errors/');
  t.deepEqual(errorKeys, [`poison-errors/dt=2026-05-06/${SHARD}_${seqOf(badBase64)}.0_${seqOf(badUtf8)}.0.json.gz`]);
  const rejected = (await readGzippedJsonLines(s3.client, BUCKET, errorKeys[0]!)) as Array<Record<string, unknown>>;
  t.deepEqual(rejected.map((r) => r.sequenceNumber), [badBase64, notJson, invalidEvent, badUtf8].map(seqOf));
  t.deepEqual(rejected.map((r) => r.data), [badBase64, notJson, invalidEvent, badUtf8].map((r) => r.kinesis.data));
  t.regex(rejected[0]!.reason as string, /not valid base64/);
  t.regex(rejected[1]!.reason as string, /not JSON/);
  t.regex(rejected[2]!.reason as string, /schema v1.*"status"/);
  t.regex(rejected[3]!.reason as string, /UTF-8/);
  t.is(rejected[0]!.shardId, SHARD);
});

test.serial('KPL-aggregated records are de-aggregated; sub-records share the sequence number and are named by sub-sequence', async (t) => {
  const prefix = 'kpl/';
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix });
  const events = [auditEventFactory({ account_id: 'a1' }), auditEventFactory({ account_id: 'a2' }), auditEventFactory({ account_id: 'a1' })];
  const aggregated = (await kplAggregatedRecordFactory([...events.map((e) => JSON.stringify(e)), 'not json'], { shardId: SHARD })) as KinesisStreamRecord;
  t.is(Buffer.from(aggregated.kinesis.data, 'base64').subarray(0, 4).toString('hex'), 'f3899ac2');
  const plainEvent = auditEventFactory({ account_id: 'a1' });
  const [plain] = recordsFor([plainEvent]) as [KinesisStreamRecord];

  const { result, log } = await invoke(handler, [aggregated, plain]);
  t.deepEqual(result, { batchItemFailures: [] });
  t.like(log, { records: 2, events: 4, malformed: 1, groups: 2 });
  const s = seqOf(aggregated);
  t.deepEqual(await listKeys(s3.client, BUCKET, prefix), [
    `${prefix}account_id=a1/dt=${events[0]!.time.slice(0, 10)}/${SHARD}_${s}.0_${seqOf(plain)}.0.json.gz`,
    `${prefix}account_id=a2/dt=${events[1]!.time.slice(0, 10)}/${SHARD}_${s}.1_${s}.1.json.gz`,
  ]);
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, (await listKeys(s3.client, BUCKET, `${prefix}account_id=a1/`))[0]!), [events[0], events[2], plainEvent]);
  const [errorKey] = await listKeys(s3.client, BUCKET, 'kpl-errors/');
  const [rejected] = (await readGzippedJsonLines(s3.client, BUCKET, errorKey!)) as Array<Record<string, unknown>>;
  t.like(rejected, { sequenceNumber: s, subSequenceNumber: 3, data: Buffer.from('not json').toString('base64') });
});

test.serial('a corrupt KPL aggregate (bad MD5) is malformed, not retried', async (t) => {
  const prefix = 'kplbad/';
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix });
  const aggregated = (await kplAggregatedRecordFactory([JSON.stringify(auditEventFactory())], { shardId: SHARD })) as KinesisStreamRecord;
  const bytes = Buffer.from(aggregated.kinesis.data, 'base64');
  bytes[bytes.length - 1]! ^= 0xff;
  aggregated.kinesis.data = bytes.toString('base64');
  const { result, log } = await invoke(handler, [aggregated]);
  t.deepEqual(result, { batchItemFailures: [] });
  t.like(log, { events: 0, malformed: 1 });
  const [errorKey] = await listKeys(s3.client, BUCKET, 'kplbad-errors/');
  const [rejected] = (await readGzippedJsonLines(s3.client, BUCKET, errorKey!)) as Array<Record<string, unknown>>;
  t.regex(rejected!.reason as string, /KPL aggregated record could not be decoded: Invalid record checksum/);
});

/** An S3 client to the same s3rver whose PutObject fails for keys matching `failKey` (before any retry). */
function clientFailingPutsFor(failKey: RegExp) {
  const client = s3ClientFor(s3.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (context.commandName === 'PutObjectCommand' && failKey.test(key)) throw new Error(`injected failure for ${key}`);
      return next(args);
    },
    { step: 'initialize', name: 'failSomePuts' },
  );
  return client;
}

test.serial('an S3 write failure returns every record of the failed object as a batch item failure, lowest first; the rest is stored', async (t) => {
  const prefix = 'partial/';
  const client = clientFailingPutsFor(/account_id=broken\//);
  const handler = createHandler({ s3: client, bucket: BUCKET, prefix });
  const events = Array.from({ length: 12 }, (_, i) => auditEventFactory({ account_id: i % 3 === 1 ? 'broken' : 'fine' }));
  const records = recordsFor(events);
  const { result, log } = await invoke(handler, records);
  const brokenSeqs = records.filter((_, i) => i % 3 === 1).map(seqOf);
  t.deepEqual(result.batchItemFailures, brokenSeqs.map((itemIdentifier) => ({ itemIdentifier })));
  t.like(log, { records: 12, events: 12, groups: 2, objectsWritten: 1, failedObjects: 1, failedRecords: 4 });
  t.true(String((log as unknown as { errors: string[] }).errors[0]).includes('injected failure'));

  const keys = await listKeys(s3.client, BUCKET, prefix);
  t.is(keys.length, 1);
  t.true(keys[0]!.startsWith(`${prefix}account_id=fine/`));
  t.deepEqual(await readGzippedJsonLines(s3.client, BUCKET, keys[0]!), events.filter((_, i) => i % 3 !== 1));
  client.destroy();
});

test.serial('a failed write of the errors object is retried too (malformed records are not silently lost)', async (t) => {
  const client = clientFailingPutsFor(/^dropped-errors\//);
  const handler = createHandler({ s3: client, bucket: BUCKET, prefix: 'dropped/' });
  const bad = kinesisRecordFactory({ shardId: SHARD, data: 'nope' }) as KinesisStreamRecord;
  const [good] = recordsFor([auditEventFactory()]) as [KinesisStreamRecord];
  const { result } = await invoke(handler, [good, bad]);
  t.deepEqual(result.batchItemFailures, [{ itemIdentifier: seqOf(bad) }]);
  t.is((await listKeys(s3.client, BUCKET, 'dropped/')).length, 1);
  client.destroy();
});

test.serial('writes run in parallel, at most 8 at once', async (t) => {
  const client = s3ClientFor(s3.endpoint);
  let inFlight = 0;
  let peak = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'countInFlight' },
  );
  const handler = createHandler({ s3: client, bucket: BUCKET, prefix: 'parallel/' });
  const events = Array.from({ length: 40 }, (_, i) => auditEventFactory({ account_id: `tenant-${i % 20}` }));
  const { log } = await invoke(handler, recordsFor(events));
  t.like(log, { groups: 20, objectsWritten: 20 });
  t.is(peak, 8);
  client.destroy();
});

test.serial('an empty batch writes nothing and logs zero counts', async (t) => {
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix: 'empty/' });
  const { result, log } = await invoke(handler, []);
  t.deepEqual(result, { batchItemFailures: [] });
  t.like(log, { records: 0, events: 0, objectsWritten: 0 });
  t.deepEqual(await listKeys(s3.client, BUCKET, 'empty'), []);
});

test.serial('configuration errors name the option and the environment variable', async (t) => {
  t.throws(() => createHandler({ s3: s3.client, bucket: 'Bad_Bucket', prefix: 'audit/' }), {
    instanceOf: LambdaConfigurationError, message: /AUDIT_LOG_BUCKET \(option "bucket"\)/,
  });
  for (const prefix of ['audit', '/audit/', 'a/../b/', "it's/", 'a\\b/', 'ünï/', '']) {
    const error = t.throws(() => createHandler({ s3: s3.client, bucket: BUCKET, prefix }), { instanceOf: LambdaConfigurationError });
    t.is(error?.envVar, 'AUDIT_LOG_PREFIX', prefix);
  }
  t.throws(() => optionsFromEnvironment({}), { instanceOf: LambdaConfigurationError, message: /AUDIT_LOG_BUCKET .*is not set/ });
  t.deepEqual(optionsFromEnvironment({ AUDIT_LOG_BUCKET: 'b-1' }), { bucket: 'b-1', prefix: 'audit/', integrityBucket: undefined, integrityPrefix: undefined });
  t.deepEqual(optionsFromEnvironment({ AUDIT_LOG_BUCKET: 'b-1', AUDIT_LOG_INTEGRITY_BUCKET: 'b-2', AUDIT_LOG_INTEGRITY_PREFIX: 'i/' }), { bucket: 'b-1', prefix: 'audit/', integrityBucket: 'b-2', integrityPrefix: 'i/' });
  const badIntegrity = t.throws(() => createHandler({ s3: s3.client, bucket: BUCKET, integrityBucket: 'Not_A_Bucket' }), { instanceOf: LambdaConfigurationError });
  t.is(badIntegrity?.envVar, 'AUDIT_LOG_INTEGRITY_BUCKET');
});

test.serial('the deployed handler fails its cold start naming the missing variable, yet the module imports without it', async (t) => {
  const saved = { ...process.env };
  delete process.env.AUDIT_LOG_BUCKET;
  process.env.AUDIT_LOG_PREFIX = 'no-trailing-slash';
  try {
    await t.throwsAsync(handler({ Records: [] }), { instanceOf: LambdaConfigurationError, message: /AUDIT_LOG_BUCKET/ });
    process.env.AUDIT_LOG_BUCKET = BUCKET;
    await t.throwsAsync(handler({ Records: [] }), { instanceOf: LambdaConfigurationError, message: /AUDIT_LOG_PREFIX/ });
  } finally {
    process.env = saved;
  }
});

test.serial('when S3 is unreachable (a closed port), every record is reported, lowest first, and nothing is claimed written', async (t) => {
  const unreachable = s3ClientFor('http://127.0.0.1:1');
  const handler = createHandler({ s3: unreachable, bucket: BUCKET, prefix: 'unreachable/' });
  const records = recordsFor([auditEventFactory({ account_id: 'b' }), auditEventFactory({ account_id: 'a' }), auditEventFactory({ account_id: 'b' })]);
  const { result, log } = await invoke(handler, records);
  t.deepEqual(result.batchItemFailures, records.map((r) => ({ itemIdentifier: seqOf(r) })));
  t.like(log, { groups: 2, objectsWritten: 0, failedObjects: 2, failedRecords: 3 });
  t.regex(String((log as unknown as { errors: string[] }).errors[0]), /ECONNREFUSED/);
  unreachable.destroy();
});

test.serial('base64 with a stray character is malformed even though a lenient decoder would still yield a valid event', async (t) => {
  const handler = createHandler({ s3: s3.client, bucket: BUCKET, prefix: 'stray/' });
  const [record] = recordsFor([auditEventFactory()]) as [KinesisStreamRecord];
  record.kinesis.data = `${record.kinesis.data.slice(0, 8)}*${record.kinesis.data.slice(8)}`;
  t.truthy(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')), 'Buffer.from skips the stray character');
  const { log } = await invoke(handler, [record]);
  t.like(log, { events: 0, malformed: 1 });
  t.deepEqual(await listKeys(s3.client, BUCKET, 'stray/'), []);
});
