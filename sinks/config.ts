/**
 * Sink options, their environment variables, limits and validation. Loads no AWS SDK: select.ts
 * and the sink factories both use it, so `auditLog()` can fail synchronously with a clear
 * ConfigurationError before any sink module is loaded.
 */
import { ConfigurationError, MissingPeerDependencyError, type AuditEvent, type SinkLimits } from '../core/index.js';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { FirehoseClient } from '@aws-sdk/client-firehose';

const MiB = 1024 * 1024;

export const ENV = {
  sink: 'AUDIT_LOG_SINK',
  kinesisStream: 'AUDIT_LOG_KINESIS_STREAM',
  firehoseStream: 'AUDIT_LOG_FIREHOSE_STREAM',
  fileDir: 'AUDIT_LOG_FILE_DIR',
} as const;

/** Kinesis PutRecords: ≤ 500 records, ≤ 5 MiB per call and ≤ 1 MiB per record, partition keys included. */
export const KINESIS_MAX_PARTITION_KEY = 256;
export const KINESIS_LIMITS: SinkLimits = {
  maxBatchRecords: 500,
  maxBatchBytes: 5 * MiB,
  maxRecordBytes: MiB,
  // The partition key (≤ 256 ASCII characters: see partitionKeyOf) is counted with each record.
  perRecordOverheadBytes: KINESIS_MAX_PARTITION_KEY,
};

/**
 * With KPL aggregation one Kinesis record carries many events (≤ 1 MiB with its framing), so a
 * call takes many more events. Bytes stay below 5 MiB less one record's worth of framing, so the
 * aggregated records (each filled up to ~1 MiB) nearly always fit one PutRecords call; the sink
 * splits the rare batch that does not.
 */
export const KINESIS_AGGREGATED_LIMITS: SinkLimits = {
  maxBatchRecords: 10_000,
  maxBatchBytes: 4 * MiB,
  // Magic + MD5 (20 bytes), the outer partition key and the sub-record's key-table entry.
  maxRecordBytes: MiB - 1024,
  // Protobuf framing of one sub-record (field tags, key index, length varints).
  perRecordOverheadBytes: 16,
};

/** Firehose PutRecordBatch: ≤ 500 records, ≤ 4 MiB per call, ≤ 1,000 KiB per record (the newline included). */
export const FIREHOSE_LIMITS: SinkLimits = {
  maxBatchRecords: 500,
  maxBatchBytes: 4 * MiB,
  maxRecordBytes: 1000 * 1024,
  perRecordOverheadBytes: 1,
};

/** No service limits; the defaults keep one write call and one line reasonable. */
export const FILE_LIMITS: SinkLimits = {
  maxBatchRecords: 1000,
  maxBatchBytes: 8 * MiB,
  maxRecordBytes: MiB,
  perRecordOverheadBytes: 1,
};
export const STDOUT_LIMITS: SinkLimits = FILE_LIMITS;

export interface KinesisSinkOptions {
  /** Stream to write to. Default: AUDIT_LOG_KINESIS_STREAM. */
  streamName?: string;
  /** A client of yours (region, credentials, endpoint, request handler). Default `new KinesisClient({})`, which reads the AWS SDK's own environment. */
  client?: KinesisClient;
  /** Partition key of an event. Default: its account id; a random key for events without one. Keys over 256 characters (or non-ASCII) are replaced by their MD5. */
  partitionKey?: (event: AuditEvent) => string;
  /** Pack many events into each Kinesis record, KPL-compatible (needs `aws-kinesis-agg`). Default false. */
  aggregate?: boolean;
}

export interface FirehoseSinkOptions {
  /** Delivery stream to write to. Default: AUDIT_LOG_FIREHOSE_STREAM. */
  deliveryStreamName?: string;
  /** A client of yours. Default `new FirehoseClient({})`, which reads the AWS SDK's own environment. */
  client?: FirehoseClient;
}

export interface FileSinkOptions {
  /** Folder the `account_id=<id>/dt=<YYYY-MM-DD>/` tree is written under. Default: AUDIT_LOG_FILE_DIR. */
  dir?: string;
  /** A file is closed and the next one started once it reaches this size. Default 64 MiB. */
  maxFileBytes?: number;
}

export interface StdoutSinkOptions {
  /** Where the lines go. Default process.stdout. */
  stream?: NodeJS.WritableStream;
}

