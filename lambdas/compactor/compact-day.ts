/**
 * Compacts one closed account-day: reads its raw objects, drops duplicate ids, sorts by time,
 * writes the Parquet file(s), checks each by reading it back, writes the manifest, removes
 * Parquet files of an earlier compaction that the new one does not have, and tags the raw
 * objects as compacted (the bucket's lifecycle rule expires only tagged objects).
 *
 * Order matters for readers: the new files are in place before the manifest, and the raw
 * objects are tagged only after both, so a failure at any step leaves the raw objects untagged
 * and the next run does the day again.
 *
 * The day is held as an index of event positions, not as events (event-index.ts): a
 * 100,000-event day (256 MB of event JSON) holds ~90 MB of live heap instead of ~300 MB.
 *
 * A day compacted before is never rebuilt from its raw objects alone: some may have expired
 * since. Its previous output is read back and only the raw objects new since are added
 * (previous-compaction.ts).
 */
import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { writeWithManifest, type ManifestWriter } from '../integrity/manifest-writer.js';
import { summarizeIds } from '../integrity/object-manifest.js';
import { partitionPath, type PartitionValues } from '../../core/schema.js';
import { mapWithConcurrencyLimit } from '../map-with-concurrency-limit.js';
import { deduplicate } from './deduplicate.js';
import { entryContent, eventGroups, type EventSource, type IndexedEvent } from './event-index.js';
import { MANIFEST_FORMAT, type CompactionManifest, type OutputSummary } from './manifest.js';
import { ParquetFileWriter, readParquetObjects, ROW_GROUP_ROWS, type ParquetFileOptions } from './parquet-file.js';
import { objectsNotIn, readManifest, readPreviousEvents } from './previous-compaction.js';
import { readRawObject, type InputSummary } from './read-raw-objects.js';
import { compactedFileKey, compactionGeneration, listObjects, listRawObjects, manifestKey, PARQUET_SUFFIX } from './s3-layout.js';

/** The tag the compactor sets on raw objects it has compacted and verified; the lifecycle rule filters on it. */
export const COMPACTED_TAG = { Key: 'http-audit-log-compacted', Value: 'true' } as const;
/** A day's events are split across files only past this much event JSON (one file is what Athena reads best). */
export const SPLIT_SOURCE_BYTES = 512 * 1024 * 1024;
const READ_CONCURRENCY = 4;
/**
 * A full collection after each row group, where the runtime exposes one (Lambda's Node.js
 * bootstrap passes --expose-gc): left alone, V8 lets the old space grow toward its limit (922 MB
 * at 1,024 MB) before collecting the groups already written. Measured on a 100,000-event day:
 * peak RSS 553 MB without, 333 MB with, time unchanged (10 collections of a ~90 MB heap).
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

export interface DayLocation {
  s3: S3Client;
  bucket: string;
  prefix: string;
  compactedPrefix: string;
  /** Create-only writes with manifests (lambdas/integrity). */
  writer: ManifestWriter;
}

export interface CompactedDay extends PartitionValues {
  /** The (first) Parquet file. */
  key: string;
  keys: string[];
  /** Raw objects read. */
  inputs: number;
  rows: number;
  duplicatesDropped: number;
  conflictingDuplicates: number;
  /** Raw objects whose compacted tag could not be set (they stay, and are tagged by a later run). */
  untagged: number;
}

export type DayOutcome =
  | { status: 'compacted'; day: CompactedDay }
  | { status: 'skipped'; reason: string };

/** Splits sorted events into files of about SPLIT_SOURCE_BYTES of event JSON each. */
function fileSlices(entries: IndexedEvent[], sourceBytes: number): IndexedEvent[][] {
  const files = Math.max(1, Math.ceil(sourceBytes / SPLIT_SOURCE_BYTES));
  const per = Math.ceil(entries.length / files);
  return Array.from({ length: files }, (_, i) => entries.slice(i * per, (i + 1) * per)).filter((s, i) => i === 0 || s.length > 0);
}

/** Reads the file back (hyparquet, its own reader) and checks it holds exactly these ids in this order. */
async function checkReadBack(key: string, bytes: Uint8Array, events: readonly IndexedEvent[]): Promise<void> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await readParquetObjects({ file, columns: ['id'] });
  const bad = rows.length !== events.length ? -1 : rows.findIndex((r, i) => r.id !== events[i]!.id);
  if (rows.length !== events.length || bad >= 0) {
    throw new Error(`${key}: the written file does not read back as written (rows ${rows.length} of ${events.length}${bad >= 0 ? `, first wrong row ${bad}` : ''})`);
  }
}

/** Writes one file create-only with its integrity manifest: the inputs it was made from and the files it replaces. */
async function putFile(at: DayLocation, day: PartitionValues, file: { key: string; bytes: Uint8Array; events: readonly IndexedEvent[] }, inputs: readonly InputSummary[], replaces: string[]): Promise<OutputSummary> {
  const { key, bytes, events } = file;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeWithManifest(at.writer, {
    key,
    account: day.account_id,
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    contentType: 'application/vnd.apache.parquet',
    summary: summarizeIds(events.map((e) => e.id), sha256),
    inputs: inputs.flatMap((i) => (i.sha256 === undefined ? [] : [{ key: i.key, sha256: i.sha256 }])),
    replaces,
  });
  return { key, rows: events.length, bytes: bytes.length, sha256 };
}

export interface CompactDayOptions {
  parquet: ParquetFileOptions;
  now: () => Date;
}

