/**
 * `http-audit-log/lambdas/kinesis-to-s3`: stores the audit events of a Kinesis stream in S3 as
 * `s3://<bucket>/<prefix>account_id=<id>/dt=<YYYY-MM-DD>/<name>.json.gz` (gzip NDJSON, one
 * schema-v1 event per line), one object per (shard, account, date) per invocation.
 *
 * Delivery is at least once. Re-running the same batch rewrites the same objects (names come from
 * the records they hold), but after a partial failure Lambda resumes from the lowest failed
 * sequence number with a batch that starts elsewhere, so events that were already stored can be
 * stored again under another name. Readers de-duplicate on the event `id`.
 *
 * Every object is written create-only with a manifest (../integrity/manifest-writer.ts): the
 * re-run of a batch finds its objects already there with the same SHA-256 and counts them as
 * written; an object that exists with other content is never replaced, and fails the batch.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { errorPrefixFor, optionalEnv, requireEnv, validateBucketName, validateDataPrefix } from '../configuration.js';
import { INTEGRITY_WRITER_ENV } from '../integrity/environment.js';
import { createManifestWriter, writeWithManifest, type IntegrityWriterOptions } from '../integrity/manifest-writer.js';
import { summarizeIds } from '../integrity/object-manifest.js';
import { mapWithConcurrencyLimit } from '../map-with-concurrency-limit.js';
import { decodeKinesisRecords, holdsAggregates, loadDeaggregator, type MalformedRecord } from './decode-records.js';
import { gzipLines } from './gzip-lines.js';
import { MAX_OBJECT_NAME_BYTES, groupObjectKey, malformedObjectKey } from './object-keys.js';

/** The environment variables the deployed handler reads. The template test compares against these. */
export const KINESIS_TO_S3_ENV = {
  bucket: 'AUDIT_LOG_BUCKET',
  prefix: 'AUDIT_LOG_PREFIX',
  ...INTEGRITY_WRITER_ENV,
} as const;

export const DEFAULT_PREFIX = 'audit/';
/** S3 PUTs in flight at once: enough to hide latency, few enough that 8 gzip buffers fit in 128 MB. */
export const DEFAULT_WRITE_CONCURRENCY = 8;

export interface KinesisToS3Options extends IntegrityWriterOptions {
  s3: S3Client;
  bucket: string;
  /** Data prefix, ending with "/"; default `audit/`. Malformed records go to its `-errors/` sibling. */
  prefix?: string;
  writeConcurrency?: number;
}

export type KinesisToS3Handler = (event: KinesisStreamEvent, context?: Context) => Promise<KinesisStreamBatchResponse>;

/** One object to write and the sequence numbers to report if it fails. */
interface PlannedWrite {
  key: string;
  lines: string[];
  /** Event ids in line order, for the manifest; null for malformed records (no manifest: not events). */
  ids: string[] | null;
  account: string;
  sequenceNumbers: Iterable<string>;
}

function malformedWrites(errorPrefix: string, malformed: readonly MalformedRecord[]): PlannedWrite[] {
  const byShard = new Map<string, MalformedRecord[]>();
  for (const record of malformed) {
    const list = byShard.get(record.shardId) ?? [];
    list.push(record);
    byShard.set(record.shardId, list);
  }
  return [...byShard.values()].map((records) => ({
    key: malformedObjectKey(errorPrefix, records),
    lines: records.map((r) => JSON.stringify(r)),
    ids: null,
    account: '',
    sequenceNumbers: records.map((r) => r.sequenceNumber),
  }));
}

