/**
 * What an earlier compaction of the day left, and what a new run must add to it.
 *
 * Raw objects expire (the lifecycle rule) once compacted, so a later run can find fewer raw
 * objects than the manifest lists. Recompacting from what is left would drop the expired
 * objects' events from the day. So the previous Parquet output is carried forward: a run reads
 * it back and adds only the raw objects the manifest does not list with the same ETag.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AUDIT_EVENT_FIELDS, decodeAccountId, validateAuditEvent, type AuditEvent, type PartitionValues } from '../../core/schema.js';
import { UnreadableInputError } from '../errors.js';
import { indexEntry, type EventSource, type IndexedEvent } from './event-index.js';
import { parseManifest, type CompactionManifest } from './manifest.js';
import { readParquetObjects, ROW_GROUP_ROWS } from './parquet-file.js';
import { manifestKey, type ListedObject } from './s3-layout.js';

const isMissing = (error: unknown) => (error as Error).name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export async function readManifest(s3: S3Client, bucket: string, compactedPrefix: string, day: PartitionValues): Promise<CompactionManifest | null> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(compactedPrefix, day) }));
    return parseManifest(await response.Body!.transformToString(), day);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Listed raw objects that the manifest does not name with the same ETag: new since, or rewritten. */
export function objectsNotIn(manifest: CompactionManifest, objects: readonly ListedObject[]): ListedObject[] {
  const etags = new Map(manifest.inputs.map((i) => [i.key, i.etag]));
  return objects.filter((o) => etags.get(o.key) !== o.etag);
}

/** A row of a compacted file back as the event it was: `time` as the ISO string, account_id from the partition. */
function eventOfRow(row: Record<string, unknown>, accountId: string | null): AuditEvent {
  const event: Record<string, unknown> = {};
  for (const { name } of AUDIT_EVENT_FIELDS) {
    if (name === 'account_id') event[name] = accountId;
    else if (name === 'time') event[name] = (row.time as Date).toISOString();
    else event[name] = row[name];
  }
  return validateAuditEvent(event);
}

/** A previous compaction's file, decoded again a row group at a time (its rows are in time order, as they are written). */
class CompactedFileSource implements EventSource {
  #group: { start: number; events: AuditEvent[] } | null = null;

  constructor(readonly key: string, private readonly file: ArrayBuffer, private readonly accountId: string | null) {}

  async rows(rowStart: number, rowEnd: number): Promise<AuditEvent[]> {
    return (await readParquetObjects({ file: this.file, rowStart, rowEnd })).map((row) => eventOfRow(row, this.accountId));
  }

  async eventAt(entry: IndexedEvent): Promise<AuditEvent> {
    const group = this.#group;
    if (group !== null && entry.start >= group.start && entry.start < group.start + group.events.length) return group.events[entry.start - group.start]!;
    const start = entry.start - (entry.start % ROW_GROUP_ROWS);
    this.#group = { start, events: await this.rows(start, start + ROW_GROUP_ROWS) };
    return this.#group.events[entry.start - start]!;
  }

  close(): void {
    this.#group = null;
  }
}

/**
 * The previous compaction's output files as sources, with their events indexed from source
 * number `firstSource` on. A file that is missing, changed (its SHA-256 differs from the
 * manifest's) or unreadable fails the day, so that nothing is rewritten from a partial picture.
 */
export async function readPreviousEvents(s3: S3Client, bucket: string, manifest: CompactionManifest, firstSource: number): Promise<{ sources: EventSource[]; entries: IndexedEvent[] }> {
  const accountId = decodeAccountId(manifest.account_id);
  const sources: EventSource[] = [];
  const entries: IndexedEvent[] = [];
  for (const output of manifest.outputs) {
    let bytes: Uint8Array;
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: output.key }));
      bytes = await response.Body!.transformToByteArray();
    } catch (error) {
      throw new UnreadableInputError(output.key, `the previous compaction's file cannot be read: ${(error as Error).message}`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== output.sha256) throw new UnreadableInputError(output.key, `the previous compaction's file has changed since its manifest was written (SHA-256 ${sha256}, manifest ${output.sha256})`);
    const source = new CompactedFileSource(output.key, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, accountId);
    const sourceIndex = firstSource + sources.length;
    const before = entries.length;
    try {
      for (let start = 0; start < output.rows; start += ROW_GROUP_ROWS) {
        const events = await source.rows(start, Math.min(output.rows, start + ROW_GROUP_ROWS));
        events.forEach((event, i) => entries.push(indexEntry(event, sourceIndex, start + i, start + i + 1)));
      }
    } catch (error) {
      throw new UnreadableInputError(output.key, `the previous compaction's file does not read as audit events: ${(error as Error).message}`);
    }
    const read = entries.length - before;
    if (read !== output.rows) throw new UnreadableInputError(output.key, `the previous compaction's file holds ${read} rows, its manifest says ${output.rows}`);
    sources.push(source);
  }
  return { sources, entries };
}
