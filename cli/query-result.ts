/**
 * The shape both runners (Athena and DuckDB) return, so the table printer, the demo and the
 * tests treat their answers alike.
 */
import { decodeAccountId } from '../core/schema.js';

export type CellValue = string | number | boolean | null | Readonly<Record<string, string>>;
export type Row = Record<string, CellValue>;

export interface QueryResult {
  /** Column names in SELECT order (kept even when there are no rows, for the table header). */
  columns: string[];
  rows: Row[];
}

/**
 * Replaces the partition value in an `account_id` column by the real account id (null for
 * `_none`), so results speak of the ids users know. Values that do not decode (a folder someone
 * else wrote) are left as they are rather than hidden.
 */
export function decodeAccountColumn(result: QueryResult): QueryResult {
  if (!result.columns.includes('account_id')) return result;
  const rows = result.rows.map((row) => {
    const value = row.account_id;
    if (typeof value !== 'string') return row;
    try {
      return { ...row, account_id: decodeAccountId(value) };
    } catch {
      return row;
    }
  });
  return { columns: result.columns, rows };
}