function ascendingSequenceNumbers(sequenceNumbers: Iterable<string>): string[] {
  return [...new Set(sequenceNumbers)].sort((a, b) => {
    const d = BigInt(a) - BigInt(b);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
}

export function createHandler(options: KinesisToS3Options): KinesisToS3Handler {
  const bucket = validateBucketName(options.bucket, { option: 'bucket', envVar: KINESIS_TO_S3_ENV.bucket });
  const prefix = validateDataPrefix(options.prefix ?? DEFAULT_PREFIX, { option: 'prefix', envVar: KINESIS_TO_S3_ENV.prefix });
  const errorPrefix = errorPrefixFor(prefix);
  const concurrency = options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
  const { s3 } = options;
  const writer = createManifestWriter(s3, bucket, options);
  const { data } = writer;

  return async function kinesisToS3(event, context) {
    const started = performance.now();
    const records = event.Records ?? [];
    const deaggregator = holdsAggregates(records) ? await loadDeaggregator() : undefined;
    const batch = decodeKinesisRecords(records, { prefix, objectNameBytes: MAX_OBJECT_NAME_BYTES, deaggregator });
    const writes: PlannedWrite[] = [
      ...batch.groups.map((group) => ({ key: groupObjectKey(prefix, group), lines: group.lines, ids: group.ids, account: group.partition.account_id, sequenceNumbers: group.sequenceNumbers })),
      ...malformedWrites(errorPrefix, batch.malformed),
    ];
    const groupCount = batch.groups.length;
    batch.groups.length = 0;

    const outcomes = await mapWithConcurrencyLimit(writes, concurrency, async (write) => {
      const { body, sha256 } = await gzipLines(write.lines);
      // Let the uncompressed lines go before the PUT: only the gzip stays in memory while it is in flight.
      const lines = write.lines.length;
      write.lines = [];
      const object = { contentType: 'application/x-ndjson', contentEncoding: 'gzip' };
      if (write.ids === null) {
        await data.putCreateOnly(write.key, body, { ...object, metadata: { sha256, lines: String(lines) } });
        return;
      }
      await writeWithManifest(writer, { key: write.key, account: write.account, body, ...object, summary: summarizeIds(write.ids, sha256) });
    });

    const failedSequenceNumbers: string[] = [];
    const errors: string[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      const write = writes[index] as PlannedWrite;
      failedSequenceNumbers.push(...write.sequenceNumbers);
      errors.push(`${write.key}: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
    });
    // Every record of a failed object is reported; Lambda resumes from the lowest of them.
    const batchItemFailures = ascendingSequenceNumbers(failedSequenceNumbers).map((itemIdentifier) => ({ itemIdentifier }));
    const failedObjects = errors.length;

    console.log(JSON.stringify({
      lambda: 'kinesis-to-s3',
      awsRequestId: context?.awsRequestId,
      records: records.length,
      events: batch.events,
      groups: groupCount,
      objectsWritten: writes.length - failedObjects,
      malformed: batch.malformed.length,
      failedObjects,
      failedRecords: batchItemFailures.length,
      errors: errors.slice(0, 5),
      durationMs: Math.round(performance.now() - started),
    }));
    return { batchItemFailures };
  };
}

/** Reads the handler's configuration from the environment; throws LambdaConfigurationError naming the variable. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): Omit<KinesisToS3Options, 's3'> {
  return {
    bucket: requireEnv(env, { option: 'bucket', envVar: KINESIS_TO_S3_ENV.bucket }),
    prefix: optionalEnv(env, KINESIS_TO_S3_ENV.prefix) ?? DEFAULT_PREFIX,
    integrityBucket: optionalEnv(env, KINESIS_TO_S3_ENV.integrityBucket),
    integrityPrefix: optionalEnv(env, KINESIS_TO_S3_ENV.integrityPrefix),
  };
}

let configuredHandler: KinesisToS3Handler | undefined;

/**
 * The deployed entry point. Built on the first invocation, so importing this module for
 * createHandler never needs the environment; a missing or invalid variable fails that first
 * invocation (the cold start) with an error naming it.
 */
export const handler: KinesisToS3Handler = async (event, context) => {
  configuredHandler ??= createHandler({ s3: new S3Client({}), ...optionsFromEnvironment(process.env) });
  return configuredHandler(event, context);
};
