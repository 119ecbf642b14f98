/**
 * Reads one account-day's raw objects into events. Every line must be a valid schema-v1 event of
 * that very account-day; anything else (a gzip that does not inflate, a line that is not JSON, an
 * event of another day) makes the whole day fail with UnreadableInputError naming the key and the
 * line, so that nothing half-read is ever compacted and nothing is deleted.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { type AuditEvent, partitionOf, type PartitionValues, validateAuditEvent } from '../../core/schema.js';
import { UnreadableInputError } from '../errors.js';
import type { ListedObject } from './s3-layout.js';

/** What the manifest records of each input. */
export interface InputSummary {
  key: string;
  etag: string;
  /** Bytes as stored (gzip). */
  bytes: number;
  /** Events (lines) it held. */
  lines: number;
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

export interface RawObjectRead {
  input: InputSummary;
  /** Characters of event JSON it held: what decides whether a day is split across files. */
  sourceBytes: number;
}

/** Reads `object`, appending its events to `events`; returns what the manifest records of it. */
export async function readRawObject(s3: S3Client, bucket: string, object: ListedObject, day: PartitionValues, events: AuditEvent[]): Promise<RawObjectRead> {
  let read: { bytes: Uint8Array; etag: string };
  try {
    read = await readBytes(s3, bucket, object);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw new UnreadableInputError(object.key, `cannot be read (${(error as Error).name}: ${(error as Error).message})`);
  }
  const text = inflate(object.key, read.bytes);
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    lines += 1;
    events.push(parseLine(object.key, lines, line, day));
  }
  return { input: { key: object.key, etag: read.etag, bytes: read.bytes.length, lines }, sourceBytes: text.length };
}
