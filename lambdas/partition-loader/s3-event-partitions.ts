/**
 * The partitions an S3 notification announces: every record (not only the first), keys
 * URL-decoded as S3 sends them (`+` for space, %xx), anything outside the data prefix or the
 * layout ignored, duplicates merged. Only values parsePartitionPath admits come out, so no key
 * can smuggle a quote or a path into the SQL that follows.
 */
import type { S3Event } from 'aws-lambda';
import { parsePartitionPath, partitionPath, type PartitionValues } from '../../core/schema.js';
import { isBucketName } from '../configuration.js';

export interface AnnouncedPartition {
  values: PartitionValues;
  /** `s3://<bucket>/<prefix>account_id=…/dt=…/`: also the partition's identity in the cache. */
  location: string;
}

export interface AnnouncedPartitions {
  partitions: AnnouncedPartition[];
  records: number;
  /** Records that are not an object creation in the layout below the prefix of a valid bucket. */
  ignored: number;
}

/** S3 notification keys are URL-encoded with `+` for space. Returns null for a malformed escape. */
export function decodeS3Key(encodedKey: string): string | null {
  try {
    return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

export function partitionsFromS3Event(event: S3Event, prefix: string): AnnouncedPartitions {
  const byLocation = new Map<string, AnnouncedPartition>();
  const records = event.Records ?? [];
  let ignored = 0;
  for (const record of records) {
    const bucket = record.s3?.bucket?.name ?? '';
    const key = decodeS3Key(record.s3?.object?.key ?? '');
    const values = key !== null && key.startsWith(prefix) ? parsePartitionPath(key.slice(prefix.length)) : null;
    if (!record.eventName?.startsWith('ObjectCreated') || !isBucketName(bucket) || values === null) {
      ignored += 1;
      continue;
    }
    const location = `s3://${bucket}/${prefix}${partitionPath(values)}`;
    if (!byLocation.has(location)) byLocation.set(location, { values, location });
  }
  return { partitions: [...byLocation.values()], records: records.length, ignored };
}
