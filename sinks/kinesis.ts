/**
 * Kinesis Data Streams sink: PutRecords of ≤ 500 records and ≤ 5 MiB, partition key = the
 * event's account id (random when there is none). Failed entries (FailedRecordCount, per-entry
 * ErrorCode) are reported back so the dispatcher resends only those, with backoff and jitter.
 *
 * With `aggregate: true`, events are packed KPL-style (aws-kinesis-agg) into Kinesis records of
 * ≤ 1 MiB: one shard then carries far more events per second (1,000 records/s per shard).
 *
 *   import { kinesisSink } from 'http-audit-log/sinks/kinesis';
 *   auditLog({ sink: kinesisSink({ streamName: 'audit', aggregate: true }) });
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { encodeAccountId, type AuditEvent, type Sink, type SinkRecord, type SinkWriteContext } from '../core/index.js';
import { KINESIS_AGGREGATED_LIMITS, KINESIS_LIMITS, KINESIS_MAX_PARTITION_KEY, requirePeer, resolveKinesisOptions, type KinesisSinkOptions } from './config.js';
import { cutIntoCalls, outcomesOf, sendCalls, type WireEntry } from './aws-batch.js';

export type { KinesisSinkOptions } from './config.js';

const MiB = 1024 * 1024;
/** An aggregated record's protobuf payload; with magic (4), MD5 (16) and the outer key (≤ 256) it stays ≤ 1 MiB. */
const AGGREGATE_PAYLOAD_BYTES = MiB - 20 - KINESIS_MAX_PARTITION_KEY - 64;

/** The slice of aws-kinesis-agg's RecordAggregator this sink uses (its bundled types need aws-sdk v2). */
interface UserRecord {
  partitionKey: string;
  data: Buffer;
}
interface RecordAggregator {
  calculateUserRecordSize(record: UserRecord): number;
  addUserRecord(record: UserRecord): void;
  build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string } | undefined;
}
type AggregatorConstructor = new () => RecordAggregator;

interface KinesisEntry extends WireEntry {
  readonly request: PutRecordsRequestEntry;
}

/** A valid Kinesis partition key: ≤ 256 printable ASCII characters, else the MD5 (hex) of the text. */
export function safePartitionKey(key: string): string {
  if (key.length > 0 && key.length <= KINESIS_MAX_PARTITION_KEY && /^[\x20-\x7e]+$/.test(key)) return key;
  return createHash('md5').update(key).digest('hex');
}

/** The default partition key: the (partition-encoded) account id, or a random key without one. */
export function defaultPartitionKey(event: AuditEvent): string {
  if (event.account_id === null || event.account_id === '') return randomUUID();
  return encodeAccountId(event.account_id);
}

export interface KinesisSink extends Sink {
  readonly streamName: string;
  readonly aggregate: boolean;
}

export function kinesisSink(options: KinesisSinkOptions = {}): KinesisSink {
  const o = resolveKinesisOptions(options);
  let Aggregator: AggregatorConstructor | null = null;
  if (o.aggregate) {
    requirePeer('aws-kinesis-agg', 'kinesis.aggregate');
    Aggregator = (createRequire(import.meta.url)('aws-kinesis-agg') as { RecordAggregator: AggregatorConstructor }).RecordAggregator;
  }
  const ownClient = o.client === undefined;
  const client = o.client ?? new KinesisClient({});
  const keyOf = o.partitionKey ?? defaultPartitionKey;
  const partitionKey = (event: AuditEvent): string => {
    const key = keyOf(event);
    return safePartitionKey(typeof key === 'string' ? key : String(key));
  };

  function plainEntries(records: readonly SinkRecord[]): KinesisEntry[] {
    return records.map((r, i) => {
      const key = partitionKey(r.event);
      return { request: { Data: Buffer.from(r.json, 'utf8'), PartitionKey: key }, bytes: r.bytes + key.length, members: [i] };
    });
  }

  /** Packs records, in order, into aggregated records of ≤ 1 MiB each. */
  function aggregatedEntries(records: readonly SinkRecord[]): KinesisEntry[] {
    const entries: KinesisEntry[] = [];
    const agg = new Aggregator!();
    let members: number[] = [];
    let size = 0;
    const close = () => {
      const built = agg.build();
      if (built === undefined) return;
      const request: PutRecordsRequestEntry = { Data: built.data, PartitionKey: built.partitionKey };
      if (built.ExplicitHashKey !== undefined) request.ExplicitHashKey = built.ExplicitHashKey;
      entries.push({ request, bytes: built.data.length + built.partitionKey.length, members });
      members = [];
      size = 0;
    };
    records.forEach((r, i) => {
      const user: UserRecord = { partitionKey: partitionKey(r.event), data: Buffer.from(r.json, 'utf8') };
      const recordSize = agg.calculateUserRecordSize(user);
      if (members.length > 0 && size + recordSize > AGGREGATE_PAYLOAD_BYTES) close();
      agg.addUserRecord(user);
      size += recordSize;
      members.push(i);
    });
    close();
    return entries;
  }

  return {
    name: 'kinesis',
    streamName: o.streamName,
    aggregate: o.aggregate,
    limits: o.aggregate ? KINESIS_AGGREGATED_LIMITS : KINESIS_LIMITS,
    write(records: readonly SinkRecord[], context?: SinkWriteContext) {
      const entries = o.aggregate ? aggregatedEntries(records) : plainEntries(records);
      const calls = cutIntoCalls(entries, KINESIS_LIMITS.maxBatchRecords, KINESIS_LIMITS.maxBatchBytes);
      return sendCalls(calls, async (call) => {
        const out = await client.send(
          new PutRecordsCommand({ StreamName: o.streamName, Records: call.map((e) => e.request) }),
          { abortSignal: context?.signal },
        );
        return outcomesOf(call.length, out.FailedRecordCount, out.Records);
      });
    },
    close() {
      if (ownClient) client.destroy();
    },
  };
}
