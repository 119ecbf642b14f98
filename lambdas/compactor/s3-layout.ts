/**
 * Where things are in the bucket: the raw layout the kinesis-to-s3 Lambda writes
 * (`<prefix>account_id=…/dt=…/*.json.gz`) and the compacted layout beside it
 * (`<compactedPrefix>account_id=…/dt=…/events-<generation>-00000.parquet` and `_manifest.json`). The manifest's
 * name starts with `_`, which Athena and Hive skip, so the Parquet table never reads it.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isAccountPartitionValue, isDtValue, partitionPath, type PartitionValues } from '../../core/schema.js';
import { OBJECT_SUFFIX } from '../kinesis-to-s3/object-keys.js';

export const MANIFEST_NAME = '_manifest.json';
export const PARQUET_SUFFIX = '.parquet';

export interface ListedObject {
  key: string;
  etag: string;
  size: number;
}

/**
 * `events-<generation>-00000.parquet`, … : the n-th file of a compaction of a day. Files are
 * written create-only, so each compaction gets names of its own: the generation is a hash of
 * its inputs (key and ETag), the same when a failed run is repeated, new when an object arrived.
 */
export function compactedFileKey(compactedPrefix: string, day: PartitionValues, generation: string, index: number): string {
  return `${compactedPrefix}${partitionPath(day)}events-${generation}-${String(index).padStart(5, '0')}${PARQUET_SUFFIX}`;
}

/** 12 hex digits of the SHA-256 over the inputs' keys and ETags, in key order. */
export function compactionGeneration(inputs: ReadonlyArray<{ key: string; etag: string }>): string {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(`${input.key}\n${input.etag}\n`);
  return hash.digest('hex').slice(0, 12);
}

export function manifestKey(compactedPrefix: string, day: PartitionValues): string {
  return `${compactedPrefix}${partitionPath(day)}${MANIFEST_NAME}`;
}

/** Every object below `prefix`, following continuation tokens. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined) objects.push({ key: o.Key, etag: o.ETag ?? '', size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The folder names one level below `prefix` (`account_id=acme/` → `account_id=acme`). */
async function listFolders(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix.slice(prefix.length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return folders;
}

/**
 * Every account-day of the raw layout on or after `oldestDt` (folders outside the layout are
 * skipped, as Athena skips them), sorted by account then day.
 */
export async function listRawDays(s3: S3Client, bucket: string, prefix: string, oldestDt: string): Promise<PartitionValues[]> {
  const days: PartitionValues[] = [];
  for (const accountFolder of (await listFolders(s3, bucket, prefix)).sort()) {
    const account = /^account_id=(.+)$/.exec(accountFolder)?.[1];
    if (account === undefined || !isAccountPartitionValue(account)) continue;
    for (const dayFolder of (await listFolders(s3, bucket, `${prefix}${accountFolder}/`)).sort()) {
      const dt = /^dt=(.+)$/.exec(dayFolder)?.[1];
      if (dt !== undefined && isDtValue(dt) && dt >= oldestDt) days.push({ account_id: account, dt });
    }
  }
  return days;
}

/** The raw data objects of one account-day (gzip NDJSON written by the kinesis-to-s3 Lambda). */
export async function listRawObjects(s3: S3Client, bucket: string, prefix: string, day: PartitionValues): Promise<ListedObject[]> {
  const objects = await listObjects(s3, bucket, `${prefix}${partitionPath(day)}`);
  return objects.filter((o) => o.key.endsWith(OBJECT_SUFFIX) && !o.key.slice(prefix.length + partitionPath(day).length).includes('/'));
}
