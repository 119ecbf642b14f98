// The Athena path of the CLI, in-process through runCli (Athena via aws-sdk-client-mock).
import test from 'ava';
import {
  AthenaClient, GetQueryExecutionCommand, type GetQueryExecutionOutput, GetQueryResultsCommand, type GetQueryResultsOutput, type QueryExecutionState,
  StartQueryExecutionCommand, StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../cli/cli.js';
import { runAthenaStatement } from '../../cli/athena-runner.js';
import { encodeAccountId } from '../../core/schema.js';

const athena = mockClient(AthenaClient);
test.beforeEach(() => athena.reset());

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => { out.stdout += s; } }, stderr: { write: (s: string) => { out.stderr += s; } } } };
}

const execution = (State: QueryExecutionState, extra: object = {}): GetQueryExecutionOutput => ({
  QueryExecution: { QueryExecutionId: 'q-1', Status: { State, ...extra }, Statistics: { DataScannedInBytes: 2_500_000 } },
});

const columns = [{ Name: 'method', Type: 'varchar' }, { Name: 'requests', Type: 'bigint' }, { Name: 'avg_duration_ms', Type: 'double' }];
const row = (...values: Array<string | undefined>) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
const page = (rows: ReturnType<typeof row>[], nextToken?: string): GetQueryResultsOutput => ({
  ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: rows },
  ...(nextToken ? { NextToken: nextToken } : {}),
});

test.serial('athena query (Athena via aws-sdk-client-mock): Start → QUEUED, RUNNING, SUCCEEDED → two result pages → table', async (t) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand)
    .resolvesOnce(execution('QUEUED'))
    .resolvesOnce(execution('RUNNING'))
    .resolves(execution('SUCCEEDED'));
  athena.on(GetQueryResultsCommand)
    .resolvesOnce(page([row('method', 'requests', 'avg_duration_ms'), row('GET', '7', '12.5'), row('POST', '3', undefined)], 'token-2'))
    .resolvesOnce(page([row('DELETE', '1', '99.0')]));
  const { out, io } = captureIo();
  const code = await runCli([
    'athena', 'query', 'requests-per-method', '--param', 'account_id=acme', '--param', 'dt=2026-01-31',
    '--workgroup', 'audit', '--output-location', 's3://results-bucket/athena/', '--database', 'audit_db', '--region', 'us-east-1',
  ], io);
  t.is(code, 0, out.stderr);

  const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
  t.is(start.WorkGroup, 'audit');
  t.deepEqual(start.ResultConfiguration, { OutputLocation: 's3://results-bucket/athena/' });
  t.deepEqual(start.QueryExecutionContext, { Database: 'audit_db' });
  t.true(start.QueryString!.includes('FROM "audit_db"."audit_events"'));
  t.is(athena.commandCalls(GetQueryExecutionCommand).length, 3);
  const pages = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
  t.deepEqual(pages, [{ QueryExecutionId: 'q-1' }, { QueryExecutionId: 'q-1', NextToken: 'token-2' }]);

  t.is(out.stdout, [
    'method | requests | avg_duration_ms',
    '-------+----------+----------------',
    'GET    |        7 |            12.5',
    'POST   |        3 |            NULL',
    'DELETE |        1 |              99',
    '(3 rows)',
    '',
  ].join('\n'));
  t.regex(out.stderr, /athena q-1: QUEUED .*\nathena q-1: RUNNING .*\nathena q-1: SUCCEEDED .*2\.5 MB scanned\n/);
});

test.serial('athena query (Athena via aws-sdk-client-mock): a FAILED query is a clear error and exit code 1', async (t) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', { StateChangeReason: "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.http_audit_log.audit_events' does not exist" }));
  const { out, io } = captureIo();
  const code = await runCli(['athena', 'query', 'errors', '-p', 'dt=2026-01-31', '--region', 'us-east-1'], io);
  t.is(code, 1);
  t.regex(out.stderr, /Athena query q-1 FAILED: TABLE_NOT_FOUND: .*audit_events' does not exist/);
  t.is(out.stdout, '');
  t.is(athena.commandCalls(GetQueryResultsCommand).length, 0);
});

