/**
 * Test factories: valid schema-v1 events, Kinesis Lambda records and S3 notification events.
 * Every field can be overridden; ids and times are unique/increasing so tests can tell events apart.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../core/schema.js';

let seq = 0;

export function auditEventFactory(overrides: Partial<AuditEvent> = {}): AuditEvent {
  seq += 1;
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 0, 31, 12, 0, 0) + seq).toISOString(),
    account_id: 'acme',
    user_id: 'user-1',
    request_id: `req-${seq}`,
    method: 'POST',
    url: 'https://api.example.com/orders?page=1',
    status: 201,
    duration_ms: 12.5,
    request_headers: { 'content-type': 'application/json' },
    request_body: '{"sku":"A-1","qty":2}',
    request_body_truncated: false,
    response_headers: { 'content-type': 'application/json' },
    response_body: '{"id":"o-1"}',
    response_body_truncated: false,
    error: null,
    client: 'fetch',
    schema_version: 1,
    ...overrides,
  };
}

export interface KinesisRecordOptions {
  data?: Buffer | string;
  sequenceNumber?: string;
  partitionKey?: string;
  shardId?: string;
  approximateArrivalTimestamp?: number;
}

let kinesisSeq = 49590338271490256608559692538361571095921575989136588898n;

/** One record in the shape Lambda hands a Kinesis-triggered function (`event.Records[i]`). */
export function kinesisRecordFactory(opts: KinesisRecordOptions = {}) {
  kinesisSeq += 1n;
  const data = opts.data ?? JSON.stringify(auditEventFactory());
  const shardId = opts.shardId ?? 'shardId-000000000000';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: opts.partitionKey ?? 'acme',
      sequenceNumber: opts.sequenceNumber ?? kinesisSeq.toString(),
      data: (Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')).toString('base64'),
      approximateArrivalTimestamp: opts.approximateArrivalTimestamp ?? Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${opts.sequenceNumber ?? kinesisSeq.toString()}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/audit-kinesis-to-s3',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/audit',
  };
}

/**
 * A Lambda-sized Kinesis batch: `count` records of events without bodies, so that 10,000 of them
 * fit the 6 MB invocation payload (≤ 600 base64 bytes each), spread over 50 accounts × 2 days
 * (100 objects for kinesis-to-s3 to write), all from one shard.
 */
export function kinesisBatchFactory(count: number) {
  return Array.from({ length: count }, (_, i) => kinesisRecordFactory({
    data: JSON.stringify(auditEventFactory({
      account_id: `tenant-${i % 50}`,
      time: `2026-03-0${1 + (Math.floor(i / 50) % 2)}T10:00:00.000Z`,
      request_body: null,
      request_headers: {},
      response_body: null,
    })),
    shardId: 'shardId-000000000001',
  }));
}

/** An S3 ObjectCreated notification with one record per key. Keys are URL-encoded as S3 does (`+` for space). */
export function s3EventFactory(keys: string[], bucket = 'audit-bucket') {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'audit-data',
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: 100, eTag: 'abc', sequencer: '00' },
      },
    })),
  };
}

/**
 * A KPL-aggregated Kinesis record (magic F3 89 9A C2 + protobuf + MD5) holding `payloads` as
 * sub-records, built with aws-kinesis-agg's own aggregate() so the bytes are what the KPL sends.
 */
export async function kplAggregatedRecordFactory(payloads: Array<Buffer | string>, opts: Omit<KinesisRecordOptions, 'data'> = {}) {
  const { aggregate } = await import('aws-kinesis-agg');
  const encoded = await new Promise<Buffer>((resolve, reject) => {
    const blobs: Buffer[] = [];
    aggregate(
      payloads.map((data) => ({ partitionKey: opts.partitionKey ?? 'acme', data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8') })),
      (record, done) => {
        blobs.push(record.data);
        done();
      },
      () => (blobs.length === 1 ? resolve(blobs[0] as Buffer) : reject(new Error(`expected one aggregate, got ${blobs.length}`))),
      (error) => reject(error),
    );
  });
  return kinesisRecordFactory({ ...opts, data: encoded });
}
