/**
 * The back half of the pipeline for the drills: the stream is read by the demo's poller
 * (cli/demo/kinesis-poller.ts: GetRecords → Lambda's event shape, partial batch responses
 * honoured by re-reading from the lowest failed sequence number) and handed to the real
 * kinesis-to-s3 handler writing to s3rver; then every stored object is read back and gunzipped.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { startKinesisPoller, type PollerStats } from '../../cli/demo/kinesis-poller.js';
import { createHandler, type KinesisToS3Handler } from '../../lambdas/kinesis-to-s3/index.js';
import type { AuditEvent } from '../../core/schema.js';
import { auditLog, type DeliveryStats } from '../../index.js';
import type { Kinesalite } from '../helpers/kinesalite.js';
import { listKeys, readGzippedJsonLines, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';
import type { Running } from '../helpers/servers.js';
import { collectIds, drive, identifyByHeader, kinesaliteAndUpstream, underLoad } from '../sinks/_support.js';

export const BUCKET = 'drill-bucket';

export interface Invocation {
  event: KinesisStreamEvent;
  response: KinesisStreamBatchResponse;
}

/** Runs `fn` with console.log captured (each handler invocation logs one JSON line). */
export async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; logs: string[] }> {
  const logs: string[] = [];
  const original = console.log;
  console.log = (line: string) => logs.push(line);
  try {
    return { value: await fn(), logs };
  } finally {
    console.log = original;
  }
}

/**
 * Polls `streamName` until caught up, invoking kinesis-to-s3 (writing with `s3`) for each batch.
 * `wrap` may decorate the handler (e.g. to start an outage mid-batch).
 */
export async function runLambda(options: {
  kinesis: KinesisClient; streamName: string; s3: S3Client; prefix: string; batchSize?: number;
  wrap?: (handler: KinesisToS3Handler) => KinesisToS3Handler;
}): Promise<{ stats: PollerStats; invocations: Invocation[] }> {
  const base = createHandler({ s3: options.s3, bucket: BUCKET, prefix: options.prefix });
  const handler = options.wrap ? options.wrap(base) : base;
  const invocations: Invocation[] = [];
  const { value: stats } = await quietly(async () => {
    const poller = await startKinesisPoller({
      client: options.kinesis, streamName: options.streamName, intervalMs: 10, batchSize: options.batchSize ?? 250,
      handler: async (event) => {
        const response = await handler(event);
        invocations.push({ event, response });
        return response;
      },
    });
    return poller.drain();
  });
  return { stats, invocations };
}

/** Every NDJSON line stored under `prefix`, in key order. */
export async function storedLines(s3: S3Client, prefix: string): Promise<unknown[]> {
  const keys = await listKeys(s3, BUCKET, prefix);
  return (await Promise.all(keys.map((k) => readGzippedJsonLines(s3, BUCKET, k)))).flat();
}

export async function storedIds(s3: S3Client, prefix: string): Promise<string[]> {
  return (await storedLines(s3, prefix)).map((e) => (e as AuditEvent).id);
}

/**
 * The front half: a real Express app whose audit log writes straight to a new kinesalite stream;
 * `load` drives it (default: `count` inbound requests over 6 accounts). Returns the ids emitted.
 */
export async function appToStream(kinesis: Kinesalite, upstreamUrl: string, streamName: string, options: {
  count?: number; shards?: number; load?: (appUrl: string) => Promise<void>;
}): Promise<{ ids: string[]; stats: DeliveryStats }> {
  await kinesis.createStream(streamName, options.shards ?? 1);
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName, client: kinesis.client },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false, delivery: { lingerMs: 20 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, upstreamUrl, options.load ?? ((url) => drive(url, options.count ?? 300, 20, 6)));
  return { ids, stats: audit.stats() };
}

/** Every object under `prefix` with its bytes, by key. */
export async function snapshot(s3: S3Client, prefix: string): Promise<Map<string, Buffer>> {
  const keys = await listKeys(s3, BUCKET, prefix);
  return new Map(await Promise.all(keys.map(async (k) => [k, await readObjectBytes(s3, BUCKET, k)] as const)));
}

/** kinesalite, an upstream and s3rver (with BUCKET), started before the file's tests and stopped after. */
export function pipelineEnv(test: Parameters<typeof kinesaliteAndUpstream>[0]): { kinesis: Kinesalite; upstream: Running; s3: RunningS3rver } {
  const env = kinesaliteAndUpstream(test) as { kinesis: Kinesalite; upstream: Running; s3: RunningS3rver };
  test.before(async () => {
    env.s3 = await startS3rver([BUCKET]);
  });
  test.after.always(async () => {
    await env.s3?.stop();
  });
  return env;
}
