/**
 * The argument handling both query commands (`athena query`, `local query`) share: util.parseArgs
 * with usage errors instead of TypeErrors, `--param k=v` collection, per-query help, and writing
 * the result as a table or NDJSON.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { getQuery, loadQueryCatalog, type QueryDefinition } from './query-catalog.js';
import type { QueryParams } from './query-binder.js';
import type { QueryResult } from './query-result.js';
import { formatNdjson, formatTable } from './table-printer.js';
import { UsageError } from './usage-error.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every query command takes. */
export const QUERY_OUTPUT_OPTIONS = {
  param: { type: 'string', multiple: true, short: 'p' },
  format: { type: 'string', default: 'table' },
  'max-width': { type: 'string', default: '60' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const QUERY_OUTPUT_HELP = `  -p, --param NAME=VALUE   A query parameter; repeat for each (and for list parameters)
  --format table|json      A text table (default) or one JSON object per row
  --max-width N            Cut table cells longer than N characters (default 60)
  -h, --help               This help; with a query name, that query's parameters`;

/** util.parseArgs, strict, with its errors turned into UsageErrors that name the command. */
export function parseCommandArgs<T extends Options>(
  command: string,
  argv: string[],
  options: T,
  // Spelled out because node:util does not export the name of parseArgs' result type (declaration emit needs one).
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message} (see --help)`);
  }
}

/** `--param a=1 --param b=x=y --param a=2` → `{ a: ['1', '2'], b: 'x=y' }`. */
export function collectParams(pairs: readonly string[] | undefined): QueryParams {
  const params: Record<string, string | string[]> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param "${pair}" must be NAME=VALUE`);
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const previous = params[name];
    params[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return params;
}

/** Help text for one query: what it answers and its parameters. */
export function describeQuery(query: QueryDefinition): string {
  const lines = [`${query.name}: ${query.description}`, '', 'Parameters:'];
  for (const p of query.params) {
    const presence = p.required ? 'required' : p.defaultValue !== undefined ? `default ${p.defaultValue}` : 'optional';
    lines.push(`  ${p.name} (${p.type}, ${presence})  ${p.description}`);
  }
  if (query.params.length === 0) lines.push('  (none)');
  return `${lines.join('\n')}\n`;
}

/** A one-line-per-query list for command help. */
export function listQueries(catalog: Map<string, QueryDefinition>): string {
  const width = Math.max(...[...catalog.keys()].map((n) => n.length));
  return [...catalog.values()].map((q) => `  ${q.name.padEnd(width)}  ${q.description}`).join('\n');
}

export function writeResult(io: CliIo, result: QueryResult, values: { format?: string; 'max-width'?: string }): void {
  const maxCellWidth = Number(values['max-width'] ?? '60');
  if (!Number.isInteger(maxCellWidth) || maxCellWidth < 2) throw new UsageError(`--max-width must be an integer ≥ 2`);
  if (values.format === 'json') io.stdout.write(formatNdjson(result));
  else if (values.format === 'table' || values.format === undefined) io.stdout.write(formatTable(result, { maxCellWidth }));
  else throw new UsageError(`--format must be table or json, got ${values.format}`);
}

/**
 * The query name from a query command's positionals, or undefined when help was asked for and
 * printed (`--help` alone: the command's help; with a name: that query's parameters).
 */
export function queryNameOrHelp(command: string, positionals: string[], help: boolean | undefined, io: CliIo, commandHelp: () => string): string | undefined {
  const [name, ...extra] = positionals;
  if (help) {
    io.stdout.write(name ? describeQuery(getQuery(name)) : commandHelp());
    return undefined;
  }
  if (!name) throw new UsageError(`${command}: give a query name; known queries: ${[...loadQueryCatalog().keys()].join(', ')}`);
  if (extra.length > 0) throw new UsageError(`${command}: unexpected arguments: ${extra.join(' ')}`);
  return name;
}
