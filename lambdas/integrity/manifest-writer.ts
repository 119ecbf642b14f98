/**
 * How a Lambda stores one data object with its evidence: the object create-only, carrying the
 * SHA-256 of its uncompressed content and the hour its manifest goes under; then the manifest,
 * create-only too. A retry of the same write finds the object (same sha256: fine) and writes the
 * manifest under the hour recorded at the first try, so however often a batch is re-run each
 * object has exactly one manifest. The order matters: a manifest never names an object that
 * was not written; an object whose manifest write failed is retried with its batch.
 */
import type { ObjectStore } from './object-store.js';
import { hourOf, manifestKey, OBJECT_MANIFEST_FORMAT, serializeManifest, sha256Hex, type ContentSummary, type ObjectManifest } from './object-manifest.js';

export const DEFAULT_INTEGRITY_PREFIX = 'integrity/';

export interface ManifestWriter {
  /** The data bucket. */
  data: ObjectStore;
  /** Where manifests go (the data bucket itself unless an integrity bucket is configured). */
  integrity: ObjectStore;
  integrityPrefix: string;
  now: () => Date;
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
  };
  const text = serializeManifest(manifest);
  const key = manifestKey(writer.integrityPrefix, write.account, manifestHour, write.key);
  await writer.integrity.putCreateOnly(key, text, { contentType: 'application/json', metadata: { sha256: sha256Hex(text) } });
  return { created: put.created, manifestKey: key };
}
