/**
 * Runs SQL on Athena: StartQueryExecution, then GetQueryExecution polled with backoff until a
 * final state, then GetQueryResults paged with NextToken. A query that does not finish in time
 * is stopped (StopQueryExecution) rather than left running and billing.
 */
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { AuditLogError } from '../core/errors.js';
import type { CellValue, QueryResult, Row } from './query-result.js';

export class AthenaQueryFailedError extends AuditLogError {
  override name = 'AthenaQueryFailedError';
  constructor(readonly queryExecutionId: string, readonly state: string, reason: string | undefined) {
    super(`Athena query ${queryExecutionId} ${state}: ${reason ?? 'no reason given'}`);
  }
}

export interface AthenaProgress {
  queryExecutionId: string;
  state: string;
  elapsedMs: number;
  scannedBytes: number;
}

export interface AthenaRunOptions {
  client: AthenaClient;
  /** Database for unqualified names (QueryExecutionContext). */
  database?: string;
  workgroup?: string;
  /** s3://… for results; needed unless the workgroup sets one. Never under the table's own prefix. */
  outputLocation?: string;
  onProgress?: (progress: AthenaProgress) => void;
  /** Give up (and stop the query) after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** First poll delay; doubles up to maxPollMs. Defaults 100 ms and 3 s. */
  firstPollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts `sql` and waits for it to succeed; returns the QueryExecution. Throws AthenaQueryFailedError otherwise. */
export async function runAthenaStatement(sql: string, options: AthenaRunOptions): Promise<QueryExecution> {
  const { client } = options;
  const sleep = options.sleep ?? defaultSleep;
  const started = await client.send(new StartQueryExecutionCommand({
    QueryString: sql,
    ...(options.database ? { QueryExecutionContext: { Database: options.database } } : {}),
    ...(options.workgroup ? { WorkGroup: options.workgroup } : {}),
    ...(options.outputLocation ? { ResultConfiguration: { OutputLocation: options.outputLocation } } : {}),
  }));
  const id = started.QueryExecutionId;
  if (!id) throw new AuditLogError('Athena StartQueryExecution returned no QueryExecutionId');
  const startedAt = Date.now();
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  let delay = options.firstPollMs ?? 100;
  for (;;) {
    // Errors from GetQueryExecution propagate (the SDK already retries throttling): never spin on them.
    const { QueryExecution: execution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = execution?.Status?.State ?? 'UNKNOWN';
    options.onProgress?.({ queryExecutionId: id, state, elapsedMs: Date.now() - startedAt, scannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0 });
    if (state === 'SUCCEEDED') return execution as QueryExecution;
    if (state === 'FAILED' || state === 'CANCELLED') throw new AthenaQueryFailedError(id, state, execution?.Status?.StateChangeReason);
    if (Date.now() - startedAt > timeoutMs) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      throw new AthenaQueryFailedError(id, 'TIMED OUT', `still ${state} after ${Math.round(timeoutMs / 1000)} s; stopped it`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, options.maxPollMs ?? 3000);
  }
}

const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'integer', 'bigint', 'double', 'real', 'float']);

function cellValue(raw: string | undefined, column: ColumnInfo | undefined): CellValue {
  if (raw === undefined) return null;
  const type = column?.Type?.toLowerCase() ?? 'varchar';
  if (NUMERIC_TYPES.has(type)) return Number(raw);
  if (type === 'boolean') return raw === 'true';
  return raw;
}

/** Runs a SELECT and returns all its rows (every page). Values are typed from the result metadata. */
export async function runAthenaQuery(sql: string, options: AthenaRunOptions): Promise<QueryResult> {
  const execution = await runAthenaStatement(sql, options);
  const id = execution.QueryExecutionId as string;
  let columnInfo: ColumnInfo[] = [];
  const rows: Row[] = [];
  let nextToken: string | undefined;
  let firstPage = true;
  do {
    const page = await options.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, ...(nextToken ? { NextToken: nextToken } : {}) }));
    if (firstPage) columnInfo = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    // A SELECT's first row on the first page repeats the column names.
    const data = (page.ResultSet?.Rows ?? []).slice(firstPage ? 1 : 0);
    for (const r of data) {
      const row: Row = {};
      columnInfo.forEach((c, i) => { row[c.Name ?? `_col${i}`] = cellValue(r.Data?.[i]?.VarCharValue, c); });
      rows.push(row);
    }
    nextToken = page.NextToken;
    firstPage = false;
  } while (nextToken);
  return { columns: columnInfo.map((c, i) => c.Name ?? `_col${i}`), rows };
}
