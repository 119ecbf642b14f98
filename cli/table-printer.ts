/**
 * Prints query results as a plain-text table for a terminal, or as NDJSON for scripts.
 * Long cells (bodies, URLs) are cut to `maxCellWidth` with `…` so one row stays one line;
 * `--format json` gives the full values.
 */
import type { CellValue, QueryResult } from './query-result.js';

export interface TableOptions {
  /** Longest cell shown, in characters; default 60. */
  maxCellWidth?: number;
}

function cellText(value: CellValue, maxWidth: number): string {
  const text = value === null ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Newlines and tabs inside a value would break the row apart.
  const oneLine = text.replace(/[\r\n\t]/g, ' ');
  return oneLine.length > maxWidth ? `${oneLine.slice(0, Math.max(1, maxWidth - 1))}…` : oneLine;
}

/** The table as text: header, rule, rows, then `(N rows)`. Numbers are right-aligned. */
export function formatTable(result: QueryResult, options: TableOptions = {}): string {
  const maxWidth = options.maxCellWidth ?? 60;
  const { columns, rows } = result;
  const cells = rows.map((row) => columns.map((c) => cellText(row[c] ?? null, maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] as string).length)));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number));
  const line = (texts: string[]) => texts.map(pad).join(' | ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  out.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`);
  return `${out.join('\n')}\n`;
}

/** One JSON object per row, in column order. */
export function formatNdjson(result: QueryResult): string {
  return result.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
