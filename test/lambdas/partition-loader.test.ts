/**
 * partition-loader with Athena via aws-sdk-client-mock (no Athena stand-in runs locally).
 * Each test mocks its own client instance, so tests can run concurrently; the log line is
 * captured by swapping console.log, so tests that read it are serial.
 */
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, TooManyRequestsException } from '@aws-sdk/client-athena';
import test from 'ava';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeAccountId } from '../../core/schema.js';
import { AthenaQueryFailedError, AthenaQueryTimeoutError, LambdaConfigurationError, UnsafeSqlValueError } from '../../lambdas/errors.js';
import { quoteIdentifier, sqlStringLiteral } from '../../lambdas/partition-loader/add-partitions-sql.js';
import { createHandler, handler, type PartitionLoaderOptions } from '../../lambdas/partition-loader/index.js';
import { KnownPartitionsCache } from '../../lambdas/partition-loader/known-partitions-cache.js';
import { s3EventFactory } from '../helpers/factories.js';

const FAST = { initialDelayMs: 1, maxDelayMs: 4, timeoutMs: 2_000 };

function athenaMock(states: string[] = ['SUCCEEDED']) {
  const athena = new AthenaClient({ region: 'us-east-1' });
  const mock = mockClient(athena);
  let n = 0;
  mock.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
  const get = mock.on(GetQueryExecutionCommand);
  states.slice(0, -1).forEach((state) => get.resolvesOnce({ QueryExecution: { Status: { State: state as 'RUNNING' } } }));
  get.resolves({ QueryExecution: { Status: { State: states.at(-1) as 'SUCCEEDED', StateChangeReason: 'reason from Athena' } } });
  const sqlOf = () => mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);
  return { athena, mock, sqlOf };
}

function loader(athena: AthenaClient, extra: Partial<PartitionLoaderOptions> = {}) {
  return createHandler({ athena, database: 'audit_db', table: 'http_audit', workgroup: 'audit', prefix: 'audit/', timing: FAST, ...extra });
}

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; log: Record<string, unknown> }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    const value = await fn();
    return { value, log: JSON.parse(lines.at(-1) ?? 'null') as Record<string, unknown> };
  } finally {
    console.log = original;
  }
}

const loc = (account: string, dt: string) => `s3://audit-bucket/audit/account_id=${account}/dt=${dt}/`;

test.serial('all records of the event become ONE statement with every new partition (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, mock, sqlOf } = athenaMock(['QUEUED', 'RUNNING', 'SUCCEEDED']);
  const event = s3EventFactory([
    'audit/account_id=acme/dt=2026-01-31/a.json.gz',
    'audit/account_id=acme/dt=2026-01-31/b.json.gz',
    'audit/account_id=_none/dt=2026-02-01/c.json.gz',
    'audit/account_id=globex/dt=2026-01-31/d.json.gz',
    'audit-errors/dt=2026-01-31/e.json.gz',
    'elsewhere/account_id=acme/dt=2026-01-30/f.json.gz',
    'audit/account_id=acme/g.json.gz',
    'audit/account_id=acme/dt=2026-02-30/h.json.gz',
  ]) as S3Event;
  const { log } = await quietly(() => loader(athena, { outputLocation: 's3://audit-bucket/athena-results/' })(event));
  t.deepEqual(sqlOf(), [[
    'ALTER TABLE `audit_db`.`http_audit` ADD IF NOT EXISTS',
    `  PARTITION (account_id = 'acme', dt = '2026-01-31') LOCATION '${loc('acme', '2026-01-31')}'`,
    `  PARTITION (account_id = '_none', dt = '2026-02-01') LOCATION '${loc('_none', '2026-02-01')}'`,
    `  PARTITION (account_id = 'globex', dt = '2026-01-31') LOCATION '${loc('globex', '2026-01-31')}'`,
  ].join('\n')]);
  const start = mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
  t.is(start.WorkGroup, 'audit');
  t.deepEqual(start.QueryExecutionContext, { Database: 'audit_db' });
  t.deepEqual(start.ResultConfiguration, { OutputLocation: 's3://audit-bucket/athena-results/' });
  t.is(mock.commandCalls(GetQueryExecutionCommand).length, 3, 'polled until SUCCEEDED');
  t.like(log, { lambda: 'partition-loader', records: 8, ignored: 4, partitions: 3, cacheHits: 0, added: 3, statements: 1, queryExecutionIds: ['q-1'] });
});

test.serial('a cache hit makes no Athena call; only new partitions are added (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, mock, sqlOf } = athenaMock();
  const handle = loader(athena);
  const keys = ['audit/account_id=acme/dt=2026-01-31/a.json.gz', 'audit/account_id=beta/dt=2026-01-31/a.json.gz'];
  await quietly(() => handle(s3EventFactory(keys) as S3Event));
  t.is(mock.calls().length, 2);
  const { log } = await quietly(() => handle(s3EventFactory([...keys, keys[0]!.replace('a.json', 'z.json')]) as S3Event));
  t.is(mock.calls().length, 2, 'no call at all on a full cache hit');
  t.like(log, { partitions: 2, cacheHits: 2, added: 0, statements: 0 });
  await quietly(() => handle(s3EventFactory([keys[1]!, 'audit/account_id=gamma/dt=2026-01-31/a.json.gz']) as S3Event));
  t.is(sqlOf().length, 2);
  t.false(sqlOf()[1]!.includes("'beta'"));
  t.true(sqlOf()[1]!.includes("account_id = 'gamma'"));
});

