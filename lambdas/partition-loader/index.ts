/**
 * `http-audit-log/lambdas/partition-loader`: on S3 object-created notifications for the data
 * prefix, registers each new `account_id=…/dt=…/` folder as an Athena partition with one
 * `ALTER TABLE … ADD IF NOT EXISTS PARTITION … PARTITION …` statement per invocation.
 *
 * Partitions are cached per container only after their statement SUCCEEDED, so a cache hit
 * means "added"; a failed, cancelled or timed-out query throws and Lambda retries the event.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import type { Context, S3Event } from 'aws-lambda';
import {
  optionalEnv, requireEnv, validateDataPrefix, validateS3Url, validateSqlIdentifier, validateWorkgroupName,
} from '../configuration.js';
import { addPartitionsStatements, MAX_QUERY_BYTES } from './add-partitions-sql.js';
import { KnownPartitionsCache } from './known-partitions-cache.js';
import { DEFAULT_QUERY_TIMING, runAthenaQuery, type AthenaQueryTiming } from './run-athena-query.js';
import { partitionsFromS3Event } from './s3-event-partitions.js';

/** The environment variables the deployed handler reads. The template test compares against these. */
export const PARTITION_LOADER_ENV = {
  database: 'ATHENA_DATABASE',
  table: 'ATHENA_TABLE',
  workgroup: 'ATHENA_WORKGROUP',
  outputLocation: 'ATHENA_OUTPUT_LOCATION',
  prefix: 'AUDIT_LOG_PREFIX',
} as const;

export const DEFAULT_PREFIX = 'audit/';

export interface PartitionLoaderOptions {
  athena: AthenaClient;
  database: string;
  table: string;
  /** Athena workgroup; its result location is used when outputLocation is not given. */
  workgroup?: string;
  /** s3:// URL for query results. Must not be under the data prefix. */
  outputLocation?: string;
  /** The data prefix the kinesis-to-s3 Lambda (or Firehose) writes under, ending with "/". */
  prefix: string;
  /** Partitions remembered per container (default 100,000). */
  cacheSize?: number;
  timing?: Partial<AthenaQueryTiming>;
  /** Split statements longer than this (default: Athena's 262,144-byte limit). */
  maxQueryBytes?: number;
}

export type PartitionLoaderHandler = (event: S3Event, context?: Context) => Promise<void>;

export function createHandler(options: PartitionLoaderOptions): PartitionLoaderHandler {
  const env = PARTITION_LOADER_ENV;
  const database = validateSqlIdentifier(options.database, { option: 'database', envVar: env.database });
  const table = validateSqlIdentifier(options.table, { option: 'table', envVar: env.table });
  const prefix = validateDataPrefix(options.prefix, { option: 'prefix', envVar: env.prefix });
  const workgroup = options.workgroup === undefined ? undefined : validateWorkgroupName(options.workgroup, { option: 'workgroup', envVar: env.workgroup });
  const outputLocation = options.outputLocation === undefined
    ? undefined
    : validateS3Url(options.outputLocation, { option: 'outputLocation', envVar: env.outputLocation });
  const timing: AthenaQueryTiming = { ...DEFAULT_QUERY_TIMING, ...options.timing };
  const maxQueryBytes = options.maxQueryBytes ?? MAX_QUERY_BYTES;
  const knownPartitions = new KnownPartitionsCache(options.cacheSize);
  const { athena } = options;

  return async function partitionLoader(event, context) {
    const started = performance.now();
    const announced = partitionsFromS3Event(event, prefix);
    const fresh = announced.partitions.filter((p) => !knownPartitions.has(p.location));
    const statements = addPartitionsStatements(database, table, fresh, maxQueryBytes);
    const queryExecutionIds: string[] = [];
    let added = 0;
    let error: string | undefined;
    try {
      for (const statement of statements) {
        queryExecutionIds.push(await runAthenaQuery(athena, { sql: statement.sql, database, workgroup, outputLocation }, timing));
        for (const partition of statement.partitions) knownPartitions.add(partition.location);
        added += statement.partitions.length;
      }
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      throw caught;
    } finally {
      console.log(JSON.stringify({
        lambda: 'partition-loader',
        awsRequestId: context?.awsRequestId,
        records: announced.records,
        ignored: announced.ignored,
        partitions: announced.partitions.length,
        cacheHits: announced.partitions.length - fresh.length,
        added,
        statements: statements.length,
        queryExecutionIds,
        error,
        durationMs: Math.round(performance.now() - started),
      }));
    }
  };
}

/** Reads the handler's configuration from the environment; throws LambdaConfigurationError naming the variable. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): Omit<PartitionLoaderOptions, 'athena'> {
  const names = PARTITION_LOADER_ENV;
  return {
    database: requireEnv(env, { option: 'database', envVar: names.database }),
    table: requireEnv(env, { option: 'table', envVar: names.table }),
    workgroup: optionalEnv(env, names.workgroup),
    outputLocation: optionalEnv(env, names.outputLocation),
    prefix: optionalEnv(env, names.prefix) ?? DEFAULT_PREFIX,
  };
}

let configuredHandler: PartitionLoaderHandler | undefined;

/**
 * The deployed entry point, built on the first invocation so that importing the module never
 * needs the environment; a missing or invalid variable fails the cold start naming it.
 */
export const handler: PartitionLoaderHandler = async (event, context) => {
  configuredHandler ??= createHandler({ athena: new AthenaClient({}), ...optionsFromEnvironment(process.env) });
  return configuredHandler(event, context);
};
