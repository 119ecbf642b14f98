/**
 * How a Lambda stores one data object with its evidence: the object create-only, carrying the
 * SHA-256 of its uncompressed content and the hour its manifest goes under; then the manifest,
 * create-only too. A retry of the same write finds the object (same sha256: fine) and writes the
 * manifest under the hour recorded at the first try, so however often a batch is re-run each
 * object has exactly one manifest. The order matters: a manifest never names an object that
 * was not written; an object whose manifest write failed is retried with its batch.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { validateBucketName, validateDataPrefix } from '../configuration.js';
import { DEFAULT_INTEGRITY_PREFIX, INTEGRITY_WRITER_ENV } from './environment.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { hourOf, manifestKey, OBJECT_MANIFEST_FORMAT, serializeManifest, sha256Hex, type ContentSummary, type ObjectManifest } from './object-manifest.js';

export interface ManifestWriter {
  /** The data bucket. */
  data: ObjectStore;
  /** Where manifests go (the data bucket itself unless an integrity bucket is configured). */
  integrity: ObjectStore;
  integrityPrefix: string;
  now: () => Date;
}

/** The integrity options both writers take (kinesis-to-s3, the compactor). */
export interface IntegrityWriterOptions {
  /** Bucket for the objects' manifests; default the data bucket. The template's IntegrityBucket. */
  integrityBucket?: string;
  /** Prefix of manifests (and digests) there, ending with "/"; default `integrity/`. */
  integrityPrefix?: string;
  /** The clock that names a manifest's hour; tests move it. */
  now?: () => Date;
}

/** A writer for `bucket`, its options validated (errors name the option and the environment variable). */
export function createManifestWriter(s3: S3Client, bucket: string, options: IntegrityWriterOptions): ManifestWriter {
  const data = new S3ObjectStore(s3, bucket);
  const integrityBucket = options.integrityBucket === undefined ? bucket
    : validateBucketName(options.integrityBucket, { option: 'integrityBucket', envVar: INTEGRITY_WRITER_ENV.integrityBucket });
  return {
    data,
    integrity: integrityBucket === bucket ? data : new S3ObjectStore(s3, integrityBucket),
    integrityPrefix: validateDataPrefix(options.integrityPrefix ?? DEFAULT_INTEGRITY_PREFIX, { option: 'integrityPrefix', envVar: INTEGRITY_WRITER_ENV.integrityPrefix }),
    now: options.now ?? (() => new Date()),
  };
}

export interface EvidencedWrite {
  key: string;
  /** account_id as in the key's partition path (encoded). */
  account: string;
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
  summary: ContentSummary;
  /** A compacted object's inputs. */
  inputs?: ObjectManifest['inputs'];
  /** A compacted object's predecessors, removed once it is written. */
  replaces?: string[];
}

/** Writes the object and its manifest; resolves with whether the object was new. */
export async function writeWithManifest(writer: ManifestWriter, write: EvidencedWrite): Promise<{ created: boolean; manifestKey: string }> {
  const hour = hourOf(writer.now());
  const put = await writer.data.putCreateOnly(write.key, write.body, {
    contentType: write.contentType,
    contentEncoding: write.contentEncoding,
    metadata: { sha256: write.summary.sha256, lines: String(write.summary.lines), 'manifest-hour': hour },
  });
  const manifestHour = put.created ? hour : put.metadata['manifest-hour'] ?? hour;
  const manifest: ObjectManifest = {
    format: OBJECT_MANIFEST_FORMAT,
    key: write.key,
    account_id: write.account,
    ...write.summary,
    hour: manifestHour,
    ...(write.inputs ? { inputs: write.inputs } : {}),
    ...(write.replaces ? { replaces: write.replaces } : {}),
  };
  const text = serializeManifest(manifest);
  const key = manifestKey(writer.integrityPrefix, write.account, manifestHour, write.key);
  await writer.integrity.putCreateOnly(key, text, { contentType: 'application/json', metadata: { sha256: sha256Hex(text) } });
  return { created: put.created, manifestKey: key };
}