test.serial('FAILED and CANCELLED throw a named error and are not cached, so the retry runs the query again (Athena via aws-sdk-client-mock)', async (t) => {
  for (const state of ['FAILED', 'CANCELLED']) {
    const { athena, mock } = athenaMock(['RUNNING', state]);
    const handle = loader(athena);
    const event = s3EventFactory(['audit/account_id=acme/dt=2026-01-31/a.json.gz']) as S3Event;
    const { log } = await quietly(async () => {
      const error = await t.throwsAsync(handle(event), { instanceOf: AthenaQueryFailedError });
      t.is(error?.state, state);
      t.regex(error!.message, /reason from Athena/);
    });
    t.regex(String(log.error), new RegExp(`AthenaQueryFailedError: .*${state}`));
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    await quietly(() => handle(event));
    t.is(mock.commandCalls(StartQueryExecutionCommand).length, 2, 'retried, not served from the cache');
  }
});

test.serial('a query still RUNNING at the deadline throws AthenaQueryTimeoutError (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, mock } = athenaMock(['RUNNING']);
  const handle = loader(athena, { timing: { initialDelayMs: 5, maxDelayMs: 10, timeoutMs: 60 } });
  const before = Date.now();
  await quietly(() => t.throwsAsync(handle(s3EventFactory(['audit/account_id=acme/dt=2026-01-31/a.json.gz']) as S3Event), { instanceOf: AthenaQueryTimeoutError, message: /q-1 did not finish within 60 ms/ }));
  t.true(Date.now() - before < 5_000, "gave up instead of polling on");
  t.true(mock.commandCalls(GetQueryExecutionCommand).length >= 3, 'polled with backoff before giving up');
});

test.serial('throttling on StartQueryExecution and GetQueryExecution is retried with one client request token (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, mock } = athenaMock();
  const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
  const slowDown = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  mock.on(StartQueryExecutionCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ QueryExecutionId: 'q-after-throttle' });
  mock.on(GetQueryExecutionCommand).rejectsOnce(slowDown).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  const { log } = await quietly(() => loader(athena)(s3EventFactory(['audit/account_id=acme/dt=2026-01-31/a.json.gz']) as S3Event));
  const starts = mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
  t.is(starts.length, 3);
  t.is(new Set(starts).size, 1);
  t.is(mock.commandCalls(GetQueryExecutionCommand).length, 2);
  t.like(log, { added: 1, queryExecutionIds: ['q-after-throttle'] });
});

test.serial('other errors from Athena are not swallowed (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, mock } = athenaMock();
  mock.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('no output location'), { name: 'InvalidRequestException' }));
  await quietly(() => t.throwsAsync(loader(athena)(s3EventFactory(['audit/account_id=acme/dt=2026-01-31/a.json.gz']) as S3Event), { name: 'InvalidRequestException' }));
});

test.serial('hostile keys are ignored or arrive only as safely encoded values; nothing breaks out of a literal (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, sqlOf } = athenaMock();
  const hostile = [
    "audit/account_id=a'b/dt=2026-01-31/x.json.gz",
    "audit/account_id=x', dt='1') LOCATION 's3://evil/'--/dt=2026-01-31/x.json.gz",
    'audit/account_id=../dt=2026-01-31/x.json.gz',
    'audit/account_id=../../etc/dt=2026-01-31/x.json.gz',
    'audit/account_id=a\\b/dt=2026-01-31/x.json.gz',
    'audit/account_id=ünïcödé/dt=2026-01-31/x.json.gz',
    'audit/account_id=acme/dt=2026-01-31\'/x.json.gz',
    'audit/../audit/account_id=acme/dt=2026-01-31/x.json.gz',
    'audit/account_id=~!!/dt=2026-01-31/x.json.gz',
  ];
  const rawEncoded = s3EventFactory([]) as S3Event;
  const template = (s3EventFactory(['x']) as S3Event).Records[0]!;
  for (const key of ['audit/account_id=a%27b/dt=2026-01-31/x.json.gz', 'audit/account_id%3Dq%2527/dt%3D2026-01-31/x.json.gz', 'audit/account_id=%E0%A4%A/dt=2026-01-31/x.json.gz']) {
    rawEncoded.Records.push({ ...template, s3: { ...template.s3, object: { ...template.s3.object, key } } });
  }
  const encodedHostile = encodeAccountId("o'brien/../\\ünï");
  const safe = `audit/account_id=${encodedHostile}/dt=2026-01-31/ok.json.gz`;
  const event = s3EventFactory([...hostile, safe]) as S3Event;
  event.Records.push(...rawEncoded.Records);
  const { log } = await quietly(() => loader(athena)(event));
  t.like(log, { records: hostile.length + 4, ignored: hostile.length + 3, partitions: 1 });
  const [sql] = sqlOf();
  t.is(sql, [
    'ALTER TABLE `audit_db`.`http_audit` ADD IF NOT EXISTS',
    `  PARTITION (account_id = '${encodedHostile}', dt = '2026-01-31') LOCATION '${loc(encodedHostile, '2026-01-31')}'`,
  ].join('\n'));
  t.regex(encodedHostile, /^~[A-Za-z0-9_-]+$/);
});

