/**
 * kinesalite (Kinesis Data Streams in memory) started in-process on 127.0.0.1:0, with a client
 * that speaks HTTP/1.1 (kinesalite cannot do HTTP/2), stream creation and a full read-back of
 * every shard (GetShardIterator TRIM_HORIZON + GetRecords until caught up).
 */
import { createRequire } from 'node:module';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
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
          // Only an empty page means the end: kinesalite can say MillisBehindLatest 0 with more to read (10,000 records a page).
          if ((page.Records ?? []).length === 0) break;
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

export interface KinesisProxy {
  endpoint: string;
  /** Share of PutRecords entries to fail with ProvisionedThroughputExceededException (0..1). */
  failRate: number;
  /** While true, every connection is destroyed before anything is forwarded (an outage). */
  down: boolean;
  /** Entries failed so far, PutRecords calls seen, connections destroyed. */
  readonly counts: { failedEntries: number; putRecordsCalls: number; destroyed: number };
  close(): Promise<void>;
}

/**
 * A proxy in front of kinesalite that simulates throttling and outages. Throttled entries are
 * really NOT forwarded: the request goes on with only the surviving entries and the response is
 * spliced back into request order, with `FailedRecordCount` and per-entry `ErrorCode` set.
 */
export async function startKinesisProxy(target: string, options: { failRate?: number; seed?: number } = {}): Promise<KinesisProxy> {
  let x = options.seed ?? 42;
  const random = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const counts = { failedEntries: 0, putRecordsCalls: 0, destroyed: 0 };
  const state = { failRate: options.failRate ?? 0, down: false };
  const targetUrl = new URL(target);

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: targetUrl.host, 'content-length': String(body.length) };
      const out = http.request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const server = http.createServer((req, res) => {
    if (state.down) {
      counts.destroyed++;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        let body = Buffer.concat(chunks);
        const isPut = String(req.headers['x-amz-target'] ?? '').endsWith('.PutRecords');
        let failed: boolean[] | null = null;
        if (isPut) {
          counts.putRecordsCalls++;
          if (state.failRate > 0) {
            const input = JSON.parse(body.toString('utf8')) as { Records: unknown[] };
            failed = input.Records.map(() => random() < state.failRate);
            const surviving = input.Records.filter((_, i) => !failed![i]);
            body = Buffer.from(JSON.stringify({ ...input, Records: surviving }));
            if (surviving.length === 0) {
              counts.failedEntries += failed.length;
              const all = failed.map(() => ({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard (proxy)' }));
              res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
              res.end(JSON.stringify({ FailedRecordCount: all.length, Records: all }));
              return;
            }
          }
        }
        const answer = await forward(req, body);
        let out = answer.body;
        if (failed !== null && answer.status === 200) {
          const got = JSON.parse(out.toString('utf8')) as { FailedRecordCount: number; Records: object[]; EncryptionType?: string };
          let k = 0;
          let failedCount = got.FailedRecordCount;
          const records = failed.map((f) => {
            if (!f) return got.Records[k++]!;
            failedCount++;
            counts.failedEntries++;
            return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard (proxy)' };
          });
          out = Buffer.from(JSON.stringify({ ...got, FailedRecordCount: failedCount, Records: records }));
        }
        const headers = { ...answer.headers, 'content-length': String(out.length) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.status, headers);
        res.end(out);
      } catch {
        req.socket.destroy();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get failRate() { return state.failRate; },
    set failRate(v: number) { state.failRate = v; },
    get down() { return state.down; },
    set down(v: boolean) { state.down = v; },
    counts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
