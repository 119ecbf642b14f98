/**
 * The Sink interface: where delivered events go. Built-in sinks (memory, Kinesis, Firehose,
 * file, stdout) implement it, and so can any object of yours.
 *
 * The dispatcher serializes each event once and hands the sink batches within its limits;
 * the sink reports which entries failed so only those are retried.
 */
import type { AuditEvent } from './audit-event.js';

export interface SinkRecord {
  readonly event: AuditEvent;
  /** The event serialized as one line of JSON (no trailing newline). */
  readonly json: string;
  /** UTF-8 byte length of `json`. */
  readonly bytes: number;
}

export interface SinkLimits {
  /** Most records in one `write` call. */
  maxBatchRecords: number;
  /** Most bytes (sum of record bytes plus `perRecordOverheadBytes` each) in one call. */
  maxBatchBytes: number;
  /** Most bytes of one record; bigger events get their bodies shrunk (truncation flags set). */
  maxRecordBytes: number;
  /** Bytes a sink adds per record (e.g. a partition key or a newline), counted against the limits. */
  perRecordOverheadBytes: number;
}

export interface SinkEntryFailure {
  /** Index into the batch passed to `write`. */
  index: number;
  /** The service's error code, e.g. `ProvisionedThroughputExceededException`. */
  code?: string;
  message?: string;
  /** False for failures no retry can fix; such records are given up at once (counted as failed). */
  retryable?: boolean;
}

export interface SinkWriteResult {
  /** Entries not delivered. Absent or empty: the whole batch was delivered. */
  failed?: readonly SinkEntryFailure[];
}

/** What the dispatcher passes with each `write`. */
export interface SinkWriteContext {
  /**
   * Aborted when the call exceeded `delivery.writeTimeoutMs`: the dispatcher has already
   * counted it as failed and will retry the batch. Pass it on (e.g. as the AWS SDK's
   * `abortSignal`) so the abandoned call stops.
   */
  readonly signal: AbortSignal;
}

export interface Sink {
  /** Shown in errors and stats. */
  readonly name: string;
  readonly limits?: Partial<SinkLimits>;
  /**
   * Delivers a batch. Resolve when delivered (optionally listing failed entries); reject when
   * the whole call failed: the dispatcher retries with backoff either way.
   */
  write(records: readonly SinkRecord[], context?: SinkWriteContext): Promise<SinkWriteResult | void> | SinkWriteResult | void;
  /** Releases resources (clients, file handles). Called once by `close()` after the last write. */
  close?(): Promise<void> | void;
}
