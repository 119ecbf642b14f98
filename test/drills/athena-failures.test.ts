/**
 * Drill: Athena FAILED and throttled, for the partition loader (Athena via aws-sdk-client-mock:
 * no Athena stand-in runs locally). kinesis-to-s3 writes objects for 4 accounts × 3 days to
 * s3rver; s3rver's object-created notifications go, as they are, to the partition loader.
 * "Stored" partitions are read from the ALTER TABLE statements whose query SUCCEEDED.
 * Policy: FAILED throws (Lambda's async retry runs the event again), nothing is cached until a
 * statement SUCCEEDED, so the retry adds every partition and a later delivery is a cache hit:
 * each partition added exactly once. Throttling on Start/GetQueryExecution is retried in-call.
 */
import test from 'ava';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, TooManyRequestsException } from '@aws-sdk/client-athena';
import type { KinesisStreamEvent, KinesisStreamRecord, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueryFailedError } from '../../lambdas/errors.js';
import { createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { createHandler as createPartitionLoader } from '../../lambdas/partition-loader/index.js';
import { auditEventFactory, kinesisRecordFactory } from '../helpers/factories.js';
import { startS3rver } from '../helpers/s3rver.js';
import { BUCKET, quietly } from './_pipeline.js';
import { reportDrill } from './_report.js';

/** Objects for 4 accounts × 3 days written by kinesis-to-s3; returns the notifications and the partitions in the keys. */
async function writeObjects(prefix: string) {
  const s3 = await startS3rver([BUCKET]);
  try {
    const events = Array.from({ length: 120 }, (_, i) => auditEventFactory({
      account_id: `acct-${i % 4}`, time: new Date(Date.UTC(2026, 2, 1 + (Math.floor(i / 4) % 3), 12)).toISOString(),
    }));
    const writer = createKinesisToS3({ s3: s3.client, bucket: BUCKET, prefix });
    await quietly(() => writer({ Records: events.map((e) => kinesisRecordFactory({ data: JSON.stringify(e) }) as KinesisStreamRecord) } as KinesisStreamEvent));
    const created = s3.events.flatMap((e) => e.Records).filter((r) => r.eventName.startsWith('ObjectCreated'));
    // The notifications of the objects' manifests (integrity/) go to the loader too, which must ignore them.
    const partitions = new Set(created.filter((r) => r.s3.object.key.startsWith(prefix)).map((r) => r.s3.object.key.replace(/[^/]+$/, '')));
    return { event: { Records: created } as S3Event, partitions };
  } finally {
    await s3.stop();
  }
}

/**
 * A mocked Athena whose queries end in `stateOf(n)` (n = 1, 2, …), throttling the first
 * `throttle.starts` StartQueryExecution and `throttle.gets` GetQueryExecution calls; tracks which
 * statements SUCCEEDED.
 */
function athenaMock(stateOf: (n: number) => 'SUCCEEDED' | 'FAILED', throttle = { starts: 0, gets: 0 }) {
  const athena = new AthenaClient({ region: 'us-east-1' });
  const mock = mockClient(athena);
  const sqlById = new Map<string, string>();
  const succeeded: string[] = [];
  const calls = { starts: 0, gets: 0 };
  mock.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    if (++calls.starts <= throttle.starts) throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    const id = `q-${sqlById.size + 1}`;
    sqlById.set(id, input.QueryString);
    return { QueryExecutionId: id };
  });
  mock.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    if (++calls.gets <= throttle.gets) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const state = stateOf(Number(input.QueryExecutionId.slice(2)));
    if (state === 'SUCCEEDED' && !succeeded.includes(input.QueryExecutionId)) succeeded.push(input.QueryExecutionId);
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: state, StateChangeReason: 'drill: HIVE_METASTORE_ERROR' } } };
  });
  /** Partition locations in the statements that SUCCEEDED, one entry per time added. */
  const added = () => succeeded.flatMap((id) => [...sqlById.get(id)!.matchAll(/LOCATION 's3:\/\/[^/]+\/([^']+)'/g)].map((m) => m[1]!));
  return { athena, mock, added, calls };
}

const loaderFor = (athena: AthenaClient) => createPartitionLoader({
  athena, database: 'audit_db', table: 'http_audit', workgroup: 'audit', prefix: 'audit/', timing: { initialDelayMs: 1, maxDelayMs: 4, timeoutMs: 5_000 },
});

function figures(partitions: Set<string>, added: string[]) {
  const stored = new Set(added.filter((p) => partitions.has(p)));
  return { sent: partitions.size, stored: stored.size, lost: partitions.size - stored.size, duplicates: added.length - stored.size };
}

test.serial('Athena FAILED (via aws-sdk-client-mock): the invocation throws so Lambda retries; the retry adds every partition, exactly once', async (t) => {
  const { event, partitions } = await writeObjects('audit/');
  const { athena, mock, added } = athenaMock((n) => (n === 1 ? 'FAILED' : 'SUCCEEDED'));
  const loader = loaderFor(athena);
  const firstTry = await quietly(() => t.throwsAsync(loader(event), { instanceOf: AthenaQueryFailedError }));
  t.regex(firstTry.value!.message, /HIVE_METASTORE_ERROR/);
  t.deepEqual(added(), [], 'nothing added by the failed statement');
  await quietly(() => loader(event)); // Lambda's async retry of the same notification
  const { logs } = await quietly(() => loader(event)); // and a duplicate S3 notification later
  const f = figures(partitions, added());
  reportDrill(t, {
    drill: 'athena-failed', sent: f.sent, stored: f.stored, lost: f.lost, allowed: 0,
    why: 'FAILED throws, Lambda retries the event; partitions cached only after SUCCEEDED', duplicates: f.duplicates,
    extra: { startQueryExecutions: mock.commandCalls(StartQueryExecutionCommand).length, invocations: 3 },
  });
  t.is(partitions.size, 12);
  t.is(f.lost, 0);
  t.is(f.duplicates, 0, 'each partition in exactly one SUCCEEDED statement');
  t.is(mock.commandCalls(StartQueryExecutionCommand).length, 2, 'the third delivery made no Athena call');
  t.like(JSON.parse(logs.at(-1)!), { partitions: 12, cacheHits: 12, added: 0, statements: 0 });
});

test.serial('Athena throttled (via aws-sdk-client-mock): TooManyRequests/Throttling are retried within the invocation; partitions added', async (t) => {
  const { event, partitions } = await writeObjects('audit/');
  const { athena, mock, added, calls } = athenaMock(() => 'SUCCEEDED', { starts: 2, gets: 2 });
  const loader = loaderFor(athena);
  await quietly(() => loader(event));
  const again = await quietly(() => loader(event)); // a duplicate notification: served from the cache
  const f = figures(partitions, added());
  const tokens = new Set(mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken));
  reportDrill(t, {
    drill: 'athena-throttled', sent: f.sent, stored: f.stored, lost: f.lost, allowed: 0,
    why: 'throttled Start/GetQueryExecution calls are retried with backoff and one ClientRequestToken', duplicates: f.duplicates,
    extra: { throttledStarts: 2, throttledGets: 2, startCalls: calls.starts, getCalls: calls.gets },
  });
  t.is(partitions.size, 12);
  t.is(calls.starts, 3);
  t.is(calls.gets, 3);
  t.is(tokens.size, 1, 'one ClientRequestToken: a retried start cannot run twice');
  t.like(JSON.parse(again.logs.at(-1)!), { cacheHits: 12, added: 0, statements: 0 });
  t.is(f.lost, 0);
  t.is(f.duplicates, 0);
});
