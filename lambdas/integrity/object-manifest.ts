/**
 * The manifest of one stored object: what an auditor needs to tell, later, that the object is
 * exactly as written — the SHA-256 of its uncompressed content, its line count, a hash over its
 * event ids in order, the first and last id. The writer (kinesis-to-s3, the compactor) puts it
 * into the integrity bucket under the hour it was written, where the digest step seals it.
 *
 *   <integrityPrefix>manifests/account_id=<A>/hour=<YYYY-MM-DDTHH>/<16 hex of sha256(key)>_<name>.json
 *
 * The key hash keeps names unique across prefixes and days; the name keeps them readable.
 */
import { createHash } from 'node:crypto';

export const OBJECT_MANIFEST_FORMAT = 'http-audit-log/object-manifest@1';

export interface ObjectManifest {
  format: typeof OBJECT_MANIFEST_FORMAT;
  /** The data object's key in the data bucket. */
  key: string;
  account_id: string;
  /** SHA-256 of the uncompressed content, hex. */
  sha256: string;
  lines: number;
  /** SHA-256 over the event ids in order, each followed by "\n", hex. */
  idsSha256: string;
  firstId: string | null;
  lastId: string | null;
  /** The hour (UTC, `YYYY-MM-DDTHH`) the object was first written: the hour whose digest lists it. */
  hour: string;
  /** For a compacted object: the raw objects it was made from (key and content SHA-256). */
  inputs?: Array<{ key: string; sha256: string }>;
  /** For a compacted object: the compacted objects of the same day it replaces (deleted after it is written). */
  replaces?: string[];
}

/** What a manifest says about content, computed from the event ids in stored order. */
export interface ContentSummary {
  sha256: string;
  lines: number;
  idsSha256: string;
  firstId: string | null;
  lastId: string | null;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Summary of ids (in stored order) and the content's hash, computed by the caller over the same bytes it stores. */
export function summarizeIds(ids: readonly string[], sha256: string): ContentSummary {
  const hash = createHash('sha256');
  for (const id of ids) hash.update(`${id}\n`);
  return { sha256, lines: ids.length, idsSha256: hash.digest('hex'), firstId: ids[0] ?? null, lastId: ids[ids.length - 1] ?? null };
}

/** The event id of an NDJSON line, or "" for a line that is not an event with a string id (counted, never skipped). */
export function lineId(line: string): string {
  try {
    const id = (JSON.parse(line) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

/** Summary of NDJSON content: one line per event, each ending in "\n"; blank lines hold no event and are not counted. */
export function summarizeNdjson(content: Buffer | string): ContentSummary {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return summarizeIds(text.split('\n').filter((line) => line.trim() !== '').map(lineId), sha256Hex(content));
}

/** `YYYY-MM-DDTHH` of a time, UTC. */
export function hourOf(time: Date): string {
  return time.toISOString().slice(0, 13);
}

export function manifestFolder(integrityPrefix: string, account: string, hour: string): string {
  return `${integrityPrefix}manifests/account_id=${account}/hour=${hour}/`;
}

export function manifestKey(integrityPrefix: string, account: string, hour: string, dataKey: string): string {
  const name = dataKey.slice(dataKey.lastIndexOf('/') + 1);
  return `${manifestFolder(integrityPrefix, account, hour)}${sha256Hex(dataKey).slice(0, 16)}_${name}.json`;
}

export function serializeManifest(manifest: ObjectManifest): string {
  return `${JSON.stringify(manifest)}\n`;
}

/** Parses a stored manifest; throws naming what is wrong. */
export function parseManifest(text: string, key: string): ObjectManifest {
  let value: Partial<ObjectManifest> | null;
  try {
    value = JSON.parse(text) as Partial<ObjectManifest> | null;
  } catch (error) {
    throw new Error(`${key}: not JSON (${(error as Error).message})`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || value.format !== OBJECT_MANIFEST_FORMAT) throw new Error(`${key}: not an ${OBJECT_MANIFEST_FORMAT}`);
  for (const field of ['key', 'account_id', 'sha256', 'idsSha256', 'hour'] as const) {
    if (typeof value[field] !== 'string') throw new Error(`${key}: field ${field} is missing or not a string`);
  }
  if (typeof value.lines !== 'number') throw new Error(`${key}: field lines is missing or not a number`);
  return value as ObjectManifest;
}
