/**
 * The manifest beside a compacted day (`_manifest.json`): which raw objects (key, ETag, line
 * count) went in, which Parquet files came out, and the counts. It is how a later run knows the
 * day is up to date (the same inputs with the same ETags) or must be recompacted (an object
 * arrived late, or one changed), and what an auditor reads to check a compacted day against its
 * raw objects.
 */
import type { PartitionValues } from '../../core/schema.js';
import type { ParquetCodec } from './parquet-file.js';
import type { InputSummary } from './read-raw-objects.js';

export const MANIFEST_FORMAT = 'http-audit-log/compaction-manifest@1';

export interface OutputSummary {
  key: string;
  rows: number;
  bytes: number;
  /** SHA-256 of the Parquet file, hex. */
  sha256: string;
}

export interface CompactionManifest {
  format: typeof MANIFEST_FORMAT;
  account_id: string;
  dt: string;
  compactedAt: string;
  codec: ParquetCodec;
  inputs: InputSummary[];
  outputs: OutputSummary[];
  /** Events read from all inputs, duplicates included. */
  lines: number;
  /** Distinct events written: the sum of the outputs' rows. */
  rows: number;
  duplicatesDropped: number;
  conflictingDuplicates: number;
}

/** Parses a stored manifest; null when it is missing the fields this version needs (then the day is recompacted). */
export function parseManifest(text: string, day: PartitionValues): CompactionManifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const m = value as Partial<CompactionManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || m.account_id !== day.account_id || m.dt !== day.dt) return null;
  if (!Array.isArray(m.inputs) || !Array.isArray(m.outputs)) return null;
  return m as CompactionManifest;
}
