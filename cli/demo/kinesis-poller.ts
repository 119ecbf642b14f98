/**
 * What Lambda's Kinesis event source mapping does, in miniature: read every shard of the stream
 * (GetShardIterator TRIM_HORIZON, then GetRecords), hand each non-empty batch to the handler in
 * Lambda's event shape, and honour its partial batch response by re-reading the shard from the
 * lowest failed sequence number (as Lambda does with ReportBatchItemFailures).
 *
 * It polls while the apps produce traffic, so the kinesis-to-s3 handler sees several small
 * batches instead of one big one, as it would in production.
 */
import {
  DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand,
  type KinesisClient, type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface PollerOptions {
  client: KinesisClient;
  streamName: string;
  handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;
  /** Pause between rounds over the shards when nothing new arrived. */
  intervalMs: number;
  /** Most records per GetRecords (Lambda's BatchSize). */
  batchSize: number;
}

export interface PollerStats {
  invocations: number;
  records: number;
  /** Records the handler reported as failed (re-read and handed over again). */
  retriedRecords: number;
}

export interface KinesisPoller {
  readonly stats: PollerStats;
  /** Keeps polling until a round over every shard that began after this call finds nothing, then stops. */
  drain(): Promise<PollerStats>;
  /** Stops at once (after the call in progress), without reading the rest; never throws. */
  stop(): Promise<void>;
}

/** The record as the Lambda runtime hands it to a Kinesis-triggered function. */
export function lambdaRecord(streamArn: string, shardId: string, record: KinesisRecord): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber as string;
  const arrival = record.ApproximateArrivalTimestamp ?? new Date();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey as string,
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrival.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/http-audit-log-demo`,
    awsRegion: REGION,
    eventSourceARN: streamArn,
  };
}

function lowestSequenceNumber(response: KinesisStreamBatchResponse): string | null {
  const ids = response.batchItemFailures.map((f) => BigInt(f.itemIdentifier));
  if (ids.length === 0) return null;
  return ids.reduce((a, b) => (b < a ? b : a)).toString();
}

export async function startKinesisPoller(options: PollerOptions): Promise<KinesisPoller> {
  const { client, streamName, handler } = options;
  const description = (await client.send(new DescribeStreamCommand({ StreamName: streamName }))).StreamDescription;
  const streamArn = description?.StreamARN ?? `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${streamName}`;
  const shardIds = (description?.Shards ?? []).map((s) => s.ShardId as string);
  const iterators = new Map<string, string | undefined>();
  for (const shardId of shardIds) {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({
      StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
    }));
    iterators.set(shardId, ShardIterator);
  }
  const stats: PollerStats = { invocations: 0, records: 0, retriedRecords: 0 };

  /**
   * One GetRecords on one shard, and one invocation if it returned records. Returns true when the
   * shard is caught up (nothing returned and not behind the tip).
   */
  async function pollShard(shardId: string): Promise<boolean> {
    const iterator = iterators.get(shardId);
    if (iterator === undefined) return true;
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.batchSize }));
    const records = page.Records ?? [];
    iterators.set(shardId, page.NextShardIterator);
    if (records.length === 0) return (page.MillisBehindLatest ?? 0) === 0;
    stats.invocations += 1;
    stats.records += records.length;
    const response = await handler({ Records: records.map((r) => lambdaRecord(streamArn, shardId, r)) });
    const retryFrom = lowestSequenceNumber(response);
    if (retryFrom !== null) {
      // Lambda resumes the shard at the lowest failed record: everything after it comes again.
      stats.retriedRecords += records.filter((r) => BigInt(r.SequenceNumber as string) >= BigInt(retryFrom)).length;
      const { ShardIterator } = await client.send(new GetShardIteratorCommand({
        StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: retryFrom,
      }));
      iterators.set(shardId, ShardIterator);
    }
    return false;
  }

  let stopping = false;
  let aborted = false;
  let failure: unknown = null;
  // The background loop: one round over every shard, then a pause unless the round found records.
  const loop = (async () => {
    while (!aborted) {
      // Only a round that began after drain() was called can prove that everything put before
      // the drain has been read.
      const drainingAtStart = stopping;
      let caughtUp: boolean;
      try {
        caughtUp = (await Promise.all(shardIds.map(pollShard))).every(Boolean);
      } catch (err) {
        failure = err;
        return;
      }
      if (caughtUp) {
        if (drainingAtStart) return;
        await new Promise((r) => setTimeout(r, options.intervalMs));
      }
    }
  })();

  return {
    stats,
    async drain() {
      stopping = true;
      await loop;
      if (failure !== null) throw failure;
      return stats;
    },
    async stop() {
      aborted = true;
      await loop;
    },
  };
}
