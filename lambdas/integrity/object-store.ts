/**
 * The few storage operations integrity needs, so the same sealing and verifying code runs against
 * S3 (s3-object-store.ts) and against a local copy of a bucket (the CLI's `verify --local`).
 */
export interface StoredObject {
  body: Buffer;
  /** User metadata (`x-amz-meta-*`, without the prefix); empty for a local copy. */
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType: string;
  contentEncoding?: string;
  /** Must hold `sha256`: the create-only retry compares it with what is there. */
  metadata: Record<string, string> & { sha256: string };
}

/** What a create-only write found: it created the object, or the same content was already there. */
export interface PutOutcome {
  created: boolean;
  /** The stored object's metadata: ours when created, the existing object's otherwise. */
  metadata: Record<string, string>;
}

export interface ObjectStore {
  /** A readable name for messages: `s3://bucket` or the directory. */
  readonly name: string;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Every key below `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The folder names one level below `prefix` (without the prefix and the trailing "/"). */
  listFolders(prefix: string): Promise<string[]>;
  /**
   * Writes `key` only if it does not exist (S3 `If-None-Match: *`). When it exists with the same
   * `sha256` metadata, that is the earlier try of this same write: success, created false. With
   * different content it throws ConflictingObjectError: what is stored is never replaced.
   */
  putCreateOnly(key: string, body: Buffer | string, options: PutOptions): Promise<PutOutcome>;
}
