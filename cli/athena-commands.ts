/**
 * `http-audit-log athena ddl …` and `http-audit-log athena query …`: print or apply the table DDL,
 * run a named query on Athena and print its rows.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { type AthenaProgress, type AthenaRunOptions, runAthenaQuery, runAthenaStatement } from './athena-runner.js';
import { DEFAULT_DATABASE, DEFAULT_TABLE, renderDdl, statementText } from './ddl.js';
import { bindQuery, tableReference } from './query-binder.js';
import { getQuery, loadQueryCatalog } from './query-catalog.js';
import { decodeAccountColumn } from './query-result.js';
import {
  type CliIo, collectParams, listQueries, parseCommandArgs, QUERY_OUTPUT_HELP, QUERY_OUTPUT_OPTIONS, queryNameOrHelp, writeResult,
} from './query-command-options.js';
import { UsageError } from './usage-error.js';

const AWS_OPTIONS = {
  workgroup: { type: 'string' },
  'output-location': { type: 'string' },
  region: { type: 'string' },
  timeout: { type: 'string', default: '1800' },
} as const;

const AWS_HELP = `  --workgroup W            Athena workgroup (default: the account's primary)
  --output-location S3URL  s3://bucket/path/ for results, unless the workgroup sets one;
                           never under the table's own data prefix
  --region R               AWS region (default: AWS_REGION / the SDK's configuration)
  --timeout SECONDS        Stop the query after this long (default 1800)`;

const DDL_HELP = `Usage: http-audit-log athena ddl [--projection] [--bucket B] [--prefix P]
                               [--database D] [--table T] [--apply …]

Prints the CREATE EXTERNAL TABLE statement for the audit log (classic partitions, loaded by
the partition-loader Lambda), or with --projection the partition-projection variant (no loader;
every query must then filter account_id with = or IN). --apply runs it on Athena instead,
after CREATE DATABASE IF NOT EXISTS.

Options:
  --projection             The partition-projection DDL
  --bucket B               The data bucket (left as \${bucket} when printing without it)
  --prefix P               The data prefix inside the bucket, e.g. audit/ (default: none)
  --database D             Default ${DEFAULT_DATABASE}
  --table T                Default ${DEFAULT_TABLE}
  --apply                  Run the DDL on Athena and wait for it (needs --bucket)
${AWS_HELP}
  -h, --help               This help
`;

function queryHelp(): string {
  return `Usage: http-audit-log athena query NAME [--param NAME=VALUE …] [--workgroup W]
                                 [--output-location s3://…] [--database D] [--table T]

Runs a named query (athena/queries/NAME.sql) on Athena, shows progress on stderr and prints
the rows. Account ids are given as the real ids; the CLI encodes them for the partition.

Options:
  --database D             Default ${DEFAULT_DATABASE}
  --table T                Default ${DEFAULT_TABLE}
${AWS_HELP}
${QUERY_OUTPUT_HELP}

Queries:
${listQueries(loadQueryCatalog())}
`;
}

interface AwsValues { workgroup?: string; 'output-location'?: string; region?: string; timeout?: string }

function athenaRunOptions(values: AwsValues, io: CliIo, database: string): AthenaRunOptions {
  const outputLocation = values['output-location'];
  if (outputLocation !== undefined && !outputLocation.startsWith('s3://')) throw new UsageError(`--output-location must be an s3:// URL, got ${outputLocation}`);
  const timeoutSeconds = Number(values.timeout ?? '1800');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout must be a positive number of seconds');
  return {
    client: new AthenaClient(values.region ? { region: values.region } : {}),
    database,
    ...(values.workgroup ? { workgroup: values.workgroup } : {}),
    ...(outputLocation ? { outputLocation } : {}),
    timeoutMs: timeoutSeconds * 1000,
    onProgress: progressLine(io),
  };
}

/** On a terminal one line rewritten in place; otherwise one line per state change (logs stay short). */
function progressLine(io: CliIo): (p: AthenaProgress) => void {
  let lastState = '';
  return (p) => {
    const text = `athena ${p.queryExecutionId}: ${p.state} ${(p.elapsedMs / 1000).toFixed(1)} s, ${(p.scannedBytes / 1e6).toFixed(1)} MB scanned`;
    const final = p.state !== 'QUEUED' && p.state !== 'RUNNING';
    if (io.stderr.isTTY) io.stderr.write(`\r${text}${final ? '\n' : ''}`);
    else if (p.state !== lastState) io.stderr.write(`${text}\n`);
    lastState = p.state;
  };
}

export async function athenaDdlCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('athena ddl', argv, {
    ...AWS_OPTIONS,
    projection: { type: 'boolean' }, bucket: { type: 'string' }, prefix: { type: 'string' },
    database: { type: 'string' }, table: { type: 'string' }, apply: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(DDL_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`athena ddl: unexpected arguments: ${positionals.join(' ')}`);
  const database = values.database ?? DEFAULT_DATABASE;
  const ddl = renderDdl({ projection: values.projection ?? false, database, table: values.table ?? DEFAULT_TABLE, bucket: values.bucket, prefix: values.prefix });
  if (!values.apply) {
    io.stdout.write(ddl);
    return 0;
  }
  if (!values.bucket) throw new UsageError('athena ddl --apply needs --bucket (the table LOCATION)');
  const options = athenaRunOptions(values, io, database);
  // The database must exist before a table can be created in it; run it outside the database's context.
  await runAthenaStatement(`CREATE DATABASE IF NOT EXISTS \`${database}\``, { ...options, database: 'default' });
  await runAthenaStatement(statementText(ddl), options);
  io.stdout.write(`table ${database}.${values.table ?? DEFAULT_TABLE} is in place${values.projection ? ' (partition projection)' : ''}\n`);
  return 0;
}

export async function athenaQueryCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('athena query', argv, {
    ...QUERY_OUTPUT_OPTIONS, ...AWS_OPTIONS, database: { type: 'string' }, table: { type: 'string' },
  });
  const name = queryNameOrHelp('athena query', positionals, values.help, io, queryHelp);
  if (name === undefined) return 0;
  const database = values.database ?? DEFAULT_DATABASE;
  const sql = bindQuery(getQuery(name), collectParams(values.param), tableReference(values.table ?? DEFAULT_TABLE, database));
  const result = await runAthenaQuery(sql, athenaRunOptions(values, io, database));
  writeResult(io, decodeAccountColumn(result), values);
  return 0;
}
