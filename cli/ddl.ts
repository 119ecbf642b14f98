/**
 * Renders athena/create-table.sql (classic partitions) or athena/create-table-projection.sql
 * with the database, table, bucket and prefix filled in. Values are validated rather than escaped:
 * they land inside backticks and a quoted LOCATION, where a stray quote or backtick would break out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATHENA_DIR } from './package-paths.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_DATABASE = 'http_audit_log';
export const DEFAULT_TABLE = 'audit_events';

export interface DdlOptions {
  projection?: boolean;
  database?: string;
  table?: string;
  /** Left as the `${bucket}` placeholder when absent, so the printed DDL is a template to fill. */
  bucket?: string;
  /** The data prefix, e.g. `audit/`; a missing trailing slash is added. Default: the bucket root. */
  prefix?: string;
}

// Glue stores names lower-case; accept only what survives that unchanged.
const GLUE_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
// S3 bucket naming rules (general purpose buckets).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Key prefix: no quotes, backslashes, spaces or `${`, no leading slash.
const PREFIX = /^(?:[A-Za-z0-9!_.*()=-]+\/)*$/;
// Placeholders Athena itself resolves in storage.location.template.
const ATHENA_OWN_PLACEHOLDERS = new Set(['account_id', 'dt']);

export function ddlFile(projection: boolean): string {
  return join(ATHENA_DIR, projection ? 'create-table-projection.sql' : 'create-table.sql');
}

export function normalisePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (!PREFIX.test(withSlash)) throw new UsageError(`prefix "${prefix}" must be S3 key segments of letters, digits and !_.*()=- separated by /, without a leading /`);
  return withSlash;
}

export function renderDdl(options: DdlOptions = {}): string {
  const database = options.database ?? DEFAULT_DATABASE;
  const table = options.table ?? DEFAULT_TABLE;
  if (!GLUE_NAME.test(database)) throw new UsageError(`database "${database}" must be lower-case letters, digits and _`);
  if (!GLUE_NAME.test(table)) throw new UsageError(`table "${table}" must be lower-case letters, digits and _`);
  if (options.bucket !== undefined && !BUCKET.test(options.bucket)) throw new UsageError(`bucket "${options.bucket}" is not a valid S3 bucket name`);
  const values: Record<string, string | undefined> = { database, table, bucket: options.bucket, prefix: normalisePrefix(options.prefix) };
  const text = readFileSync(ddlFile(options.projection ?? false), 'utf8');
  return text.replace(/\$\{([a-z_]+)\}/g, (match, name: string) => {
    if (ATHENA_OWN_PLACEHOLDERS.has(name)) return match;
    if (!(name in values)) throw new Error(`DDL placeholder ${match} is unknown`);
    return values[name] ?? match;
  });
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
