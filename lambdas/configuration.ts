/**
 * Validation of the Lambdas' options and environment variables. Both handlers put these values
 * into S3 keys and SQL text, so each is checked against a narrow alphabet up front, and every
 * error names the option and the variable that supplies it.
 */
import { LambdaConfigurationError } from './errors.js';

/** Where a value came from, for the error message. */
export interface ValueSource {
  option: string;
  envVar?: string;
}

function describeSource(source: ValueSource): string {
  return source.envVar ? `${source.envVar} (option "${source.option}")` : `option "${source.option}"`;
}

function reject(source: ValueSource, problem: string): never {
  throw new LambdaConfigurationError(`${describeSource(source)} ${problem}`, source.option, source.envVar);
}

/** The value of a required environment variable; throws naming it when unset or empty. */
export function requireEnv(env: NodeJS.ProcessEnv, source: ValueSource & { envVar: string }): string {
  const value = env[source.envVar];
  if (value === undefined || value.trim() === '') reject(source, 'is not set');
  return value.trim();
}

/** An optional environment variable: undefined when unset or empty. */
export function optionalEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens. The loader writes the name
 * into a LOCATION literal, so nothing else may pass.
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isBucketName(value: string): boolean {
  return BUCKET_NAME.test(value) && !value.includes('..');
}

export function validateBucketName(value: string, source: ValueSource): string {
  if (!isBucketName(value)) reject(source, `must be an S3 bucket name (a-z, 0-9, ".", "-"), got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The data prefix: one or more segments of [A-Za-z0-9._-] (none starting with "."), each followed
 * by "/". No quotes or backslashes (it ends up in SQL), no "..", no leading "/".
 */
const DATA_PREFIX = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/;

export function validateDataPrefix(value: string, source: ValueSource): string {
  if (!DATA_PREFIX.test(value)) {
    reject(source, `must be a key prefix of letters, digits, ".", "_", "-" segments ending with "/" (e.g. "audit/"), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The prefix for records that cannot be stored as events: the data prefix without its trailing
 * slash plus "-errors/" (`audit/` → `audit-errors/`). It is a sibling of the data prefix, never
 * inside it, so neither Athena's table location nor the S3 notification filter ever sees it.
 */
export function errorPrefixFor(dataPrefix: string): string {
  return `${dataPrefix.slice(0, -1)}-errors/`;
}

/** Glue/Athena database and table names: letters, digits and underscores. */
const SQL_IDENTIFIER = /^[A-Za-z0-9_]{1,255}$/;

export function validateSqlIdentifier(value: string, source: ValueSource): string {
  if (!SQL_IDENTIFIER.test(value)) reject(source, `must be a name of letters, digits and "_" (at most 255), got ${JSON.stringify(value)}`);
  return value;
}

const WORKGROUP_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export function validateWorkgroupName(value: string, source: ValueSource): string {
  if (!WORKGROUP_NAME.test(value)) reject(source, `must be an Athena workgroup name (letters, digits, ".", "_", "-"), got ${JSON.stringify(value)}`);
  return value;
}

const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/[A-Za-z0-9!_.*()/=-]*)?$/;

export function validateS3Url(value: string, source: ValueSource): string {
  if (!S3_URL.test(value)) reject(source, `must be an s3:// URL such as s3://my-bucket/athena-results/, got ${JSON.stringify(value)}`);
  return value;
}
