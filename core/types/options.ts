/**
 * The options `auditLog()` takes, as the user writes them (public). What they resolve to, and
 * their validation, are in core/options.ts.
 */
import type { AuditEvent } from './audit-event.js';

/** What `identify` returns. Numbers are accepted and stored as strings. */
export interface IdentifyResult {
  accountId?: string | number | null;
  userId?: string | number | null;
}

export type WhenBufferFull = 'drop-newest' | 'drop-oldest';

export interface DeliveryOptions {
  /** How long an event may wait for more to fill its batch. Default 200 ms. */
  lingerMs?: number;
  /** Most events per sink call (also capped by the sink's own limits). Default: the sink's own limit (500 for Kinesis and Firehose). */
  maxBatchEvents?: number;
  /** Most sink calls in progress at once. Default 4. */
  maxInFlight?: number;
  /** Buffer bound in events (queued + in flight). Default 10,000. */
  maxBufferEvents?: number;
  /** Buffer bound in serialized bytes. Default 32 MiB. */
  maxBufferBytes?: number;
  /** What to drop when a bound is hit. Default 'drop-newest'. Either way the drop is counted and reported. */
  whenFull?: WhenBufferFull;
  /** Attempts per event before it is given up (counted as failed, passed to onDrop). Default 8. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt with full jitter. Default 100 ms. */
  retryBaseDelayMs?: number;
  /** Longest retry delay. Default 5,000 ms. */
  retryMaxDelayMs?: number;
  /**
   * A sink call still unsettled after this long counts as a failed call and its batch is
   * retried (the call is aborted through its AbortSignal). If the late call did get through,
   * its events are delivered twice: delivery is at least once. Default 30,000 ms.
   */
  writeTimeoutMs?: number;
}

export interface CoreOptions {
  /** Returns the account and user of an inbound request. Gets Express `req` or Koa `ctx`. */
  identify?: (source: any) => IdentifyResult | null | undefined;
  /** HTTP methods to record. Default POST, PUT, PATCH, DELETE. */
  methods?: readonly string[];
  /** Most body bytes kept per direction. Default 16,384. */
  maxBodyBytes?: number;
  /** Receives everything the audit path swallows. Default: a one-line warning on stderr. */
  onError?: (err: unknown) => void;
  /** Extra header, query-parameter and body-key names to redact (strings, case-insensitive; or RegExps). */
  redactKeys?: ReadonlyArray<string | RegExp>;
  /**
   * Find credentials by their format in every stored string (AWS keys, GitHub, GitLab, Slack,
   * Stripe, Google, npm, SendGrid, Twilio, OpenAI/Anthropic keys, JWTs, private keys, URL
   * credentials, `Bearer`/`Basic` credentials) and replace each with `[REDACTED:<kind>]`. Default true.
   */
  detectSecrets?: boolean;
  /** Your own credential formats: every match, in every stored string, becomes `[REDACTED:custom]`. */
  redactPatterns?: readonly RegExp[];
  /** Last say over each event before it leaves the process: return a new event or mutate this one. */
  redact?: (event: AuditEvent) => AuditEvent | void;
  /** Record outbound calls made outside any inbound request (with null account and user). Default true. */
  recordOutsideRequests?: boolean;
  /** An unfinished call (no response, or a body nobody reads) is finalized after this much inactivity. Default 30,000 ms. */
  incompleteAfterMs?: number;
  /** Receives events the audit log gave up on (buffer full, retries exhausted), with the reason. */
  onDrop?: (events: readonly AuditEvent[], reason: string) => void;
  /** Buffering, batching and retry of delivery to the sink. */
  delivery?: DeliveryOptions;
  /**
   * Flush on SIGTERM/SIGINT (one handler per process, shared by every auditLog()). If the app
   * has its own listeners for the signal, the handler only flushes alongside them; if it is the
   * only listener, it flushes and then re-raises the signal so the process exits as it would
   * have without us. Default true.
   */
  handleSignals?: boolean;
  /** Longest the signal handler waits for the flush before letting the process go. Default 5,000 ms. */
  shutdownGraceMs?: number;
  /**
   * A durable spool on local disk (docs/spool.md): every event is written there before it is
   * sent and deleted once the sink has it, so a long sink outage or a crash loses nothing.
   * Off unless a `dir` is given (or AUDIT_LOG_SPOOL_DIR is set).
   */
  spool?: SpoolOptions;
}

export interface SpoolOptions {
  /** The spool directory; several processes of one app on one host may share it (one slot each). */
  dir: string;
  /** Most bytes on disk; past it new events are dropped (counted, onDrop) and a gap is recorded. Default 1 GiB (AUDIT_LOG_SPOOL_MAX_BYTES). */
  maxBytes?: number;
  /** Longest time between fsyncs: what a host crash (not a process crash) can lose. Default 1,000 ms. */
  fsyncMs?: number;
  /** Most events per second replayed from segments an earlier process left. Default 2,000. */
  replayPerSecond?: number;
  /** How often to look for slots of dead processes sharing the directory, to drain them. Default 10,000 ms. */
  adoptIntervalMs?: number;
  /**
   * How long new events wait to be written together. Default 0: written as soon as the write
   * before is done (a process crash loses only what waits for that write). Larger values cut the
   * spool's CPU at low rates (each write costs a thread-pool trip) but a crash loses that much.
   */
  writeDelayMs?: number;
}
