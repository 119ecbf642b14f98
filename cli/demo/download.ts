/**
 * Copies the bucket's data prefix to a local folder, keeping the layout below the prefix
 * (`account_id=…/dt=…/<object>.json.gz`), which is what the DuckDB runner reads. DuckDB cannot
 * read an S3 endpoint offline (no httpfs), hence the copy.
 *
 * Listing pages by ContinuationToken as on real S3. s3rver can only mint continuation tokens
 * with Node's legacy OpenSSL provider, so the demo asks for pages large enough (MaxKeys; s3rver
 * honours any size, S3 caps it at 1,000) that s3rver never needs one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

const PAGE_SIZE = 100_000;

export interface DownloadSummary {
  objects: number;
  bytes: number;
  /** NDJSON lines in all gzip NDJSON objects (after gunzip); other objects (Parquet, manifests) count none. */
  lines: number;
}

export async function listAllKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: PAGE_SIZE, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

/** Downloads every object below `prefix` into `dir` (the prefix itself is dropped from the path). */
export async function downloadPrefix(s3: S3Client, bucket: string, prefix: string, dir: string): Promise<DownloadSummary> {
  const summary: DownloadSummary = { objects: 0, bytes: 0, lines: 0 };
  for (const key of await listAllKeys(s3, bucket, prefix)) {
    const relative = key.slice(prefix.length);
    // Keys come from our own writer, but a key must never escape the target folder.
    if (relative.split('/').some((part) => part === '..' || part === '')) throw new Error(`refusing to download unexpected key ${key}`);
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    const target = join(dir, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
    summary.objects += 1;
    summary.bytes += bytes.length;
    if (key.endsWith('.json.gz')) summary.lines += gunzipSync(bytes).toString('utf8').split('\n').filter((line) => line.length > 0).length;
  }
  return summary;
}
