/**
 * s3rver 3.7's listing with a delimiter misses folders more than one level deep: its directory
 * walk stops at the first folder below the prefix, so `ListObjectsV2(Prefix: 'audit/',
 * Delimiter: '/')` over `audit/account_id=acme/dt=…/x.json.gz` returns no CommonPrefixes at all,
 * where S3 returns `audit/account_id=acme/`. The compactor lists folders that way, so the demo
 * and the tests install this: a delimited listing is answered from the undelimited one, grouped
 * as S3 groups it. Loading every object's metadata is slow on big buckets, which local ones are not.
 */
import { createRequire } from 'node:module';

interface ListedS3rverObject {
  key: string;
}
interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
interface ListResult {
  objects: ListedS3rverObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface FilesystemStore {
  prototype: { listObjects(bucket: string, options: ListOptions): Promise<ListResult>; delimitedListingFixed?: true };
}

export function fixS3rverDelimitedListing(): void {
  const store = createRequire(import.meta.url)('s3rver/lib/stores/filesystem.js') as FilesystemStore;
  const proto = store.prototype;
  if (proto.delimitedListingFixed) return;
  const original = proto.listObjects;
  proto.listObjects = async function listObjects(this: unknown, bucket: string, options: ListOptions): Promise<ListResult> {
    const { delimiter = '', prefix = '', maxKeys = Infinity } = options;
    if (delimiter === '') return original.call(this, bucket, options);
    const all = await original.call(this, bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const commonPrefixes = new Set<string>();
    const objects: ListedS3rverObject[] = [];
    for (const object of all.objects) {
      const at = object.key.slice(prefix.length).indexOf(delimiter);
      if (at === -1) objects.push(object);
      else commonPrefixes.add(object.key.slice(0, prefix.length + at + delimiter.length));
    }
    return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
  };
  proto.delimitedListingFixed = true;
}
