/**
 * Loads the named queries in athena/queries/. Each file declares its parameters in a comment
 * header, so the CLI, its help and the binder all read one source:
 *
 *   -- What the query answers (any comment lines before the first @param).
 *   -- @param <name> <type> required|optional|default=<value> <description>
 *
 * Types: string, account (a real account id, encoded for the partition), account_list
 * (repeatable), date (YYYY-MM-DD), timestamp (ISO-8601), int (non-negative integer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { QUERIES_DIR } from './package-paths.js';
import { UsageError } from './usage-error.js';

export const PARAM_TYPES = ['string', 'account', 'account_list', 'date', 'timestamp', 'int'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamDeclaration {
  name: string;
  type: ParamType;
  required: boolean;
  /** Used when the caller gives no value; undefined for required and optional-without-default. */
  defaultValue?: string;
  description: string;
}

export interface QueryDefinition {
  /** The file name without `.sql`. */
  name: string;
  description: string;
  params: ParamDeclaration[];
  /** The SQL after the header, with placeholders (`${name}`, `${name:dt}`, `${table}`) still in it. */
  template: string;
}

const PARAM_LINE = /^--\s*@param\s+([a-z_][a-z0-9_]*)\s+(\S+)\s+(required|optional|default=\S*)\s*(.*)$/;

/** Parses one query file's text. Throws on a malformed header so a bad file fails its test, not a user. */
export function parseQueryFile(name: string, text: string): QueryDefinition {
  const lines = text.split('\n');
  const description: string[] = [];
  const params: ParamDeclaration[] = [];
  let body = 0;
  for (; body < lines.length; body++) {
    const line = (lines[body] ?? '').trim();
    if (!line.startsWith('--')) break;
    if (!/^--\s*@param\b/.test(line)) {
      if (params.length === 0) description.push(line.replace(/^--\s?/, ''));
      continue;
    }
    const m = PARAM_LINE.exec(line);
    if (!m) throw new Error(`query ${name}: malformed parameter declaration: ${line}`);
    const [, paramName, type, presence, text] = m as unknown as [string, string, string, string, string];
    if (!(PARAM_TYPES as readonly string[]).includes(type)) throw new Error(`query ${name}: parameter ${paramName} has unknown type ${type}`);
    if (paramName === 'table') throw new Error(`query ${name}: "table" is reserved for the table reference`);
    params.push({
      name: paramName,
      type: type as ParamType,
      required: presence === 'required',
      ...(presence.startsWith('default=') ? { defaultValue: presence.slice('default='.length) } : {}),
      description: text,
    });
  }
  return { name, description: description.join(' ').trim(), params, template: lines.slice(body).join('\n').trim() };
}

/** Reads every `*.sql` in `dir`, sorted by name. */
export function loadQueryCatalog(dir: string = QUERIES_DIR): Map<string, QueryDefinition> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return new Map(files.map((f) => {
    const name = basename(f, '.sql');
    return [name, parseQueryFile(name, readFileSync(join(dir, f), 'utf8'))] as const;
  }));
}

/** The named query, or a UsageError listing the known names. */
export function getQuery(name: string, dir: string = QUERIES_DIR): QueryDefinition {
  const catalog = loadQueryCatalog(dir);
  const query = catalog.get(name);
  if (!query) throw new UsageError(`unknown query "${name}"; known queries: ${[...catalog.keys()].join(', ')}`);
  return query;
}
