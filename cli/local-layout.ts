/**
 * The files of a local copy of the storage layouts: the raw layout
 * (`<dir>/account_id=<id>/dt=<YYYY-MM-DD>/<file>.json.gz|.ndjson|.json`: the `file` sink's folder
 * or a downloaded raw prefix) and the compacted layout (`…/events-NNNNN.parquet`: a downloaded
 * compacted prefix). Listed here rather than with DuckDB globs because a glob that matches nothing
 * fails the whole query, and a glob would also pick up files outside the layout.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parsePartitionPath } from '../core/schema.js';
import { UsageError } from './usage-error.js';

/** File endings of raw data: gzip NDJSON from the Lambda, plain NDJSON from the file sink. */
export const AUDIT_DATA_EXTENSIONS = ['.json.gz', '.ndjson', '.json'] as const;
/** The compactor's output files (its `_manifest.json` beside them is not data). */
export const COMPACTED_DATA_EXTENSIONS = ['.parquet'] as const;

/** Where the local copies are: at least one of the two. */
export interface LocalLayout {
  /** The raw layout's root (the folder holding the account_id=… folders). */
  dir?: string;
  /** The compacted layout's root. */
  compactedDir?: string;
}

function listLayoutFiles(dir: string, option: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${option} ${dir} is not a directory`);
  const files: string[] = [];
  for (const account of readdirSync(dir)) {
    if (!account.startsWith('account_id=') || !statSync(join(dir, account)).isDirectory()) continue;
    for (const day of readdirSync(join(dir, account))) {
      if (!statSync(join(dir, account, day)).isDirectory()) continue;
      for (const file of readdirSync(join(dir, account, day))) {
        const relative = `${account}/${day}/${file}`;
        // Files outside the layout (wrong folder names, other endings) are skipped, as Athena would not read them as partitions either.
        if (extensions.some((ext) => file.endsWith(ext)) && parsePartitionPath(relative)) files.push(join(dir, relative));
      }
    }
  }
  return files.sort();
}

/** Every raw data file below `dir`, sorted. */
export function listAuditDataFiles(dir: string): string[] {
  return listLayoutFiles(dir, '--dir', AUDIT_DATA_EXTENSIONS);
}

/** Every compacted Parquet file below `dir`, sorted. */
export function listCompactedFiles(dir: string): string[] {
  return listLayoutFiles(dir, '--compacted-dir', COMPACTED_DATA_EXTENSIONS);
}

/** `account_id=…/dt=…` of a file listed above: its two parent folders. */
function partitionOfFile(path: string): string {
  return path.split(sep).slice(-3, -1).join('/');
}

/**
 * Both layouts' files, each (account_id, dt) from exactly one: a day with a compacted file is read
 * from it alone, its raw files left out. Athena's view decides this per row with NOT EXISTS
 * (athena/create-view.sql); DuckDB would evaluate that anti-join by reading every compacted
 * file's footer for each query (it does not carry the query's partition filter across the join:
 * ~100 KiB read for a one-day query over the demo's 16 days), so here it is decided once, when
 * the files are listed. A clear error when neither folder is given or neither holds data.
 */
export function layoutFiles(layout: LocalLayout): { raw: string[]; compacted: string[] } {
  if (layout.dir === undefined && layout.compactedDir === undefined) throw new UsageError('give --dir (raw layout), --compacted-dir (compacted layout) or both');
  const compacted = layout.compactedDir === undefined ? [] : listCompactedFiles(layout.compactedDir);
  const compactedDays = new Set(compacted.map(partitionOfFile));
  const raw = (layout.dir === undefined ? [] : listAuditDataFiles(layout.dir)).filter((file) => !compactedDays.has(partitionOfFile(file)));
  if (raw.length === 0 && compacted.length === 0) {
    const where = [layout.dir, layout.compactedDir].filter((d) => d !== undefined).join(' or ');
    throw new UsageError(`no audit data below ${where}: expected account_id=<id>/dt=<YYYY-MM-DD>/<file>(${[...AUDIT_DATA_EXTENSIONS, ...COMPACTED_DATA_EXTENSIONS].join('|')})`);
  }
  return { raw, compacted };
}
