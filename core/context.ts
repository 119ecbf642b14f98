/**
 * The per-inbound-request context, carried by one AsyncLocalStorage.
 *
 * The storage is a process-wide singleton (Symbol.for) so that two copies of this package
 * (e.g. one bundled, one installed) still agree on which inbound request an outbound call
 * belongs to. The store is either an InboundContext or SUPPRESSED, which marks the sinks' own
 * calls to AWS so they are never audited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditPipeline } from './pipeline.js';

export interface Identity {
  accountId: string | null;
  userId: string | null;
}

/** What an adapter knows about the inbound request: enough to resolve identity lazily. */
export interface InboundContext {
  readonly pipeline: AuditPipeline;
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

export const SUPPRESSED: unique symbol = Symbol('http-audit-log.suppressed');
export type ContextStore = InboundContext | typeof SUPPRESSED;

const STORAGE_KEY = Symbol.for('http-audit-log.context-storage');
const globalSlot = globalThis as unknown as Record<symbol, AsyncLocalStorage<ContextStore> | undefined>;

export const contextStorage: AsyncLocalStorage<ContextStore> =
  (globalSlot[STORAGE_KEY] ??= new AsyncLocalStorage<ContextStore>());

/** Runs `fn` so that HTTP calls it makes (e.g. a sink's calls to AWS) are not audited. */
export function runSuppressed<T>(fn: () => T): T {
  return contextStorage.run(SUPPRESSED, fn);
}
