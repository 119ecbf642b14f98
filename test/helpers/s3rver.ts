/**
 * Starts s3rver in-process on 127.0.0.1, port 0, in a fresh temp directory, with the given
 * buckets, and returns an S3 client pointed at it. s3rver ships no types; the little of its
 * API used here is typed below. It emits an S3-shaped `{ Records: [...] }` on the server object
 * for each object created, which tests collect to drive the partition loader.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3ClientFor } from './s3-client.js';
import type { S3Event } from 'aws-lambda';
import { fixS3rverDelimitedListing } from '../../cli/demo/s3rver-listing.js';

interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Event) => void): void;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

export { s3ClientFor };

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
// s3rver misses folders below the first with a delimiter; the compactor lists folders that way.
fixS3rverDelimitedListing();

export interface RunningS3rver {
  client: S3Client;
  endpoint: string;
  port: number;
  dir: string;
  /** Every object-created/removed notification s3rver emitted so far, in order. */
  events: S3Event[];
  stop(): Promise<void>;
}

export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
  const events: S3Event[] = [];
  server.on('event', (event) => events.push(event));
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3ClientFor(endpoint);
  return {
    client,
    endpoint,
    port,
    dir,
    events,
    async stop() {
      client.destroy();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** All keys under `prefix`, sorted. Single page: tests keep buckets under 1,000 objects (s3rver's paging needs a legacy OpenSSL flag). */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  if (page.IsTruncated) throw new Error('listKeys: more than one page; keep test buckets small');
  return (page.Contents ?? []).map((o) => o.Key as string).sort();
}

export async function readObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

/** Gunzips an object and parses each NDJSON line. Throws on a non-gzip body or a non-JSON line. */
export async function readGzippedJsonLines(client: S3Client, bucket: string, key: string): Promise<unknown[]> {
  const text = gunzipSync(await readObjectBytes(client, bucket, key)).toString('utf8');
  if (!text.endsWith('\n')) throw new Error(`${key}: NDJSON must end with a newline`);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}
