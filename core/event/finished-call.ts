/**
 * What building an event reads from a finished call. Declared here, by the side that reads it,
 * so that event/ imports nothing of capture: capture's CallRecord and InboundContext fit these
 * shapes, and the front door (which wires the two) is where TypeScript checks that they do.
 */
import type { AuditEvent } from '../types/audit-event.js';
import type { IdentifyResult } from '../types/options.js';

export interface Identity {
  accountId: string | null;
  userId: string | null;
}

/** A body seen streaming past: a bounded prefix and a count of every byte. */
export interface CapturedBody {
  readonly total: number;
  readonly truncated: boolean;
  /** The text when it is one string kept whole, else null. */
  wholeString(): string | null;
  /** The captured prefix as one Buffer. */
  bytes(): Buffer;
}

/** The inbound request an outbound call was made for; identity and request id are memoized on it. */
export interface InboundRequest {
  /** Express `req` or Koa `ctx`: what `identify` receives. */
  readonly source: unknown;
  /** The framework's default principal lookup. */
  readonly defaultPrincipal: (source: unknown) => unknown;
  /** Inbound `x-request-id` header value, if any. */
  readonly requestIdHeader: unknown;
  identity?: Identity;
  requestId?: string;
}

export interface FinishedCall {
  readonly client: 'fetch' | 'http';
  readonly context: InboundRequest | null;
  readonly method: string;
  readonly url: string;
  /** Start, Unix milliseconds (the event's time and the id's time part). */
  readonly startedAtMs: number;
  /** Start and end, performance.now() milliseconds (the duration). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The body limit the call was captured with (outside requests: the largest of the instances'). */
  readonly maxBodyBytes: number;
  readonly requestHeaders: unknown;
  readonly requestBody: CapturedBody | null;
  readonly status: number | null;
  readonly responseHeaders: unknown;
  readonly responseBody: CapturedBody | null;
  readonly error: unknown;
  /** Why the call was finalized before it finished, or null. */
  readonly incomplete: string | null;
}

/** The options building reads (a ResolvedCoreOptions satisfies it). */
export interface BuildSettings {
  readonly identify: ((source: any) => IdentifyResult | null | undefined) | null;
  readonly maxBodyBytes: number;
  readonly onError: (err: unknown) => void;
  readonly redactKeys: ReadonlyArray<string | RegExp>;
  readonly detectSecrets: boolean;
  readonly redactPatterns: readonly RegExp[];
  readonly redact: ((event: AuditEvent) => AuditEvent | void) | null;
}
