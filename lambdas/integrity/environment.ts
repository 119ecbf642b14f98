/**
 * The environment the digest Lambda reads, apart from its code so the template test (and the
 * template's author) can name the variables without loading the handler.
 */
/** Where manifests and digests go unless configured: beside the data prefixes, outside every table's location. */
export const DEFAULT_INTEGRITY_PREFIX = 'integrity/';

export const DIGEST_ENV = {
  /** The bucket holding manifests and digests (the template's IntegrityBucket, with Object Lock). */
  integrityBucket: 'AUDIT_LOG_INTEGRITY_BUCKET',
  /** Prefix of manifests and digests in that bucket, ending with "/"; default `integrity/`. */
  integrityPrefix: 'AUDIT_LOG_INTEGRITY_PREFIX',
  /** The KMS key (ECC_NIST_P256, SIGN_VERIFY) each digest is signed with: key id, ARN or alias ARN. */
  signingKeyId: 'AUDIT_LOG_SIGNING_KEY_ID',
  /** Minutes after an hour ends before it is sealed; default 10 (a Lambda write may land that late). */
  graceMinutes: 'AUDIT_LOG_SEAL_GRACE_MINUTES',
  /** Sealed hours re-listed on each run for manifests that arrived after sealing; default 6. */
  backfillHours: 'AUDIT_LOG_BACKFILL_HOURS',
} as const;

/** Variables with a default, which the template may leave out. */
export const DIGEST_DEFAULTED_ENV: readonly string[] = [DIGEST_ENV.integrityPrefix, DIGEST_ENV.graceMinutes, DIGEST_ENV.backfillHours];

/** The variables the kinesis-to-s3 Lambda and the compactor add for integrity (both optional). */
export const INTEGRITY_WRITER_ENV = {
  /** Where per-object manifests go; default the data bucket itself. */
  integrityBucket: 'AUDIT_LOG_INTEGRITY_BUCKET',
  /** Default `integrity/`. */
  integrityPrefix: 'AUDIT_LOG_INTEGRITY_PREFIX',
} as const;
