/**
 * `http-audit-log athena ddl …` and `http-audit-log athena query …`: print or apply the table DDL,
 * run a named query on Athena and print its rows. @aws-sdk/client-athena (an optional peer) is
 * imported only to talk to Athena, so that `--help` and printing the DDL work without it.
 */
import type { AthenaProgress, AthenaRunOptions } from './athena-runner.js';
import {
  DDL_KINDS, DEFAULT_COMPACTED_PREFIX, DEFAULT_DATABASE, DEFAULT_TABLE, renderAllDdl, renderDdl, statementText, tableNames,
} from './ddl.js';
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

const DDL_HELP = `Usage: http-audit-log athena ddl [--projection] [--bucket B] [--prefix P] [--compacted-prefix C]
                               [--database D] [--table T] [--apply …]

Prints the audit log's three statements, in the order they run:
  1. CREATE EXTERNAL TABLE T_raw        the raw gzip NDJSON under --prefix
  2. CREATE EXTERNAL TABLE T_compacted  the compactor's Parquet under --compacted-prefix
  3. CREATE OR REPLACE VIEW T           each event once, each day from exactly one table;
                                        the named queries and \`athena query\` read this
Classic partitions (loaded by the partition-loader Lambda or MSCK REPAIR TABLE), or with
--projection partition projection (no loader; every query must then filter account_id with = or
IN). --apply runs them on Athena instead, after CREATE DATABASE IF NOT EXISTS.

Options:
  --projection             The partition-projection tables
  --bucket B               The data bucket (left as \${bucket} when printing without it)
  --prefix P               The raw data prefix inside the bucket, e.g. audit/ (default: none)
  --compacted-prefix C     The compactor's output prefix (default ${DEFAULT_COMPACTED_PREFIX})
  --database D             Default ${DEFAULT_DATABASE}
  --table T                The view's name (default ${DEFAULT_TABLE}); the tables are T_raw, T_compacted
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
  --table T                The view (or a table) to query; default ${DEFAULT_TABLE}, the view
${AWS_HELP}
${QUERY_OUTPUT_HELP}

Queries:
${listQueries(loadQueryCatalog())}
`;
}

interface AwsValues { workgroup?: string; 'output-location'?: string; region?: string; timeout?: string }

async function athenaRunOptions(values: AwsValues, io: CliIo, database: string): Promise<AthenaRunOptions> {
  const outputLocation = values['output-location'];
  if (outputLocation !== undefined && !outputLocation.startsWith('s3://')) throw new UsageError(`--output-location must be an s3:// URL, got ${outputLocation}`);
  const timeoutSeconds = Number(values.timeout ?? '1800');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout must be a positive number of seconds');
  return {
    client: new (await import('@aws-sdk/client-athena')).AthenaClient(values.region ? { region: values.region } : {}),
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
    projection: { type: 'boolean' }, bucket: { type: 'string' }, prefix: { type: 'string' }, 'compacted-prefix': { type: 'string' },
    database: { type: 'string' }, table: { type: 'string' }, apply: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(DDL_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`athena ddl: unexpected arguments: ${positionals.join(' ')}`);
  const database = values.database ?? DEFAULT_DATABASE;
  const table = values.table ?? DEFAULT_TABLE;
  const ddlOptions = {
    projection: values.projection ?? false, database, table, bucket: values.bucket, prefix: values.prefix, compactedPrefix: values['compacted-prefix'],
  };
  if (!values.apply) {
    io.stdout.write(renderAllDdl(ddlOptions));
    return 0;
  }
  if (!values.bucket) throw new UsageError('athena ddl --apply needs --bucket (the table LOCATION)');
  const options = await athenaRunOptions(values, io, database);
  const { runAthenaStatement } = await import('./athena-runner.js');
  // The database must exist before a table can be created in it; run it outside the database's context.
  await runAthenaStatement(`CREATE DATABASE IF NOT EXISTS \`${database}\``, { ...options, database: 'default' });
  for (const kind of DDL_KINDS) await runAthenaStatement(statementText(renderDdl(kind, ddlOptions)), options);
  const names = tableNames(table);
  io.stdout.write(`tables ${database}.${names.raw} and ${database}.${names.compacted}${values.projection ? ' (partition projection)' : ''} and view ${database}.${names.view} are in place\n`);
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
  const options = await athenaRunOptions(values, io, database);
  const { runAthenaQuery } = await import('./athena-runner.js');
  const result = await runAthenaQuery(sql, options);
  writeResult(io, decodeAccountColumn(result), values);
  return 0;
}
