/**
 * `http-audit-log/lambdas/compactor`: compacts each closed account-day of the raw layout into one
 * deduplicated Parquet file under `<compactedPrefix>account_id=…/dt=…/`, with a manifest beside it
 * (docs/storage.md). Run daily by the template's schedule, or for one day by hand:
 *
 *   const compact = createHandler({ s3, bucket, prefix: 'audit/', compactedPrefix: 'audit-compacted/' });
 *   await compact({ account_id: 'acme', dt: '2026-11-24' });   // one account-day
 *   await compact();                                            // every closed day of the lookback window
 *
 * Needs `@aws-sdk/client-s3` and `hyparquet` (the writer, hyparquet-writer, is vendored with a patch).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { isAccountPartitionValue, isDtValue, type PartitionValues } from '../../core/schema.js';
import { optionalEnv, requireEnv, validateBucketName, validateDataPrefix } from '../configuration.js';
import { INTEGRITY_WRITER_ENV } from '../integrity/environment.js';
import { createManifestWriter, type IntegrityWriterOptions } from '../integrity/manifest-writer.js';
import { CompactionFailedError, CompactionRequestError, LambdaConfigurationError, UnreadableInputError } from '../errors.js';
import { closesAt, isClosed, oldestDayLookedAt } from './closed-days.js';
import { DEFAULT_COMPACTED_PREFIX, DEFAULT_LATENESS_MS, DEFAULT_LOOKBACK_DAYS, DEFAULT_PREFIX } from './defaults.js';
import { compactDay, type CompactedDay } from './compact-day.js';
import { availableCodec } from './parquet-file.js';
import { listRawDays } from './s3-layout.js';

export { COMPACTED_TAG, type CompactedDay } from './compact-day.js';
export { MANIFEST_FORMAT, type CompactionManifest } from './manifest.js';

export const COMPACTOR_ENV = {
  bucket: 'AUDIT_LOG_BUCKET',
  prefix: 'AUDIT_LOG_PREFIX',
  compactedPrefix: 'AUDIT_LOG_COMPACTED_PREFIX',
  latenessMs: 'AUDIT_LOG_LATENESS_MS',
  lookbackDays: 'AUDIT_LOG_LOOKBACK_DAYS',
  ...INTEGRITY_WRITER_ENV,
} as const;

export { DEFAULT_COMPACTED_PREFIX, DEFAULT_LATENESS_MS, DEFAULT_LOOKBACK_DAYS, DEFAULT_PREFIX } from './defaults.js';
/** A run without arguments stops starting days when less than this is left of the invocation. */
const TIME_RESERVE_MS = 120_000;

export interface CompactorOptions extends IntegrityWriterOptions {
  s3: S3Client;
  bucket: string;
  /** The raw layout's prefix, as the kinesis-to-s3 Lambda writes it; default `audit/`. */
  prefix?: string;
  /** Where compacted days go; default `audit-compacted/`. Neither prefix may contain the other. */
  compactedPrefix?: string;
  /** How long after midnight UTC a day is still open; default 2 hours. */
  latenessMs?: number;
  /** Days before today a run without arguments looks at (default 8). */
  lookbackDays?: number;
}

/** One account-day: `account_id` as stored in the path (the encoded form, as in the raw layout). */
export interface CompactionRequest {
  account_id: string;
  dt: string;
}

export interface SkippedDay extends PartitionValues {
  reason: string;
}

export interface FailedDay extends PartitionValues {
  /** The raw object that could not be read, when one is to blame. */
  key?: string;
  error: string;
}

export interface CompactionReport {
  compacted: CompactedDay[];
  skipped: SkippedDay[];
  failed: FailedDay[];
}

