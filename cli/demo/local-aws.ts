/**
 * The local stand-ins for AWS, started in-process on 127.0.0.1 port 0 so nothing else on the
 * machine is needed or disturbed: kinesalite for Kinesis Data Streams (LevelDB in memory) and
 * s3rver for S3 (objects in a fresh temp directory, removed on stop).
 *
 * Neither package ships types; the little of their APIs used here is typed below.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Event } from 'aws-lambda';
import { addConditionalPutStandIn } from './conditional-put-stand-in.js';
import { fixS3rverDelimitedListing } from './s3rver-listing.js';

const require = createRequire(import.meta.url);

/** Any credentials do for kinesalite; s3rver checks for exactly these. */
const KINESALITE_CREDENTIALS = { accessKeyId: 'DEMO', secretAccessKey: 'DEMO' };
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export interface LocalKinesis {
  endpoint: string;
  client: KinesisClient;
  stop(): Promise<void>;
}

/** kinesalite with one ACTIVE stream of `shards` shards. */
export async function startLocalKinesis(streamName: string, shards: number): Promise<LocalKinesis> {
  const kinesalite = require('kinesalite') as (options: Record<string, number>) => http.Server;
  // Streams become ACTIVE at once instead of after kinesalite's default half second.
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KinesisClient({
    endpoint,
    region: REGION,
    credentials: KINESALITE_CREDENTIALS,
    // The SDK would speak HTTP/2 to Kinesis; kinesalite only understands HTTP/1.1.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
  });
  const stop = async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
    for (let i = 0; ; i++) {
      const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
      if (StreamDescription?.StreamStatus === 'ACTIVE') break;
      if (i === 100) throw new Error(`kinesalite: stream ${streamName} did not become ACTIVE`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, client, stop };
}

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Event) => void): void;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Called with each S3-shaped notification s3rver emits (one per object created or removed). */
  onObjectEvent(listener: (event: S3Event) => void): void;
  stop(): Promise<void>;
}

/** s3rver holding one bucket, in a temp directory that stop() removes. */
export async function startLocalS3(bucket: string): Promise<LocalS3> {
  const S3rver = require('s3rver') as S3rverConstructor;
  fixS3rverDelimitedListing();
  const directory = await mkdtemp(join(tmpdir(), 'http-audit-log-demo-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: REGION,
    credentials: S3RVER_CREDENTIALS,
    // s3rver serves buckets by path, not by virtual host.
    forcePathStyle: true,
    // s3rver cannot verify the SDK's default flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  addConditionalPutStandIn(client);
  return {
    endpoint,
    client,
    onObjectEvent: (listener) => server.on('event', listener),
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