test.serial('athena query (Athena via aws-sdk-client-mock): a value with quotes cannot break out: the exact SQL sent', async (t) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
  athena.on(GetQueryResultsCommand).resolves(page([row('method', 'requests', 'avg_duration_ms')]));
  const { io } = captureIo();
  const code = await runCli([
    'athena', 'query', 'request-trail', '--param', "request_id=r1' OR '1'='1", '--param', "account_id=o'brien", '--param', 'dt=2026-01-31', '--region', 'us-east-1',
  ], io);
  t.is(code, 0);
  t.is(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString, `SELECT "time", id, user_id, method, url, status, duration_ms, error, request_body, request_body_truncated, response_body, response_body_truncated, client
FROM "http_audit_log"."audit_events"
WHERE account_id = '${encodeAccountId("o'brien")}'
  AND dt = '2026-01-31'
  AND request_id = 'r1'' OR ''1''=''1'
ORDER BY "time", id`);
});

test.serial('athena query (Athena via aws-sdk-client-mock): bad parameters fail before any AWS call', async (t) => {
  const { out, io } = captureIo();
  t.is(await runCli(['athena', 'query', 'errors', '-p', 'dt=31/01/2026'], io), 2);
  t.regex(out.stderr, /parameter dt: "31\/01\/2026" is not a date/);
  t.is(await runCli(['athena', 'query', 'errors', '-p', 'dt=2026-01-31', '--output-location', 'results-bucket'], io), 2);
  t.regex(out.stderr, /--output-location must be an s3:\/\/ URL/);
  t.is(athena.commandCalls(StartQueryExecutionCommand).length, 0);
});

test.serial('athena ddl --apply (Athena via aws-sdk-client-mock): CREATE DATABASE, then the raw table, the compacted table and the view, each waited for', async (t) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
  const { out, io } = captureIo();
  const code = await runCli(['athena', 'ddl', '--apply', '--projection', '--bucket', 'audit-bucket', '--prefix', 'audit', '--region', 'us-east-1', '--output-location', 's3://results/x/'], io);
  t.is(code, 0, out.stderr);
  const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString!);
  t.deepEqual(sent[0], 'CREATE DATABASE IF NOT EXISTS `http_audit_log`');
  t.is(sent.length, 4);
  t.true(sent[1]!.startsWith('CREATE EXTERNAL TABLE IF NOT EXISTS `http_audit_log`.`audit_events_raw`'));
  t.true(sent[1]!.includes("'storage.location.template' = 's3://audit-bucket/audit/account_id=${account_id}/dt=${dt}/'"));
  t.true(sent[2]!.startsWith('CREATE EXTERNAL TABLE IF NOT EXISTS `http_audit_log`.`audit_events_compacted`'));
  t.true(sent[2]!.includes("'storage.location.template' = 's3://audit-bucket/audit-compacted/account_id=${account_id}/dt=${dt}/'"));
  t.true(sent[3]!.startsWith('CREATE OR REPLACE VIEW "http_audit_log"."audit_events" AS'));
  for (const statement of sent.slice(1)) t.false(statement.includes('\n--') || statement.startsWith('--') || statement.endsWith(';'));
  t.is(athena.commandCalls(GetQueryExecutionCommand).length, 4, 'each statement waited for before the next');
  t.is(out.stdout, 'tables http_audit_log.audit_events_raw and http_audit_log.audit_events_compacted (partition projection) and view http_audit_log.audit_events are in place\n');
});

test.serial('runAthenaStatement (Athena via aws-sdk-client-mock): backs off between polls and stops a query that runs too long', async (t) => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
  athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
  athena.on(StopQueryExecutionCommand).resolves({});
  const delays: number[] = [];
  let now = 0;
  const realNow = Date.now;
  Date.now = () => now;
  try {
    const sleep = async (ms: number) => { delays.push(ms); now += ms; };
    await t.throwsAsync(runAthenaStatement('SELECT 1', { client: new AthenaClient({ region: 'us-east-1' }), sleep, timeoutMs: 10_000 }), { message: /q-9 TIMED OUT: still RUNNING after 10 s; stopped it/ });
  } finally {
    Date.now = realNow;
  }
  t.deepEqual(delays, [100, 200, 400, 800, 1600, 3000, 3000, 3000]);
  t.deepEqual(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input, { QueryExecutionId: 'q-9' });
});
