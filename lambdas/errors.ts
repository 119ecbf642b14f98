/**
 * Errors the Lambdas throw. They live here rather than in core/errors because a Lambda bundle
 * may import only core/schema (see .dependency-cruiser.cjs); each names what is wrong so that a
 * failed cold start or a retried invocation explains itself in CloudWatch.
 */

/** A Lambda option or environment variable is missing or invalid; the cold start fails with it. */
export class LambdaConfigurationError extends Error {
  override name = 'LambdaConfigurationError';
  constructor(
    message: string,
    /** The createHandler option, e.g. `bucket`. */
    readonly option: string,
    /** The environment variable that supplies it to the deployed handler, e.g. `AUDIT_LOG_BUCKET`. */
    readonly envVar?: string,
  ) {
    super(message);
  }
}

/** An Athena query ended FAILED or CANCELLED. Thrown so that Lambda retries the S3 event. */
export class AthenaQueryFailedError extends Error {
  override name = 'AthenaQueryFailedError';
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    readonly reason: string | undefined,
  ) {
    super(`Athena query ${queryExecutionId} ended ${state}: ${reason ?? 'no reason given'}`);
  }
}

/** An Athena query (or its throttled start) did not finish within the allowed time. */
export class AthenaQueryTimeoutError extends Error {
  override name = 'AthenaQueryTimeoutError';
  constructor(
    readonly queryExecutionId: string | undefined,
    readonly timeoutMs: number,
  ) {
    super(`Athena query ${queryExecutionId ?? '(not started)'} did not finish within ${timeoutMs} ms`);
  }
}

/** A value meant for an SQL string literal contains a character that could end the literal. */
export class UnsafeSqlValueError extends Error {
  override name = 'UnsafeSqlValueError';
}

/** A raw object of a day being compacted could not be read as audit events: the day is left as it is. */
export class UnreadableInputError extends Error {
  override name = 'UnreadableInputError';
  constructor(
    /** The S3 key of the raw object. */
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/** A compaction request names no valid account-day (the account id as stored in the path, and YYYY-MM-DD). */
export class CompactionRequestError extends Error {
  override name = 'CompactionRequestError';
}

/** A scheduled compaction left days failed: thrown by the deployed handler so the Errors alarm fires. */
export class CompactionFailedError extends Error {
  override name = 'CompactionFailedError';
}

/** An optional package the Lambda needs for this input is not installed (the deployed zip bundles it). */
export class MissingLambdaDependencyError extends Error {
  override name = 'MissingLambdaDependencyError';
  constructor(readonly packageName: string, neededFor: string) {
    super(`${neededFor} needs the package "${packageName}": npm install ${packageName} (the zip built by npm run build:lambdas bundles it)`);
  }
}

/**
 * A create-only write found the key already holding different content. What is stored is never
 * replaced: the same records always make the same object, so this is a bug or tampering, and
 * the batch fails (Lambda retries it, then sends it to the failure destination).
 */
export class ConflictingObjectError extends Error {
  override readonly name = 'ConflictingObjectError';

  constructor(readonly location: string, readonly sha256: string, readonly existingSha256: string | undefined) {
    super(`${location} already exists with different content (stored sha256 ${existingSha256 ?? 'not recorded'}, this write ${sha256}); it is never overwritten`);
  }
}

/** The digest Lambda could not seal some accounts: thrown after all were tried, so the invocation counts as an error and the alarm fires. */
export class DigestRunError extends Error {
  override readonly name = 'DigestRunError';

  constructor(readonly failed: ReadonlyArray<{ account_id: string; error?: string }>, accounts: number) {
    super(`${failed.length} of ${accounts} accounts could not be sealed: ${failed.slice(0, 5).map((a) => `${a.account_id}: ${a.error ?? 'unknown error'}`).join('; ')}`);
  }
}
