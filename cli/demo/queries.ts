/**
 * Runs the named Athena queries (athena/queries/*.sql) with DuckDB over the downloaded copy of
 * the bucket and prints each as a table. Parameters are taken from the data itself (the busiest
 * day of an account, a request id that made several calls), so the tables are never empty
 * whatever day the demo runs on.
 */
import { encodeAccountId } from '../../core/schema.js';
import { type LocalLayout, type LocalQueryResult, runLocalNamedQuery, runLocalSql } from '../local-runner.js';
import { sqlStringLiteral, type QueryParams } from '../query-binder.js';
import type { QueryResult } from '../query-result.js';
import { formatTable } from '../table-printer.js';

export interface QueryRun {
  name: string;
  params: QueryParams;
  result: LocalQueryResult;
}

export interface StoredTotals {
  /** Rows of the view (each event once, whichever layout holds its day). */
  rows: number;
  distinctIds: number;
}

function single(result: QueryResult, what: string): Record<string, unknown> {
  const row = result.rows[0];
  if (row === undefined) throw new Error(`the downloaded data has no ${what}`);
  return row;
}

export async function storedTotals(layout: LocalLayout): Promise<StoredTotals> {
  const row = single(await runLocalSql(layout, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM audit_events'), 'rows');
  return { rows: Number(row.n), distinctIds: Number(row.ids) };
}

/** Picks parameters for each named query from what was stored, then runs them. */
export async function runNamedQueries(layout: LocalLayout, featuredAccount: string): Promise<QueryRun[]> {
  const busiest = single(await runLocalSql(layout, `
    SELECT account_id, dt, count(*) AS n FROM audit_events
    GROUP BY account_id, dt ORDER BY (account_id = ${sqlStringLiteral(encodeAccountId(featuredAccount))}) DESC, n DESC, dt LIMIT 1`), 'account day');
  const days = single(await runLocalSql(layout, `SELECT min(dt) AS first, max(dt) AS last FROM audit_events WHERE account_id <> '_none'`), 'days');
  const errorDay = single(await runLocalSql(layout, `
    SELECT dt, count(*) AS n FROM audit_events WHERE status >= 400 OR error IS NOT NULL
    GROUP BY dt ORDER BY n DESC, dt LIMIT 1`), 'errors');
  const trail = single(await runLocalSql(layout, `
    SELECT request_id, account_id, dt, count(*) AS calls FROM audit_events WHERE request_id IS NOT NULL
    GROUP BY request_id, account_id, dt ORDER BY calls DESC, request_id LIMIT 1`), 'request ids');

  const account = String(busiest.account_id);
  const dt = String(busiest.dt);
  const plan: Array<{ name: string; params: QueryParams }> = [
    { name: 'requests-per-method', params: { account_id: account, dt } },
    { name: 'errors', params: { dt: String(errorDay.dt), limit: 12 } },
    { name: 'slowest-calls', params: { account_id: account, from: String(days.first), to: String(days.last), limit: 8 } },
    { name: 'account-window', params: { account_id: account, from: `${dt}T00:00:00.000Z`, to: nextDay(dt), limit: 8 } },
    { name: 'request-trail', params: { request_id: String(trail.request_id), account_id: String(trail.account_id), dt: String(trail.dt) } },
  ];
  const runs: QueryRun[] = [];
  for (const { name, params } of plan) runs.push({ name, params, result: await runLocalNamedQuery({ ...layout, name, params }) });
  return runs;
}

/** Midnight UTC after `dt` (YYYY-MM-DD), as the exclusive end of a one-day window. */
function nextDay(dt: string): string {
  return new Date(Date.parse(`${dt}T00:00:00.000Z`) + 24 * 60 * 60 * 1000).toISOString();
}

export function printQueryRun(run: QueryRun, print: (text: string) => void): void {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
  print(`\n── ${run.name}  (${params})\n`);
  print(formatTable(run.result, { maxCellWidth: 34 }));
}
