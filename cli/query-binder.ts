/**
 * Turns a named query and user-supplied parameters into the SQL text to run, safely.
 *
 * Every value is validated against its declared type first, then rendered as a SQL literal:
 * strings become '…' with `'` doubled (the only escape Trino and DuckDB string literals have;
 * backslash is not special in either), ints are digits only, dates and timestamps are checked and
 * normalised. Account ids are encoded with encodeAccountId, so users pass the real id and the
 * literal matches the `account_id` partition value.
 *
 * Timestamps are compared as strings: schema v1 stores `time` as ISO-8601 UTC with milliseconds,
 * whose string order is its time order, so `"time" >= '2026-01-31T12:00:00.000Z'` means the same
 * in Athena and DuckDB and needs no from_iso8601_timestamp (Trino) / CAST (DuckDB) translation.
 *
 * Template syntax: `${name}` a parameter's literal, `${name:dt}` the UTC day of a timestamp
 * parameter, `${table}` the table reference; a line ending in `-- @if name` is kept (without the
 * marker) only when that optional parameter was given.
 */
import { encodeAccountId, isDtValue, MAX_ID_LENGTH } from '../core/schema.js';
import type { ParamDeclaration, QueryDefinition } from './query-catalog.js';
import { UsageError } from './usage-error.js';

export type QueryParamValue = string | number | readonly string[];
export type QueryParams = Readonly<Record<string, QueryParamValue | undefined>>;

const MAX_STRING_LENGTH = 4096;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\$\{([a-z_][a-z0-9_]*)(?::(dt))?\}/g;
const IF_MARKER = /\s*--\s*@if\s+([a-z_][a-z0-9_]*)\s*$/;

/** `'…'` with every `'` doubled. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `"db"."table"` (or `"table"`), after checking both are plain identifiers. */
export function tableReference(table: string, database?: string): string {
  for (const [what, name] of [['table', table], ['database', database]] as const) {
    if (name !== undefined && !IDENTIFIER.test(name)) throw new UsageError(`${what} name "${name}" must be letters, digits and _ (not starting with a digit)`);
  }
  return database === undefined ? `"${table}"` : `"${database}"."${table}"`;
}

interface BoundValue {
  literal: string;
  /** For timestamps: the literal of the UTC day, for partition pruning. */
  dtLiteral?: string;
}

function invalid(param: ParamDeclaration, value: string, expected: string): never {
  throw new UsageError(`parameter ${param.name}: ${JSON.stringify(value)} is not ${expected}`);
}

function bindScalar(param: ParamDeclaration, value: string): BoundValue {
  switch (param.type) {
    case 'string':
      if (value.length > MAX_STRING_LENGTH || value.includes('\0')) invalid(param, value, `a string of at most ${MAX_STRING_LENGTH} characters without NUL`);
      return { literal: sqlStringLiteral(value) };
    case 'account':
    case 'account_list':
      if (value.length > MAX_ID_LENGTH) invalid(param, value, `an account id of at most ${MAX_ID_LENGTH} characters`);
      return { literal: sqlStringLiteral(encodeAccountId(value)) };
    case 'date':
      if (!isDtValue(value)) invalid(param, value, 'a date written YYYY-MM-DD');
      return { literal: sqlStringLiteral(value) };
    case 'timestamp': {
      // Date.parse rolls 2026-02-30 over to March 2: check the calendar date itself as well.
      const ms = ISO_TIMESTAMP.test(value) && isDtValue(value.slice(0, 10)) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms)) invalid(param, value, 'an ISO-8601 timestamp with a time zone (e.g. 2026-01-31T12:00:00Z) or a date');
      const iso = new Date(ms).toISOString();
      return { literal: sqlStringLiteral(iso), dtLiteral: sqlStringLiteral(iso.slice(0, 10)) };
    }
    case 'int':
      if (!/^\d{1,15}$/.test(value)) invalid(param, value, 'a non-negative integer');
      return { literal: String(Number(value)) };
  }
}

function bindParam(query: QueryDefinition, param: ParamDeclaration, raw: QueryParamValue | undefined): BoundValue | undefined {
  const given = raw === undefined ? [] : Array.isArray(raw) ? (raw as readonly string[]) : [String(raw)];
  const values = given.length > 0 ? given : param.defaultValue !== undefined ? [param.defaultValue] : [];
  if (values.length === 0) {
    if (param.required) throw new UsageError(`query ${query.name}: missing parameter ${param.name} (${param.type}): ${param.description}`);
    return undefined;
  }
  if (param.type === 'account_list') return { literal: values.map((v) => bindScalar(param, v).literal).join(', ') };
  if (values.length > 1) throw new UsageError(`parameter ${param.name} was given ${values.length} times; it takes one value`);
  return bindScalar(param, values[0] as string);
}

/**
 * The SQL for `query` with `params` bound and `${table}` replaced by `table` (see tableReference).
 * Throws UsageError for unknown, missing or invalid parameters.
 */
export function bindQuery(query: QueryDefinition, params: QueryParams, table: string): string {
  const declared = new Set(query.params.map((p) => p.name));
  for (const name of Object.keys(params)) {
    if (params[name] !== undefined && !declared.has(name)) {
      throw new UsageError(`query ${query.name} has no parameter "${name}"; it takes: ${[...declared].join(', ') || '(none)'}`);
    }
  }
  const bound = new Map<string, BoundValue>();
  for (const param of query.params) {
    const value = bindParam(query, param, params[param.name]);
    if (value) bound.set(param.name, value);
  }
  const lines: string[] = [];
  for (const line of query.template.split('\n')) {
    const marker = IF_MARKER.exec(line);
    if (marker && !bound.has(marker[1] as string)) continue;
    lines.push(marker ? line.slice(0, marker.index) : line);
  }
  return lines.join('\n').replace(PLACEHOLDER, (_match, name: string, part: string | undefined) => {
    if (name === 'table' && part === undefined) return table;
    const value = bound.get(name);
    // A placeholder the header does not declare, or an optional one outside `-- @if`, is a bug in the query file.
    if (!value) throw new Error(`query ${query.name}: placeholder \${${name}} has no value`);
    if (part === 'dt') {
      if (value.dtLiteral === undefined) throw new Error(`query ${query.name}: \${${name}:dt} needs a timestamp parameter`);
      return value.dtLiteral;
    }
    return value.literal;
  });
}