export type Compactor = (request?: CompactionRequest, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<CompactionReport>;

function validateNonNegative(value: number, option: string, envVar: string): number {
  if (!Number.isFinite(value) || value < 0) throw new LambdaConfigurationError(`${envVar} (option "${option}") must be a number ≥ 0, got ${String(value)}`, option, envVar);
  return value;
}

function validateRequest(request: CompactionRequest): PartitionValues {
  const { account_id, dt } = request;
  if (typeof account_id !== 'string' || !isAccountPartitionValue(account_id)) {
    throw new CompactionRequestError(`account_id must be an account id as stored in the path (plain, ~-encoded or _none), got ${JSON.stringify(account_id)}`);
  }
  if (typeof dt !== 'string' || !isDtValue(dt)) throw new CompactionRequestError(`dt must be a date written YYYY-MM-DD, got ${JSON.stringify(dt)}`);
  return { account_id, dt };
}

export function createHandler(options: CompactorOptions): Compactor {
  const env = COMPACTOR_ENV;
  const bucket = validateBucketName(options.bucket, { option: 'bucket', envVar: env.bucket });
  const prefix = validateDataPrefix(options.prefix ?? DEFAULT_PREFIX, { option: 'prefix', envVar: env.prefix });
  const compactedPrefix = validateDataPrefix(options.compactedPrefix ?? DEFAULT_COMPACTED_PREFIX, { option: 'compactedPrefix', envVar: env.compactedPrefix });
  if (compactedPrefix.startsWith(prefix) || prefix.startsWith(compactedPrefix)) {
    // The raw table would read Parquet files as JSON (or the other way round).
    throw new LambdaConfigurationError(`${env.compactedPrefix} (option "compactedPrefix") ${JSON.stringify(compactedPrefix)} must not contain or lie inside the raw prefix ${JSON.stringify(prefix)}`, 'compactedPrefix', env.compactedPrefix);
  }
  const latenessMs = validateNonNegative(options.latenessMs ?? DEFAULT_LATENESS_MS, 'latenessMs', env.latenessMs);
  const lookbackDays = validateNonNegative(options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS, 'lookbackDays', env.lookbackDays);
  const now = options.now ?? (() => new Date());
  const at = { s3: options.s3, bucket, prefix, compactedPrefix, writer: createManifestWriter(options.s3, bucket, options) };
  const parquet = availableCodec();

  async function one(day: PartitionValues, report: CompactionReport): Promise<void> {
    const time = now();
    if (!isClosed(day.dt, latenessMs, time)) {
      report.skipped.push({ ...day, reason: `open until ${closesAt(day.dt, latenessMs).toISOString()}` });
      return;
    }
    try {
      const outcome = await compactDay(at, day, { parquet, now });
      if (outcome.status === 'compacted') report.compacted.push(outcome.day);
      else report.skipped.push({ ...day, reason: outcome.reason });
    } catch (error) {
      const key = error instanceof UnreadableInputError ? error.key : undefined;
      report.failed.push({ ...day, ...(key === undefined ? {} : { key }), error: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }

  return async function compact(request, context) {
    const report: CompactionReport = { compacted: [], skipped: [], failed: [] };
    if (request !== undefined) {
      await one(validateRequest(request), report);
      return report;
    }
    const days = await listRawDays(at.s3, bucket, prefix, oldestDayLookedAt(now(), lookbackDays));
    for (const day of days) {
      if (context !== undefined && context.getRemainingTimeInMillis() < TIME_RESERVE_MS) {
        report.skipped.push({ ...day, reason: 'time limit of this invocation; the next run takes it' });
        continue;
      }
      await one(day, report);
    }
    return report;
  };
}

/** Reads the handler's configuration from the environment; throws LambdaConfigurationError naming the variable. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): Omit<CompactorOptions, 's3'> {
  const number = (name: string): number | undefined => {
    const raw = optionalEnv(env, name);
    return raw === undefined ? undefined : Number(raw);
  };
  return {
    bucket: requireEnv(env, { option: 'bucket', envVar: COMPACTOR_ENV.bucket }),
    prefix: optionalEnv(env, COMPACTOR_ENV.prefix) ?? DEFAULT_PREFIX,
    compactedPrefix: optionalEnv(env, COMPACTOR_ENV.compactedPrefix) ?? DEFAULT_COMPACTED_PREFIX,
    latenessMs: number(COMPACTOR_ENV.latenessMs),
    lookbackDays: number(COMPACTOR_ENV.lookbackDays),
    integrityBucket: optionalEnv(env, COMPACTOR_ENV.integrityBucket),
    integrityPrefix: optionalEnv(env, COMPACTOR_ENV.integrityPrefix),
  };
}

let configured: Compactor | undefined;

/** A scheduled event has no account-day: then every closed day of the lookback window is compacted. */
function requestOf(event: unknown): CompactionRequest | undefined {
  if (event === null || typeof event !== 'object') return undefined;
  const e = event as Partial<CompactionRequest>;
  return e.account_id !== undefined || e.dt !== undefined ? (e as CompactionRequest) : undefined;
}

/** The deployed entry point: logs the report as one JSON line and throws when a day failed (so the Errors alarm fires). */
export const handler = async (event: unknown, context?: Context): Promise<CompactionReport> => {
  configured ??= createHandler({ s3: new S3Client({}), ...optionsFromEnvironment(process.env) });
  const started = performance.now();
  const report = await configured(requestOf(event), context);
  console.log(JSON.stringify({
    lambda: 'compactor',
    awsRequestId: context?.awsRequestId,
    compacted: report.compacted.length,
    rows: report.compacted.reduce((n, d) => n + d.rows, 0),
    duplicatesDropped: report.compacted.reduce((n, d) => n + d.duplicatesDropped, 0),
    skipped: report.skipped.length,
    failed: report.failed.slice(0, 20),
    durationMs: Math.round(performance.now() - started),
  }));
  if (report.failed.length > 0) throw new CompactionFailedError(`${report.failed.length} account-day(s) failed to compact; first: ${report.failed[0]!.account_id}/${report.failed[0]!.dt}: ${report.failed[0]!.error}`);
  return report;
};