test('SQL literal and identifier builders escape quotes and refuse backslashes, control characters and backticks', (t) => {
  t.is(sqlStringLiteral("o'brien"), "'o''brien'");
  t.is(sqlStringLiteral("'; DROP TABLE x; --"), "'''; DROP TABLE x; --'");
  t.throws(() => sqlStringLiteral('a\\'), { instanceOf: UnsafeSqlValueError });
  t.throws(() => sqlStringLiteral('a\nb'), { instanceOf: UnsafeSqlValueError });
  t.is(quoteIdentifier('audit_db'), '`audit_db`');
  t.throws(() => quoteIdentifier('a`b'), { instanceOf: UnsafeSqlValueError });
  t.throws(() => quoteIdentifier('a.b'), { instanceOf: UnsafeSqlValueError });
});

test.serial('keys are URL-decoded as S3 sends them: "+" is a space, %xx escapes (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, sqlOf } = athenaMock();
  const event = s3EventFactory([]) as S3Event;
  const template = (s3EventFactory(['x']) as S3Event).Records[0]!;
  for (const key of ['audit/account_id%3Dacme/dt%3D2026-01-31/file+with+space.json.gz', 'audit/account_id=tenant%2D7/dt=2026-03-01/a%20b.json.gz', 'audit/account_id=a+b/dt=2026-03-01/x.json.gz']) {
    event.Records.push({ ...template, s3: { ...template.s3, object: { ...template.s3.object, key } } });
  }
  const { log } = await quietly(() => loader(athena)(event));
  t.like(log, { ignored: 1, partitions: 2 });
  t.true(sqlOf()[0]!.includes(`LOCATION '${loc('acme', '2026-01-31')}'`));
  t.true(sqlOf()[0]!.includes(`LOCATION '${loc('tenant-7', '2026-03-01')}'`));
});

test.serial('statements split only near the query size limit, each within it (Athena via aws-sdk-client-mock)', async (t) => {
  const { athena, sqlOf } = athenaMock();
  const keys = Array.from({ length: 3_000 }, (_, i) => `audit/account_id=tenant-${String(i).padStart(5, '0')}/dt=2026-01-31/a.json.gz`);
  const { log } = await quietly(() => loader(athena)(s3EventFactory(keys) as S3Event));
  const statements = sqlOf() as string[];
  t.is(statements.length, 2);
  for (const sql of statements) t.true(Buffer.byteLength(sql) <= 262_144);
  t.true(Buffer.byteLength(statements[0]!) > 262_144 - 200, 'the first statement is filled up to the limit');
  t.is(statements.join('\n').match(/PARTITION \(/g)?.length, 3_000);
  t.like(log, { added: 3_000, statements: 2 });
});

test('configuration errors name the option and the environment variable', async (t) => {
  const athena = new AthenaClient({ region: 'us-east-1' });
  const cases: Array<[Partial<PartitionLoaderOptions>, string]> = [
    [{ database: 'audit-db' }, 'ATHENA_DATABASE'],
    [{ table: 'x`; DROP' }, 'ATHENA_TABLE'],
    [{ prefix: 'audit' }, 'AUDIT_LOG_PREFIX'],
    [{ prefix: "a'b/" }, 'AUDIT_LOG_PREFIX'],
    [{ outputLocation: 'https://bucket/results/' }, 'ATHENA_OUTPUT_LOCATION'],
    [{ outputLocation: "s3://bucket/it's/" }, 'ATHENA_OUTPUT_LOCATION'],
    [{ workgroup: 'work group' }, 'ATHENA_WORKGROUP'],
  ];
  for (const [patch, envVar] of cases) {
    const error = t.throws(() => loader(athena, patch), { instanceOf: LambdaConfigurationError });
    t.is(error?.envVar, envVar);
    t.true(error!.message.includes(envVar));
  }
  const saved = { ...process.env };
  delete process.env.ATHENA_DATABASE;
  try {
    await t.throwsAsync(handler(s3EventFactory([]) as S3Event), { instanceOf: LambdaConfigurationError, message: /ATHENA_DATABASE/ });
  } finally {
    process.env = saved;
  }
});

test('the known-partitions cache is bounded and evicts the least recently used', (t) => {
  const cache = new KnownPartitionsCache(2);
  cache.add('a');
  cache.add('b');
  t.true(cache.has('a'));
  cache.add('c');
  t.is(cache.size, 2);
  t.false(cache.has('b'));
  t.true(cache.has('a'));
  t.true(cache.has('c'));
  t.throws(() => new KnownPartitionsCache(0), { instanceOf: RangeError });
});
