/**
 * The per-inbound-request context, carried by one AsyncLocalStorage.
 *
 * The storage is a process-wide singleton (Symbol.for) so that two copies of this package
 * (e.g. one bundled, one installed) still agree on which inbound request an outbound call
 * belongs to. The store is either an InboundContext or SUPPRESSED, which marks the sinks' own
 * calls to AWS so they are never audited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { InboundContext } from './call-record.js';

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
