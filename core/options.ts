/**
 * The options every auditLog() takes, resolved and validated once (pino-style: no option is
 * looked at again on the hot path). The user's object is never mutated.
 */
import { ConfigurationError } from './errors.js';
import type { CoreOptions, DeliveryOptions, SpoolOptions } from './types/options.js';

export type ResolvedDelivery = Required<DeliveryOptions>;
export type ResolvedSpool = Required<SpoolOptions>;

export interface ResolvedCoreOptions {
  identify: NonNullable<CoreOptions['identify']> | null;
  methods: ReadonlySet<string>;
  maxBodyBytes: number;
  onError: (err: unknown) => void;
  redactKeys: ReadonlyArray<string | RegExp>;
  detectSecrets: boolean;
  /** Global copies of the user's patterns (their own objects are never touched). */
  redactPatterns: readonly RegExp[];
  redact: NonNullable<CoreOptions['redact']> | null;
  recordOutsideRequests: boolean;
  incompleteAfterMs: number;
  onDrop: NonNullable<CoreOptions['onDrop']> | null;
  delivery: ResolvedDelivery;
  handleSignals: boolean;
  shutdownGraceMs: number;
  /** Null when off. */
  spool: ResolvedSpool | null;
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

/**
 * Each pattern must be a RegExp that cannot match the empty string (it would mark every position).
 * A global copy is kept: the user's RegExp and its lastIndex are never touched.
 */
function resolveRedactPatterns(patterns: unknown): RegExp[] {
  if (patterns === undefined) return [];
  if (!Array.isArray(patterns)) throw new ConfigurationError('option "redactPatterns" must be an array of RegExps', 'redactPatterns');
  return patterns.map((p: unknown, i) => {
    const name = `redactPatterns[${i}]`;
    if (!(p instanceof RegExp)) throw new ConfigurationError(`option "${name}" must be a RegExp, got ${typeof p === 'string' ? JSON.stringify(p) : typeof p}`, name);
    const copy = new RegExp(p.source, p.flags.replace(/[gy]/g, '') + 'g');
    if (copy.test('')) throw new ConfigurationError(`option "${name}" (${String(p)}) matches the empty string; it must match only the secret`, name);
    return copy;
  });
}

function resolveSpool(o: SpoolOptions | undefined, env: NodeJS.ProcessEnv): ResolvedSpool | null {
  if (o !== undefined && (o === null || typeof o !== 'object')) throw new ConfigurationError('option "spool" must be an object with a "dir"', 'spool');
  const dir = o?.dir ?? env.AUDIT_LOG_SPOOL_DIR;
  if (dir === undefined || dir === '') {
    if (o !== undefined) throw new ConfigurationError('option "spool.dir" must be a directory path (or set AUDIT_LOG_SPOOL_DIR)', 'spool.dir');
    return null;
  }
  if (typeof dir !== 'string') throw new ConfigurationError(`option "spool.dir" must be a string, got ${typeof dir}`, 'spool.dir');
  let maxBytes = o?.maxBytes;
  const envMax = env.AUDIT_LOG_SPOOL_MAX_BYTES;
  if (maxBytes === undefined && envMax !== undefined && envMax !== '') {
    maxBytes = Number(envMax);
    if (!Number.isInteger(maxBytes)) throw new ConfigurationError(`AUDIT_LOG_SPOOL_MAX_BYTES must be an integer number of bytes, got ${JSON.stringify(envMax)}`, 'spool.maxBytes');
  }
  return {
    dir,
    maxBytes: integer(maxBytes, 'spool.maxBytes', 1024 ** 3, 1024 * 1024),
    fsyncMs: integer(o?.fsyncMs, 'spool.fsyncMs', 1_000, 1, 60_000),
    replayPerSecond: integer(o?.replayPerSecond, 'spool.replayPerSecond', 2_000, 1, 1_000_000),
    adoptIntervalMs: integer(o?.adoptIntervalMs, 'spool.adoptIntervalMs', 10_000, 100, 3_600_000),
    writeDelayMs: integer(o?.writeDelayMs, 'spool.writeDelayMs', 0, 0, 1_000),
  };
}

export function resolveCoreOptions(options: CoreOptions, env: NodeJS.ProcessEnv = process.env): ResolvedCoreOptions {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('auditLog() takes an options object');
  const methodsIn = options.methods ?? DEFAULT_METHODS;
  if (!Array.isArray(methodsIn) || methodsIn.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
    throw new ConfigurationError(`option "methods" must be an array of HTTP method names, got ${JSON.stringify(methodsIn)}`, 'methods');
  }
  const redactKeys = options.redactKeys ?? [];
  if (!Array.isArray(redactKeys) || redactKeys.some((k) => typeof k !== 'string' && !(k instanceof RegExp))) {
    throw new ConfigurationError('option "redactKeys" must be an array of strings or RegExps', 'redactKeys');
  }
  const detectSecrets = options.detectSecrets ?? true;
  if (typeof detectSecrets !== 'boolean') throw new ConfigurationError('option "detectSecrets" must be a boolean', 'detectSecrets');
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
    detectSecrets,
    redactPatterns: resolveRedactPatterns(options.redactPatterns),
    redact: optionalFunction(options.redact, 'redact'),
    recordOutsideRequests: recordOutside,
    incompleteAfterMs: integer(options.incompleteAfterMs, 'incompleteAfterMs', 30_000, 10, 3_600_000),
    onDrop: optionalFunction(options.onDrop, 'onDrop'),
    delivery: resolveDelivery(options.delivery),
    handleSignals,
    shutdownGraceMs: integer(options.shutdownGraceMs, 'shutdownGraceMs', 5_000, 0, 600_000),
    spool: resolveSpool(options.spool, env),
  };
}
