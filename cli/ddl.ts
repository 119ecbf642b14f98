/**
 * Renders the Athena DDL of the audit log: the raw table (gzip NDJSON), the compacted table
 * (Parquet) and the view over both that every named query reads, each classic or with partition
 * projection. Values are validated rather than escaped: they land inside backticks, double quotes
 * and quoted LOCATIONs, where a stray quote or backtick would break out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COMPACTED_PREFIX } from '../lambdas/compactor/defaults.js';
import { ATHENA_DIR } from './package-paths.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_DATABASE = 'http_audit_log';
/** The view's name: the one the named queries and `athena query` read. */
export const DEFAULT_TABLE = 'audit_events';
export { DEFAULT_COMPACTED_PREFIX };

/** The three statements, in the order they must run (the view needs both tables). */
export const DDL_KINDS = ['raw', 'compacted', 'view'] as const;
export type DdlKind = (typeof DDL_KINDS)[number];

export interface DdlOptions {
  projection?: boolean;
  database?: string;
  /** The view's name; the tables are `<table>_raw` and `<table>_compacted`. */
  table?: string;
  /** Left as the `${bucket}` placeholder when absent, so the printed DDL is a template to fill. */
  bucket?: string;
  /** The raw data prefix, e.g. `audit/`; a missing trailing slash is added. Default: the bucket root. */
  prefix?: string;
  /** The compactor's output prefix. Default `audit-compacted/`. */
  compactedPrefix?: string;
}

/** The names of the view and the two tables behind it. */
export function tableNames(table: string = DEFAULT_TABLE): { view: string; raw: string; compacted: string } {
  return { view: table, raw: `${table}_raw`, compacted: `${table}_compacted` };
}

// Glue stores names lower-case; accept only what survives that unchanged (the _compacted suffix included).
const GLUE_NAME = /^[a-z_][a-z0-9_]{0,244}$/;
// S3 bucket naming rules (general purpose buckets).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Key prefix: no quotes, backslashes, spaces or `${`, no leading slash.
const PREFIX = /^(?:[A-Za-z0-9!_.*()=-]+\/)*$/;
// Placeholders Athena itself resolves in storage.location.template.
const ATHENA_OWN_PLACEHOLDERS = new Set(['account_id', 'dt']);

const FILES: Record<DdlKind, [classic: string, projection: string]> = {
  raw: ['create-raw-table.sql', 'create-raw-table-projection.sql'],
  compacted: ['create-compacted-table.sql', 'create-compacted-table-projection.sql'],
  view: ['create-view.sql', 'create-view.sql'],
};

export function ddlFile(kind: DdlKind, projection: boolean): string {
  return join(ATHENA_DIR, FILES[kind][projection ? 1 : 0]);
}

export function normalisePrefix(prefix: string | undefined, option = 'prefix'): string {
  if (prefix === undefined || prefix === '') return '';
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (!PREFIX.test(withSlash)) throw new UsageError(`${option} "${prefix}" must be S3 key segments of letters, digits and !_.*()=- separated by /, without a leading /`);
  return withSlash;
}

function placeholderValues(options: DdlOptions): Record<string, string | undefined> {
  const database = options.database ?? DEFAULT_DATABASE;
  const table = options.table ?? DEFAULT_TABLE;
  if (!GLUE_NAME.test(database)) throw new UsageError(`database "${database}" must be lower-case letters, digits and _`);
  if (!GLUE_NAME.test(table)) throw new UsageError(`table "${table}" must be lower-case letters, digits and _ (at most 245)`);
  if (options.bucket !== undefined && !BUCKET.test(options.bucket)) throw new UsageError(`bucket "${options.bucket}" is not a valid S3 bucket name`);
  const prefix = normalisePrefix(options.prefix);
  const compactedPrefix = normalisePrefix(options.compactedPrefix ?? DEFAULT_COMPACTED_PREFIX, 'compacted prefix');
  if (compactedPrefix === '' || (prefix !== '' && (prefix.startsWith(compactedPrefix) || compactedPrefix.startsWith(prefix)))) {
    // Athena (MSCK REPAIR, crawlers) reads the folders below a table's LOCATION: one layout inside
    // the other would mix them. A raw table at the bucket root is allowed, as before.
    throw new UsageError(`compacted prefix "${compactedPrefix}" and prefix "${prefix}" must not contain one another`);
  }
  const names = tableNames(table);
  return { database, view: names.view, raw_table: names.raw, compacted_table: names.compacted, bucket: options.bucket, prefix, compacted_prefix: compactedPrefix };
}

/** One statement's text (with its comments), placeholders filled. */
export function renderDdl(kind: DdlKind, options: DdlOptions = {}): string {
  const values = placeholderValues(options);
  const text = readFileSync(ddlFile(kind, options.projection ?? false), 'utf8');
  return text.replace(/\$\{([a-z_]+)\}/g, (match, name: string) => {
    if (ATHENA_OWN_PLACEHOLDERS.has(name)) return match;
    if (!(name in values)) throw new Error(`DDL placeholder ${match} is unknown`);
    return values[name] ?? match;
  });
}

/** All three statements, in running order, separated by a blank line: what `athena ddl` prints. */
export function renderAllDdl(options: DdlOptions = {}): string {
  return DDL_KINDS.map((kind) => renderDdl(kind, options)).join('\n');
}

/** The statement Athena runs: comment lines and the closing `;` removed (one statement per call). */
export function statementText(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim()
    .replace(/;\s*$/, '');
}
