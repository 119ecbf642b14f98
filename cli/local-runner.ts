/**
 * Runs the named queries with DuckDB over a local copy of the storage layout
 * (`<dir>/account_id=<id>/dt=<YYYY-MM-DD>/<file>`): the `file` sink's folder or a downloaded prefix.
 *
 * The view it queries mirrors the Athena table: the data columns are schema v1 minus
 * `account_id`, typed from AUDIT_EVENT_FIELDS, and `account_id`/`dt` come from the folder names
 * as strings (the ENCODED account id, like Athena's partition column). Malformed lines become
 * all-NULL rows, as with the OpenX SerDe's `ignore.malformed.json`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBType } from '@duckdb/node-api';
import { AUDIT_EVENT_FIELDS, parsePartitionPath } from '../core/schema.js';
import { getQuery } from './query-catalog.js';
import { bindQuery, type QueryParams, sqlStringLiteral } from './query-binder.js';
import { type CellValue, decodeAccountColumn, type QueryResult, type Row } from './query-result.js';
import { UsageError } from './usage-error.js';

/** File endings read: gzip NDJSON from the Lambda, plain NDJSON from the file sink. */
export const AUDIT_DATA_EXTENSIONS = ['.json.gz', '.ndjson', '.json'] as const;
const VIEW_NAME = 'audit_events';

const DUCKDB_TYPES: Record<string, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  'map<string,string>': 'MAP(VARCHAR, VARCHAR)',
};

/** The `columns={…}` argument of read_json: the Athena table's data columns, in DuckDB types. */
export function duckDbColumnsSpec(): string {
  const entries = AUDIT_EVENT_FIELDS.filter((f) => f.name !== 'account_id').map((f) => {
    const type = DUCKDB_TYPES[f.athenaType];
    if (!type) throw new Error(`no DuckDB type for Athena type ${f.athenaType} (field ${f.name})`);
    return `${sqlStringLiteral(f.name)}: ${sqlStringLiteral(type)}`;
  });
  return `{${entries.join(', ')}}`;
}

/**
 * Every data file in the layout below `dir`, sorted. Listed here rather than with a read_json glob
 * (a three-level wildcard path works in DuckDB) because one glob per ending fails when that ending has no files,
 * and a glob would also pick up files outside the layout. Files outside the layout (wrong folder
 * names, other endings) are skipped, as Athena would not read them as partitions either.
 */
export function listAuditDataFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--dir ${dir} is not a directory`);
  const files: string[] = [];
  for (const account of readdirSync(dir)) {
    if (!account.startsWith('account_id=') || !statSync(join(dir, account)).isDirectory()) continue;
    for (const day of readdirSync(join(dir, account))) {
      if (!statSync(join(dir, account, day)).isDirectory()) continue;
      for (const file of readdirSync(join(dir, account, day))) {
        const relative = `${account}/${day}/${file}`;
        if (AUDIT_DATA_EXTENSIONS.some((ext) => file.endsWith(ext)) && parsePartitionPath(relative)) files.push(join(dir, relative));
      }
    }
  }
  return files.sort();
}

function plainValue(value: unknown, type: DuckDBType): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (String(type).startsWith('MAP') && Array.isArray(value)) {
    return Object.fromEntries((value as { key: string; value: string }[]).map((e) => [e.key, e.value]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** The `CREATE VIEW audit_events` statement over `files` (also used by bench/duckdb-pruning.ts). */
export function auditEventsViewSql(files: readonly string[]): string {
  return `CREATE VIEW ${VIEW_NAME} AS SELECT * FROM read_json([${files.map(sqlStringLiteral).join(', ')}],
      format = 'newline_delimited', columns = ${duckDbColumnsSpec()}, ignore_errors = true,
      hive_partitioning = true, hive_types = {'account_id': VARCHAR, 'dt': VARCHAR})`;
}

/** Runs `sql` (which names the table `audit_events`) over the data files below `dir`. */
export async function runLocalSql(dir: string, sql: string): Promise<QueryResult> {
  const files = listAuditDataFiles(dir);
  if (files.length === 0) {
    throw new UsageError(`no audit data below ${dir}: expected account_id=<id>/dt=<YYYY-MM-DD>/<file>(${AUDIT_DATA_EXTENSIONS.join('|')})`);
  }
  const instance = await DuckDBInstance.create();
  const connection = await instance.connect();
  try {
    await connection.run(auditEventsViewSql(files));
    const reader = await connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const types = reader.columnTypes();
    const rows = (await reader.getRowObjectsJS()).map((raw) => {
      const row: Row = {};
      columns.forEach((c, i) => { row[c] = plainValue(raw[c], types[i] as DuckDBType); });
      return row;
    });
    return decodeAccountColumn({ columns, rows });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface LocalQueryRequest {
  /** A query name from athena/queries/. */
  name: string;
  /** The root of the layout (the folder holding the account_id=… folders). */
  dir: string;
  params: QueryParams;
  /** Another folder of named queries (tests); default athena/queries/. */
  queriesDir?: string;
}

/** A named query's result (columns and rows) over a local copy of the layout. */
export async function runLocalNamedQuery(request: LocalQueryRequest): Promise<QueryResult> {
  const query = getQuery(request.name, request.queriesDir);
  return runLocalSql(request.dir, bindQuery(query, request.params, VIEW_NAME));
}

/** A named query's rows over a local copy of the layout: for tests and the demo. */
export async function runLocalQuery(request: LocalQueryRequest): Promise<Row[]> {
  return (await runLocalNamedQuery(request)).rows;
}