/** Compacts `day` unless its manifest already lists exactly its raw objects; throws UnreadableInputError for an input it cannot read. */
export async function compactDay(at: DayLocation, day: PartitionValues, options: CompactDayOptions): Promise<DayOutcome> {
  const objects = await listRawObjects(at.s3, at.bucket, at.prefix, day);
  if (objects.length === 0) return { status: 'skipped', reason: 'no raw objects' };
  const previous = await readManifest(at.s3, at.bucket, at.compactedPrefix, day);
  const compactedNow = await listObjects(at.s3, at.bucket, `${at.compactedPrefix}${partitionPath(day)}`);
  const present = new Set(compactedNow.map((o) => o.key));
  // A manifest whose files are gone (deleted by hand) cannot be carried forward: start again from the raw objects.
  const carried = previous !== null && previous.outputs.every((o) => present.has(o.key)) ? previous : null;
  const toRead = carried === null ? objects : objectsNotIn(carried, objects);
  if (toRead.length === 0) return { status: 'skipped', reason: 'up to date' };

  // The day as an index (event-index.ts): sources keep only their stored bytes until written.
  const sources: EventSource[] = [];
  const all: IndexedEvent[] = [];
  if (carried !== null) {
    const previousDay = await readPreviousEvents(at.s3, at.bucket, carried, 0);
    sources.push(...previousDay.sources);
    all.push(...previousDay.entries);
  }
  const carriedRows = all.length;
  const inputs: InputSummary[] = [];
  let sourceBytes = 0;
  // Read in key order a few at a time; the first unreadable input fails the day.
  for (let i = 0; i < toRead.length; i += READ_CONCURRENCY) {
    const batch = toRead.slice(i, i + READ_CONCURRENCY);
    const firstSource = sources.length;
    for (const read of await Promise.all(batch.map((o, j) => readRawObject(at.s3, at.bucket, o, day, firstSource + j)))) {
      inputs.push(read.input);
      sourceBytes += read.sourceBytes;
      sources.push(read.source);
      for (const entry of read.entries) all.push(entry);
    }
  }
  const newLines = all.length - carriedRows;
  const { kept: entries, duplicatesDropped: droppedNow, conflicting: conflictingNow } = deduplicate(all, entryContent);
  // Totals over every compaction of the day: the manifest speaks for the whole day.
  const lines = (carried?.lines ?? 0) + newLines;
  const duplicatesDropped = (carried?.duplicatesDropped ?? 0) + droppedNow;
  const conflicting = (carried?.conflictingDuplicates ?? 0) + conflictingNow;
  // Expired inputs stay listed: the manifest names everything the day was made from.
  const rewritten = new Set(inputs.map((i) => i.key));
  const allInputs = [...(carried?.inputs ?? []).filter((i) => !rewritten.has(i.key)), ...inputs].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  // Split by the day's whole size, estimated from the carried rows' share when some came from Parquet.
  if (carriedRows > 0 && newLines > 0) sourceBytes = Math.round((sourceBytes / newLines) * (carriedRows + newLines));

  const outputs: OutputSummary[] = [];
  const generation = compactionGeneration(allInputs);
  const replaces = compactedNow.filter((o) => o.key.endsWith(PARQUET_SUFFIX)).map((o) => o.key);
  for (const [index, slice] of fileSlices(entries, sourceBytes).entries()) {
    const key = compactedFileKey(at.compactedPrefix, day, generation, index);
    const file = new ParquetFileWriter({ ...options.parquet, metadata: { account_id: day.account_id, dt: day.dt, rows: String(slice.length) } });
    for await (const group of eventGroups(slice, sources, ROW_GROUP_ROWS)) {
      file.writeRowGroup(group);
      collectGarbage?.();
    }
    const bytes = file.finish();
    await checkReadBack(key, bytes, slice);
    outputs.push(await putFile(at, day, { key, bytes, events: slice }, allInputs, replaces.filter((k) => k !== key)));
  }
  const manifest: CompactionManifest = {
    format: MANIFEST_FORMAT,
    account_id: day.account_id,
    dt: day.dt,
    compactedAt: options.now().toISOString(),
    codec: options.parquet.codec,
    inputs: allInputs,
    outputs,
    lines,
    rows: entries.length,
    duplicatesDropped,
    conflictingDuplicates: conflicting,
  };
  await at.s3.send(new PutObjectCommand({ Bucket: at.bucket, Key: manifestKey(at.compactedPrefix, day), Body: `${JSON.stringify(manifest, null, 2)}\n`, ContentType: 'application/json' }));

  const written = new Set(outputs.map((o) => o.key));
  const stale = compactedNow.filter((o) => o.key.endsWith(PARQUET_SUFFIX) && !written.has(o.key)).map((o) => ({ Key: o.key }));
  if (stale.length > 0) await at.s3.send(new DeleteObjectsCommand({ Bucket: at.bucket, Delete: { Objects: stale, Quiet: true } }));

  const tagged = await mapWithConcurrencyLimit(objects, READ_CONCURRENCY, (o) =>
    at.s3.send(new PutObjectTaggingCommand({ Bucket: at.bucket, Key: o.key, Tagging: { TagSet: [COMPACTED_TAG] } })));
  const untagged = tagged.filter((t) => t.status === 'rejected').length;
  return {
    status: 'compacted',
    day: { ...day, key: outputs[0]!.key, keys: outputs.map((o) => o.key), inputs: allInputs.length, rows: entries.length, duplicatesDropped, conflictingDuplicates: conflicting, untagged },
  };
}
