/**
 * The options every auditLog() takes, resolved and validated once (pino-style: no option is
 * looked at again on the hot path). The user's object is never mutated.
 */
import { ConfigurationError } from './errors.js';
import type { AuditEvent } from './schema.js';

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
}

export type ResolvedDelivery = Required<DeliveryOptions>;

export interface ResolvedCoreOptions {
  identify: NonNullable<CoreOptions['identify']> | null;
  methods: ReadonlySet<string>;
  maxBodyBytes: number;
  onError: (err: unknown) => void;
  redactKeys: ReadonlyArray<string | RegExp>;
  redact: NonNullable<CoreOptions['redact']> | null;
  recordOutsideRequests: boolean;
  incompleteAfterMs: number;
  onDrop: NonNullable<CoreOptions['onDrop']> | null;
  delivery: ResolvedDelivery;
  handleSignals: boolean;
  shutdownGraceMs: number;
}

export const DEFAULT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

function defaultOnError(err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.emitWarning(`http-audit-log: ${message}`, { code: 'HTTP_AUDIT_LOG' });
}

function optionalFunction<T>(value: T | undefined, name: string): T | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'function') throw new ConfigurationError(`option "${name}" must be a function, got ${typeof value}`, name);
  return value;
}

function integer(value: unknown, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`option "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, name);
  }
  return value;
}

function resolveDelivery(d: DeliveryOptions | undefined): ResolvedDelivery {
  if (d !== undefined && (d === null || typeof d !== 'object')) throw new ConfigurationError('option "delivery" must be an object', 'delivery');
  const o = d ?? {};
  const whenFull = o.whenFull ?? 'drop-newest';
  if (whenFull !== 'drop-newest' && whenFull !== 'drop-oldest') {
    throw new ConfigurationError(`option "delivery.whenFull" must be "drop-newest" or "drop-oldest", got ${JSON.stringify(whenFull)}`, 'delivery.whenFull');
  }
  const resolved: ResolvedDelivery = {
    lingerMs: integer(o.lingerMs, 'delivery.lingerMs', 200, 0, 60_000),
    // Default: no cap of our own; the sink's maxBatchRecords decides.
    maxBatchEvents: integer(o.maxBatchEvents, 'delivery.maxBatchEvents', Number.MAX_SAFE_INTEGER, 1, 100_000),
    maxInFlight: integer(o.maxInFlight, 'delivery.maxInFlight', 4, 1, 256),
    maxBufferEvents: integer(o.maxBufferEvents, 'delivery.maxBufferEvents', 10_000, 1),
    maxBufferBytes: integer(o.maxBufferBytes, 'delivery.maxBufferBytes', 32 * 1024 * 1024, 1024),
    whenFull,
    maxAttempts: integer(o.maxAttempts, 'delivery.maxAttempts', 8, 1, 1000),
    retryBaseDelayMs: integer(o.retryBaseDelayMs, 'delivery.retryBaseDelayMs', 100, 0, 60_000),
    retryMaxDelayMs: integer(o.retryMaxDelayMs, 'delivery.retryMaxDelayMs', 5_000, 0, 600_000),
    writeTimeoutMs: integer(o.writeTimeoutMs, 'delivery.writeTimeoutMs', 30_000, 1, 3_600_000),
  };
  return resolved;
}

export function resolveCoreOptions(options: CoreOptions): ResolvedCoreOptions {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('auditLog() takes an options object');
  const methodsIn = options.methods ?? DEFAULT_METHODS;
  if (!Array.isArray(methodsIn) || methodsIn.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
    throw new ConfigurationError(`option "methods" must be an array of HTTP method names, got ${JSON.stringify(methodsIn)}`, 'methods');
  }
  const redactKeys = options.redactKeys ?? [];
  if (!Array.isArray(redactKeys) || redactKeys.some((k) => typeof k !== 'string' && !(k instanceof RegExp))) {
    throw new ConfigurationError('option "redactKeys" must be an array of strings or RegExps', 'redactKeys');
  }
  const recordOutside = options.recordOutsideRequests ?? true;
  if (typeof recordOutside !== 'boolean') throw new ConfigurationError('option "recordOutsideRequests" must be a boolean', 'recordOutsideRequests');
  const handleSignals = options.handleSignals ?? true;
  if (typeof handleSignals !== 'boolean') throw new ConfigurationError('option "handleSignals" must be a boolean', 'handleSignals');
  return {
    identify: optionalFunction(options.identify, 'identify'),
    methods: new Set(methodsIn.map((m) => m.toUpperCase())),
    maxBodyBytes: integer(options.maxBodyBytes, 'maxBodyBytes', 16_384, 0, 1024 * 1024),
    onError: optionalFunction(options.onError, 'onError') ?? defaultOnError,
    redactKeys: [...redactKeys],
    redact: optionalFunction(options.redact, 'redact'),
    recordOutsideRequests: recordOutside,
    incompleteAfterMs: integer(options.incompleteAfterMs, 'incompleteAfterMs', 30_000, 10, 3_600_000),
    onDrop: optionalFunction(options.onDrop, 'onDrop'),
    delivery: resolveDelivery(options.delivery),
    handleSignals,
    shutdownGraceMs: integer(options.shutdownGraceMs, 'shutdownGraceMs', 5_000, 0, 600_000),
  };
}
