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
import { parquetReadObjects } from 'hyparquet';
import { AUDIT_EVENT_FIELDS, decodeAccountId, validateAuditEvent, type AuditEvent, type PartitionValues } from '../../core/schema.js';
import { UnreadableInputError } from '../errors.js';
import { parseManifest, type CompactionManifest } from './manifest.js';
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

/**
 * The events of the previous compaction's output files, appended to `into`. A file that is
 * missing, changed (its SHA-256 differs from the manifest's) or unreadable fails the day, so
 * that nothing is rewritten from a partial picture.
 */
export async function readPreviousEvents(s3: S3Client, bucket: string, manifest: CompactionManifest, into: AuditEvent[]): Promise<void> {
  const accountId = decodeAccountId(manifest.account_id);
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
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    try {
      for (const row of await parquetReadObjects({ file })) into.push(eventOfRow(row, accountId));
    } catch (error) {
      throw new UnreadableInputError(output.key, `the previous compaction's file does not read as audit events: ${(error as Error).message}`);
    }
  }
}
