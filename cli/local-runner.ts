/**
 * Runs the named queries with DuckDB over local copies of the storage layouts (cli/local-layout.ts).
 *
 * The view it queries mirrors Athena's `audit_events` view (athena/create-view.sql): each event
 * once, each (account_id, dt) from exactly one layout (chosen when the files are listed:
 * local-layout.ts). Days with a compacted Parquet file come from it, `time` formatted back to
 * the ISO string; other days come from the raw files, first copy
 * of each id by file name. A line that is not JSON fails the query naming its file, as with
 * Athena's Hive JSON SerDe. Columns are schema v1 minus `account_id`, typed from
 * AUDIT_EVENT_FIELDS, then `account_id`/`dt` from the folder names as strings (the ENCODED
 * account id, like Athena's partition column).
 */
import { existsSync, readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { AUDIT_EVENT_FIELDS } from '../core/schema.js';
import { layoutFiles, type LocalLayout } from './local-layout.js';
import { getQuery } from './query-catalog.js';
import { bindQuery, type QueryParams, sqlStringLiteral } from './query-binder.js';
import { type CellValue, decodeAccountColumn, type QueryResult, type Row } from './query-result.js';

export { AUDIT_DATA_EXTENSIONS, listAuditDataFiles, listCompactedFiles, type LocalLayout } from './local-layout.js';
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

function plainValue(value: unknown, type: DuckDBType): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (String(type).startsWith('MAP') && Array.isArray(value)) {
    return Object.fromEntries((value as { key: string; value: string }[]).map((e) => [e.key, e.value]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

const DATA_COLUMNS = AUDIT_EVENT_FIELDS.filter((f) => f.name !== 'account_id').map((f) => f.name);
const quoted = (name: string) => `"${name}"`;
const HIVE_TYPES = "hive_partitioning = true, hive_types = {'account_id': VARCHAR, 'dt': VARCHAR}";

/** The raw rows: every file read, then the first copy of each id per partition (by file name). */
function rawRowsSql(files: readonly string[]): string {
  const columns = [...DATA_COLUMNS, 'account_id', 'dt'].map(quoted).join(', ');
  return `SELECT ${columns} FROM (
      SELECT *, row_number() OVER (PARTITION BY "account_id", "dt", "id" ORDER BY "filename") AS "copy_number"
      FROM read_json([${files.map(sqlStringLiteral).join(', ')}],
        format = 'newline_delimited', columns = ${duckDbColumnsSpec()}, filename = true, ${HIVE_TYPES})
    ) AS "raw"
    WHERE "copy_number" = 1`;
}

/** The compacted rows, `time` back to the raw ISO string (the view runs with TimeZone UTC). */
function compactedRowsSql(files: readonly string[]): string {
  const columns = DATA_COLUMNS.map((name) => (name === 'time' ? `strftime("time", '%Y-%m-%dT%H:%M:%S.%gZ') AS "time"` : quoted(name)));
  return `SELECT ${[...columns, '"account_id"', '"dt"'].join(', ')}
    FROM read_parquet([${files.map(sqlStringLiteral).join(', ')}], ${HIVE_TYPES})`;
}

/**
 * `CREATE VIEW audit_events` over the two layouts' files (either list may be empty), the raw files
 * of compacted days already left out by layoutFiles. Run `SET TimeZone = 'UTC'` first (runLocalSql does).
 */
export function auditEventsViewSql(rawFiles: readonly string[], compactedFiles: readonly string[] = []): string {
  const parts = [
    ...(compactedFiles.length > 0 ? [compactedRowsSql(compactedFiles)] : []),
    ...(rawFiles.length > 0 ? [rawRowsSql(rawFiles)] : []),
  ];
  if (parts.length === 0) throw new Error('auditEventsViewSql needs at least one file');
  return `CREATE VIEW ${VIEW_NAME} AS ${parts.join('\n    UNION ALL\n    ')}`;
}

/** A local query's answer, and what reading it cost. */
export interface LocalQueryResult extends QueryResult {
  /**
   * Bytes this process read from files while the query ran (/proc/self/io `rchar`), or null where
   * /proc is absent. DuckDB's own `total_bytes_read` cannot stand in: it counts 30 bytes for a scan
   * of gzip JSON files (measured with DuckDB 1.5).
   */
  bytesRead: number | null;
}

/** Bytes this process has read from files so far (/proc/self/io `rchar`), or null where /proc is absent. */
export function bytesReadByProcess(): number | null {
  if (!existsSync('/proc/self/io')) return null;
  const match = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : null;
}

/**
 * Runs `work` on a fresh DuckDB connection that has the view `audit_events` over the local
 * layouts (TimeZone UTC); the instance is closed after, so nothing is cached between calls.
 */
export async function withLocalView<T>(layout: LocalLayout, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const files = layoutFiles(layout);
  const instance = await DuckDBInstance.create();
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(auditEventsViewSql(files.raw, files.compacted));
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs `sql` (which names the view `audit_events`) over the local layouts. */
export function runLocalSql(layout: LocalLayout, sql: string): Promise<LocalQueryResult> {
  return withLocalView(layout, async (connection) => {
    const before = bytesReadByProcess();
    const reader = await connection.runAndReadAll(sql);
    const after = bytesReadByProcess();
    const columns = reader.columnNames();
    const types = reader.columnTypes();
    const rows = (await reader.getRowObjectsJS()).map((raw) => {
      const row: Row = {};
      columns.forEach((c, i) => { row[c] = plainValue(raw[c], types[i] as DuckDBType); });
      return row;
    });
    // The few hundred bytes of reading /proc/self/io itself are left in: noise against any data file.
    return { ...decodeAccountColumn({ columns, rows }), bytesRead: before === null || after === null ? null : after - before };
  });
}

export interface LocalQueryRequest extends LocalLayout {
  /** A query name from athena/queries/. */
  name: string;
  params: QueryParams;
  /** Another folder of named queries (tests); default athena/queries/. */
  queriesDir?: string;
}

/** A named query's result (columns and rows) over a local copy of the layout. */
export async function runLocalNamedQuery(request: LocalQueryRequest): Promise<LocalQueryResult> {
  const query = getQuery(request.name, request.queriesDir);
  return runLocalSql(request, bindQuery(query, request.params, VIEW_NAME));
}

/** A named query's rows over a local copy of the layout: for tests and the demo. */
export async function runLocalQuery(request: LocalQueryRequest): Promise<Row[]> {
  return (await runLocalNamedQuery(request)).rows;
}