function objectOption<T>(value: T | undefined, name: string): T | Record<string, never> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw new ConfigurationError(`option "${name}" must be an object`, name);
  return value;
}

function streamName(value: unknown, fromEnv: string | undefined, option: string, envVar: string, sink: string): string {
  const name = value ?? fromEnv;
  if (name === undefined || name === '') {
    throw new ConfigurationError(`the ${sink} sink needs a stream name: set option "${option}" or the environment variable ${envVar}`, option, envVar);
  }
  if (typeof name !== 'string') throw new ConfigurationError(`option "${option}" must be a string, got ${typeof name}`, option, envVar);
  return name;
}

function clientOption(client: unknown, option: string): void {
  if (client !== undefined && (client === null || typeof (client as { send?: unknown }).send !== 'function')) {
    throw new ConfigurationError(`option "${option}" must be an AWS SDK v3 client (an object with send())`, option);
  }
}

export type ResolvedKinesisOptions = Required<Pick<KinesisSinkOptions, 'streamName' | 'aggregate'>> & Pick<KinesisSinkOptions, 'client' | 'partitionKey'>;

export function resolveKinesisOptions(options: KinesisSinkOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedKinesisOptions {
  const o: KinesisSinkOptions = objectOption(options, 'kinesis');
  const name = streamName(o.streamName, env[ENV.kinesisStream], 'kinesis.streamName', ENV.kinesisStream, 'kinesis');
  clientOption(o.client, 'kinesis.client');
  if (o.partitionKey !== undefined && typeof o.partitionKey !== 'function') {
    throw new ConfigurationError('option "kinesis.partitionKey" must be a function (event) => string', 'kinesis.partitionKey');
  }
  const aggregate = o.aggregate ?? false;
  if (typeof aggregate !== 'boolean') throw new ConfigurationError('option "kinesis.aggregate" must be a boolean', 'kinesis.aggregate');
  return { streamName: name, aggregate, client: o.client, partitionKey: o.partitionKey };
}

export type ResolvedFirehoseOptions = Required<Pick<FirehoseSinkOptions, 'deliveryStreamName'>> & Pick<FirehoseSinkOptions, 'client'>;

export function resolveFirehoseOptions(options: FirehoseSinkOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedFirehoseOptions {
  const o: FirehoseSinkOptions = objectOption(options, 'firehose');
  const name = streamName(o.deliveryStreamName, env[ENV.firehoseStream], 'firehose.deliveryStreamName', ENV.firehoseStream, 'firehose');
  clientOption(o.client, 'firehose.client');
  return { deliveryStreamName: name, client: o.client };
}

export type ResolvedFileOptions = Required<FileSinkOptions>;

export function resolveFileOptions(options: FileSinkOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedFileOptions {
  const o: FileSinkOptions = objectOption(options, 'file');
  const dir = o.dir ?? env[ENV.fileDir];
  if (dir === undefined || dir === '') {
    throw new ConfigurationError(`the file sink needs a folder: set option "file.dir" or the environment variable ${ENV.fileDir}`, 'file.dir', ENV.fileDir);
  }
  if (typeof dir !== 'string') throw new ConfigurationError('option "file.dir" must be a string', 'file.dir', ENV.fileDir);
  const maxFileBytes = o.maxFileBytes ?? 64 * MiB;
  if (!Number.isInteger(maxFileBytes) || maxFileBytes < 1024) {
    throw new ConfigurationError(`option "file.maxFileBytes" must be an integer ≥ 1024, got ${JSON.stringify(maxFileBytes)}`, 'file.maxFileBytes');
  }
  return { dir, maxFileBytes };
}

/** Resolves `specifier` from this package, synchronously; false when it is not installed. */
export type PeerResolver = (specifier: string) => boolean;

export const resolvePeer: PeerResolver = (specifier) => {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  if (typeof resolve !== 'function') return true; // cannot tell before loading: the load reports it
  try {
    resolve(specifier);
    return true;
  } catch {
    return false;
  }
};

/** Throws MissingPeerDependencyError when an optional peer the chosen sink needs is not installed. */
export function requirePeer(specifier: string, neededFor: string, resolver: PeerResolver = resolvePeer): void {
  if (!resolver(specifier)) throw new MissingPeerDependencyError(specifier, neededFor);
}
