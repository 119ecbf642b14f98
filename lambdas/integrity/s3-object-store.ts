/**
 * ObjectStore over one S3 bucket. Create-only writes send `If-None-Match: *`; S3 answers 412
 * (PreconditionFailed) when the key exists, or 409 (ConditionalRequestConflict) when another
 * conditional write of the key is in flight, and then the existing object's `sha256` metadata
 * decides: the same content is this write's earlier try, a different one is an error.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConflictingObjectError } from '../errors.js';
import type { ObjectStore, PutOptions, PutOutcome, StoredObject } from './object-store.js';

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

/** 409 means another conditional write of the key was in flight: after this pause it has landed. */
const CONFLICT_RETRY_MS = 200;
const CONFLICT_RETRIES = 5;

export class S3ObjectStore implements ObjectStore {
  readonly name: string;

  constructor(private readonly s3: S3Client, private readonly bucket: string) {
    this.name = `s3://${bucket}`;
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await answer.Body!.transformToByteArray();
      return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), metadata: answer.Metadata ?? {} };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  private async head(key: string): Promise<Record<string, string> | null> {
    try {
      return (await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).Metadata ?? {};
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async listFolders(prefix: string): Promise<string[]> {
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix.slice(prefix.length, -1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return folders.sort();
  }

  async putCreateOnly(key: string, body: Buffer | string, options: PutOptions): Promise<PutOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.s3.send(new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ContentEncoding: options.contentEncoding,
          // S3 refuses the PUT if the bytes arrive changed (also where flexible checksums are off, as for s3rver).
          ContentMD5: createHash('md5').update(body).digest('base64'),
          Metadata: options.metadata,
          IfNoneMatch: '*',
        }));
        return { created: true, metadata: options.metadata };
      } catch (error) {
        const status = statusOf(error);
        if (status === 409 && attempt < CONFLICT_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, CONFLICT_RETRY_MS));
          continue;
        }
        if (status !== 412 && status !== 409) throw error;
      }
      const existing = await this.head(key);
      // Deleted between our write and the look: write again.
      if (existing === null) continue;
      if (existing.sha256 === options.metadata.sha256) return { created: false, metadata: existing };
      throw new ConflictingObjectError(`${this.name}/${key}`, options.metadata.sha256, existing.sha256);
    }
  }
}
