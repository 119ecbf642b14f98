/**
 * Reads one account-day's raw objects into the day's index (event-index.ts). Every line must be a
 * valid schema-v1 event of that very account-day; anything else (a gzip that does not inflate, a
 * line that is not JSON, an event of another day) makes the whole day fail with
 * UnreadableInputError naming the key and the line, so that nothing half-read is ever compacted
 * and nothing is deleted. What is kept of an object is its bytes as stored (gzip: ~1/8 of its
 * JSON); the text is inflated again when its events are written.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { type AuditEvent, partitionOf, type PartitionValues, validateAuditEvent } from '../../core/schema.js';
import { UnreadableInputError } from '../errors.js';
import { indexEntry, type EventSource, type IndexedEvent } from './event-index.js';
import type { ListedObject } from './s3-layout.js';

/** What the manifest records of each input. */
export interface InputSummary {
  key: string;
  etag: string;
  /** Bytes as stored (gzip). */
  bytes: number;
  /** Events (lines) it held. */
  lines: number;
  /** SHA-256 of its uncompressed content, hex: what its integrity manifest says, if untouched. Absent in manifests before integrity. */
  sha256?: string;
}

const GZIP_MAGIC = 0x1f8b;

async function readBytes(s3: S3Client, bucket: string, object: ListedObject): Promise<{ bytes: Uint8Array; etag: string }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key, IfMatch: object.etag || undefined }));
  if (response.Body === undefined) throw new UnreadableInputError(object.key, 'S3 returned no body');
  return { bytes: await response.Body.transformToByteArray(), etag: response.ETag ?? object.etag };
}

function inflate(key: string, bytes: Uint8Array): string {
  // Gzip NDJSON from the Lambda and Firehose; a plain NDJSON object is read as it is.
  if (bytes.length < 2 || ((bytes[0]! << 8) | bytes[1]!) !== GZIP_MAGIC) return Buffer.from(bytes).toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new UnreadableInputError(key, `does not inflate as gzip (${(error as Error).message})`);
  }
}

function parseLine(key: string, lineNumber: number, line: string, day: PartitionValues): AuditEvent {
  let event: AuditEvent;
  try {
    event = validateAuditEvent(JSON.parse(line));
  } catch (error) {
    throw new UnreadableInputError(key, `line ${lineNumber}: ${(error as Error).message}`);
  }
  const at = partitionOf(event);
  if (at.account_id !== day.account_id || at.dt !== day.dt) {
    throw new UnreadableInputError(key, `line ${lineNumber}: event ${event.id} belongs to account_id=${at.account_id}/dt=${at.dt}, not to this folder`);
  }
  return event;
}

/** A raw object's events, read again from its stored bytes. */
class RawObjectSource implements EventSource {
  #text: string | null = null;

  constructor(readonly key: string, private readonly bytes: Uint8Array) {}

  text(): string {
    this.#text ??= inflate(this.key, this.bytes);
    return this.#text;
  }

  eventAt(entry: IndexedEvent): AuditEvent {
    // Checked when indexed; the bytes are this run's own copy, so the line parses as it did then.
    return JSON.parse(this.text().slice(entry.start, entry.end)) as AuditEvent;
  }

  close(): void {
    this.#text = null;
  }
}

export interface RawObjectRead {
  input: InputSummary;
  /** Characters of event JSON it held: what decides whether a day is split across files. */
  sourceBytes: number;
  source: EventSource;
  entries: IndexedEvent[];
}

/** Reads and checks `object`, indexing its events as source number `sourceIndex`; returns what the manifest records of it. */
export async function readRawObject(s3: S3Client, bucket: string, object: ListedObject, day: PartitionValues, sourceIndex: number): Promise<RawObjectRead> {
  let read: { bytes: Uint8Array; etag: string };
  try {
    read = await readBytes(s3, bucket, object);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw new UnreadableInputError(object.key, `cannot be read (${(error as Error).name}: ${(error as Error).message})`);
  }
  const source = new RawObjectSource(object.key, read.bytes);
  const text = source.text();
  const entries: IndexedEvent[] = [];
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    const line = text.slice(lineStart, end);
    if (line.trim() === '') continue;
    lines += 1;
    entries.push(indexEntry(parseLine(object.key, lines, line, day), sourceIndex, lineStart, end));
  }
  source.close();
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { input: { key: object.key, etag: read.etag, bytes: read.bytes.length, lines, sha256 }, sourceBytes: text.length, source, entries };
}
