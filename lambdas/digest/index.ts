/**
 * `http-audit-log/lambdas/digest`: seals each account's hours into a signed, chained digest
 * (../integrity/seal.ts). Scheduled hourly by the template, with a reserved concurrency of 1:
 * one writer per chain.
 *
 *   const seal = await createHandler({ s3, integrityBucket, signer: await kmsSigner(kms, keyArn) });
 *   await seal();
 *
 * Needs `@aws-sdk/client-s3`, and `@aws-sdk/client-kms` for a KMS key.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { optionalEnv, requireEnv, validateBucketName, validateDataPrefix } from '../configuration.js';
import { DigestRunError, LambdaConfigurationError } from '../errors.js';
import { DEFAULT_INTEGRITY_PREFIX, DIGEST_ENV } from '../integrity/environment.js';
import { S3ObjectStore } from '../integrity/s3-object-store.js';
import { DEFAULT_BACKFILL_HOURS, DEFAULT_GRACE_MINUTES, sealAll, type AccountSeal } from '../integrity/seal.js';
import { kmsSigner, type DigestSigner } from '../integrity/signer.js';

export { DIGEST_ENV, DIGEST_DEFAULTED_ENV } from '../integrity/environment.js';
export { localSigner, kmsSigner, type DigestSigner } from '../integrity/signer.js';
export type { AccountSeal } from '../integrity/seal.js';
export { DigestRunError } from '../errors.js';

export interface DigestOptions {
  s3: S3Client;
  integrityBucket: string;
  /** Default `integrity/`: where the writers put manifests. */
  integrityPrefix?: string;
  signer: DigestSigner;
  graceMinutes?: number;
  backfillHours?: number;
  now?: () => Date;
}

export interface DigestReport {
  accounts: AccountSeal[];
}

export type DigestHandler = () => Promise<DigestReport>;

function positiveInteger(value: number, option: string, envVar: string): number {
  if (!Number.isInteger(value) || value < 1) throw new LambdaConfigurationError(`${envVar} (option "${option}") must be a whole number ≥ 1, got ${value}`, option, envVar);
  return value;
}

export function createHandler(options: DigestOptions): DigestHandler {
  const bucket = validateBucketName(options.integrityBucket, { option: 'integrityBucket', envVar: DIGEST_ENV.integrityBucket });
  const integrityPrefix = validateDataPrefix(options.integrityPrefix ?? DEFAULT_INTEGRITY_PREFIX, { option: 'integrityPrefix', envVar: DIGEST_ENV.integrityPrefix });
  const graceMinutes = positiveInteger(options.graceMinutes ?? DEFAULT_GRACE_MINUTES, 'graceMinutes', DIGEST_ENV.graceMinutes);
  const backfillHours = positiveInteger(options.backfillHours ?? DEFAULT_BACKFILL_HOURS, 'backfillHours', DIGEST_ENV.backfillHours);
  const store = new S3ObjectStore(options.s3, bucket);
  const now = options.now ?? (() => new Date());
  return async () => ({ accounts: await sealAll({ store, integrityPrefix, signer: options.signer, now: now(), graceMinutes, backfillHours }) });
}

function numberEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = optionalEnv(env, name);
  return value === undefined ? undefined : Number(value);
}

let configured: DigestHandler | undefined;

export const handler = async (_event?: unknown, context?: Context): Promise<DigestReport> => {
  if (configured === undefined) {
    const { KMSClient } = await import('@aws-sdk/client-kms');
    const keyId = requireEnv(process.env, { option: 'signer', envVar: DIGEST_ENV.signingKeyId });
    configured = createHandler({
      s3: new S3Client({}),
      integrityBucket: requireEnv(process.env, { option: 'integrityBucket', envVar: DIGEST_ENV.integrityBucket }),
      integrityPrefix: optionalEnv(process.env, DIGEST_ENV.integrityPrefix),
      signer: await kmsSigner(new KMSClient({}), keyId),
      graceMinutes: numberEnv(process.env, DIGEST_ENV.graceMinutes),
      backfillHours: numberEnv(process.env, DIGEST_ENV.backfillHours),
    });
  }
  const started = performance.now();
  const report = await configured();
  const failed = report.accounts.filter((a) => a.error !== undefined);
  console.log(JSON.stringify({
    lambda: 'digest',
    awsRequestId: context?.awsRequestId,
    accounts: report.accounts.length,
    hoursSealed: report.accounts.reduce((n, a) => n + a.hours, 0),
    backfills: report.accounts.reduce((n, a) => n + a.backfills, 0),
    manifests: report.accounts.reduce((n, a) => n + a.manifests, 0),
    failed: failed.slice(0, 20).map((a) => ({ account_id: a.account_id, error: a.error })),
    durationMs: Math.round(performance.now() - started),
  }));
  if (failed.length > 0) throw new DigestRunError(failed, report.accounts.length);
  return report;
};
