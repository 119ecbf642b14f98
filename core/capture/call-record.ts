/**
 * Per-outbound-call state, filled in on the hot path by the outbound hooks, and whom it belongs
 * to: the inbound request's context and the CallConsumer (one per auditLog() instance) that
 * finished calls are handed to. Everything here is raw (header arrays, chunk copies): turning
 * it into an event happens later, off the request path, by whoever consumes finished calls.
 *
 * One file for the record, its context and its consumer: each refers to the others.
 */
import { BodyTap } from './body-tap.js';

export type ClientKind = 'fetch' | 'http';

/** The options capture reads, resolved once (a ResolvedCoreOptions satisfies it). */
export interface CaptureSettings {
  readonly methods: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  readonly recordOutsideRequests: boolean;
  readonly incompleteAfterMs: number;
}

export interface CallConsumer {
  readonly settings: CaptureSettings;
  /** True once the instance is closing: its context no longer starts records. */
  readonly closed: boolean;
  /** A call finished (or was finalized as incomplete). Hot path: must only queue it. */
  accept(record: CallRecord): void;
  /** A call could not be tracked (too many in flight): the consumer counts it as dropped. */
  untracked(): void;
  /** An unexpected error inside a hook, concerning this consumer's calls. */
  onError(err: unknown): void;
}

export interface Identity {
  accountId: string | null;
  userId: string | null;
}

/** What an adapter knows about the inbound request: enough to resolve identity lazily. */
export interface InboundContext {
  /** The auditLog() instance whose middleware opened this context. */
  readonly consumer: CallConsumer;
  /** Express `req` or Koa `ctx`: what `identify` receives. */
  readonly source: unknown;
  /** The framework's default principal lookup (Express `req.user ?? req.auth`, Koa `ctx.state.user`). */
  readonly defaultPrincipal: (source: unknown) => unknown;
  /** Inbound `x-request-id` header value, if any (validated when the id is resolved). */
  readonly requestIdHeader: unknown;
  /** Resolved on first need, then reused by every outbound call of this inbound request. */
  identity?: Identity;
  requestId?: string;
}

export class CallRecord {
  /** Raw request headers: undici string or array, or node:http's header object. */
  requestHeaders: unknown = null;
  requestBody: BodyTap | null;
  status: number | null = null;
  /** Raw response headers: undici's [name, value, …] Buffers, or node:http's header object. */
  responseHeaders: unknown = null;
  responseBody: BodyTap | null = null;
  endedAt = 0;
  error: unknown = null;
  /** Set when the record was finalized by the inactivity sweep rather than by the response. */
  incomplete: string | null = null;
  done = false;
  /** Coarse clock value of the last activity (`touch`), read by the in-flight sweep. */
  lastActivity = 0;
  /** Links of the in-flight list (call-lifecycle.ts). */
  listPrev: CallRecord | null = null;
  listNext: CallRecord | null = null;

  constructor(
    readonly client: ClientKind,
    readonly context: InboundContext | null,
    /** The instances that record this call: the context's one, or every one recording outside requests. */
    readonly consumers: readonly CallConsumer[],
    readonly method: string,
    readonly url: string,
    readonly startedAtMs: number,
    readonly startedAt: number,
    readonly maxBodyBytes: number,
  ) {
    this.requestBody = new BodyTap(maxBodyBytes);
  }
}
