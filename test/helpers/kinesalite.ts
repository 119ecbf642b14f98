/**
 * kinesalite (Kinesis Data Streams in memory) started in-process on 127.0.0.1:0, with a client
 * that speaks HTTP/1.1 (kinesalite cannot do HTTP/2), stream creation and a full read-back of
 * every shard (GetShardIterator TRIM_HORIZON + GetRecords until caught up).
 */
import { createRequire } from 'node:module';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import {
  CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => http.Server;

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** A Kinesis client for `endpoint`: HTTP/1.1, no SDK-level retries (the dispatcher retries). */
export function kinesisClientFor(endpoint: string, maxAttempts = 1): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
    maxAttempts,
  });
}

export interface Kinesalite {
  endpoint: string;
  port: number;
  client: KinesisClient;
  createStream(name: string, shards?: number): Promise<void>;
  /** Every record of every shard, oldest first per shard. */
  readAll(streamName: string): Promise<_Record[]>;
  stop(): Promise<void>;
}

export async function startKinesalite(): Promise<Kinesalite> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = kinesisClientFor(endpoint, 3);

  async function describe(name: string) {
    return (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
  }

  return {
    endpoint,
    port,
    client,
    async createStream(name, shards = 1) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (let i = 0; i < 100; i++) {
        if ((await describe(name)).StreamStatus === 'ACTIVE') return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`stream ${name} did not become ACTIVE`);
    },
    async readAll(name) {
      const out: _Record[] = [];
      for (const shard of (await describe(name)).Shards ?? []) {
        let iterator = (await client.send(new GetShardIteratorCommand({
          StreamName: name, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON',
        }))).ShardIterator;
        while (iterator) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          out.push(...(page.Records ?? []));
          if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
