/**
 * Named errors. Every error the library creates is an AuditLogError, so an `onError` hook
 * can tell ours from the app's, and each says which field, option or variable is wrong.
 */
export class AuditLogError extends Error {
  override name = 'AuditLogError';
}

/** An option or environment variable is missing or invalid. Thrown by `auditLog()` and Lambda cold starts. */
export class ConfigurationError extends AuditLogError {
  override name = 'ConfigurationError';
  constructor(
    message: string,
    /** The option path, e.g. `kinesis.streamName`. */
    readonly option?: string,
    /** The environment variable that could have supplied it, e.g. `AUDIT_LOG_KINESIS_STREAM`. */
    readonly envVar?: string,
  ) {
    super(message);
  }
}

/** A value claimed to be a schema-v1 audit event is not one. */
export class InvalidAuditEventError extends AuditLogError {
  override name = 'InvalidAuditEventError';
  constructor(
    message: string,
    /** The offending field, or undefined when the value is not an object at all. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A partition value (account id, dt) cannot be decoded or is outside the layout. */
export class InvalidPartitionError extends AuditLogError {
  override name = 'InvalidPartitionError';
}

/** An optional peer dependency the chosen sink needs is not installed. */
export class MissingPeerDependencyError extends AuditLogError {
  override name = 'MissingPeerDependencyError';
  constructor(readonly packageName: string, readonly neededFor: string) {
    super(`${neededFor} needs the package "${packageName}": npm install ${packageName}`);
  }
}

/** A user-supplied hook (identify, redact, onDrop, a custom sink) threw; the cause is attached. */
export class HookError extends AuditLogError {
  override name = 'HookError';
  constructor(readonly hook: string, cause: unknown) {
    super(`${hook} threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A sink failed to deliver a batch (whole call or per-entry); the dispatcher retries these. */
export class SinkDeliveryError extends AuditLogError {
  override name = 'SinkDeliveryError';
  constructor(message: string, readonly code?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Rejection used when a sink call outlives `delivery.writeTimeoutMs`. */
export class SinkTimeoutError extends SinkDeliveryError {
  override name = 'SinkTimeoutError';
}
