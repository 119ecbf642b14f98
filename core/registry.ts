/**
 * Process-wide state shared by every auditLog() instance: which pipelines are live, the capture
 * settings for calls made outside any inbound request, the outbound hooks' reference count, and
 * the set of calls in flight with the sweep that finalizes the ones that never finish.
 *
 * Kept on globalThis (Symbol.for) so the hooks are installed once per process however many
 * times — or from however many copies of this package — auditLog() is called.
 */
import { performance } from 'node:perf_hooks';
import { CallRecord, type ClientKind } from './call-record.js';
import { contextStorage, SUPPRESSED } from './context.js';
import { IntrusiveList } from './intrusive-list.js';
import type { AuditPipeline } from './pipeline.js';

/** Most calls tracked at once; past this, new calls are counted as dropped rather than tracked. */
export const MAX_CALLS_IN_FLIGHT = 10_000;
const SWEEP_INTERVAL_MS = 250;

interface Registry {
  pipelines: AuditPipeline[];
  /** Pipelines that record calls made outside any inbound request. */
  outside: AuditPipeline[];
  outsideMethods: Set<string>;
  outsideMaxBodyBytes: number;
  hookUsers: number;
  uninstallHooks: (() => void) | null;
  /** Calls started and not yet finished; a linked list, not a Set (see intrusive-list.ts). */
  inFlight: IntrusiveList<CallRecord>;
  sweeper: NodeJS.Timeout | null;
  /** Date.now() as of the last sweep: cheap "last activity" stamps for the hot path. */
  coarseNow: number;
}

const REGISTRY_KEY = Symbol.for('http-audit-log.registry');
const slot = globalThis as unknown as Record<symbol, Registry | undefined>;
export const registry: Registry = (slot[REGISTRY_KEY] ??= {
  pipelines: [],
  outside: [],
  outsideMethods: new Set(),
  outsideMaxBodyBytes: 0,
  hookUsers: 0,
  uninstallHooks: null,
  inFlight: new IntrusiveList<CallRecord>(),
  sweeper: null,
  coarseNow: Date.now(),
});

function recomputeOutside(): void {
  registry.outside = registry.pipelines.filter((p) => p.options.recordOutsideRequests);
  registry.outsideMethods = new Set(registry.outside.flatMap((p) => [...p.options.methods]));
  registry.outsideMaxBodyBytes = Math.max(0, ...registry.outside.map((p) => p.options.maxBodyBytes));
}

/**
 * Adds a pipeline and, for the first one, installs the outbound hooks with `install` (which
 * returns its own uninstaller). Returns the release function.
 */
export function registerPipeline(pipeline: AuditPipeline, install: () => () => void): () => void {
  registry.pipelines.push(pipeline);
  recomputeOutside();
  if (registry.hookUsers++ === 0) registry.uninstallHooks = install();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    registry.pipelines = registry.pipelines.filter((p) => p !== pipeline);
    recomputeOutside();
    if (--registry.hookUsers === 0) {
      const uninstall = registry.uninstallHooks;
      registry.uninstallHooks = null;
      uninstall?.();
      stopSweeper();
    }
  };
}

/**
 * Hot path: decides whether an outbound call is audited and, if so, starts its record.
 * Returns null (and costs almost nothing) for calls nobody records.
 */
export function beginCall(client: ClientKind, method: string, url: string): CallRecord | null {
  const store = contextStorage.getStore();
  let record: CallRecord;
  if (store === undefined) {
    if (registry.outside.length === 0 || !registry.outsideMethods.has(method)) return null;
    record = new CallRecord(client, null, registry.outside, method, url, Date.now(), performance.now(), registry.outsideMaxBodyBytes);
  } else if (store === SUPPRESSED) {
    return null;
  } else {
    const pipeline = store.pipeline;
    if (pipeline.closed || !pipeline.options.methods.has(method)) return null;
    record = new CallRecord(client, store, [pipeline], method, url, Date.now(), performance.now(), pipeline.options.maxBodyBytes);
  }
  if (registry.inFlight.size >= MAX_CALLS_IN_FLIGHT) {
    for (const p of record.pipelines) p.countUntracked();
    return null;
  }
  record.lastActivity = registry.coarseNow;
  registry.inFlight.add(record);
  if (registry.sweeper === null) startSweeper();
  return record;
}

/** Ends a call (once) and hands it to its pipelines. */
export function finishCall(record: CallRecord): void {
  if (record.done) return;
  record.done = true;
  record.endedAt = performance.now();
  registry.inFlight.delete(record);
  for (const p of record.pipelines) p.accept(record);
}

function sweep(): void {
  const now = (registry.coarseNow = Date.now());
  for (const record of registry.inFlight) {
    const limit = record.pipelines[0]?.options.incompleteAfterMs ?? 30_000;
    if (now - record.lastActivity < limit) continue;
    record.incomplete = record.status === null
      ? `incomplete: no response within ${limit} ms`
      : `incomplete: response body not finished within ${limit} ms of inactivity`;
    finishCall(record);
  }
  if (registry.inFlight.size === 0) stopSweeper();
}

function startSweeper(): void {
  registry.coarseNow = Date.now();
  registry.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  // The sweep must never keep the app alive.
  registry.sweeper.unref();
}

function stopSweeper(): void {
  if (registry.sweeper !== null) clearInterval(registry.sweeper);
  registry.sweeper = null;
}

/** Finalizes every in-flight call of `pipeline` now (used by flush/close). */
export function finishInFlight(pipeline: AuditPipeline, reason: string): void {
  for (const record of registry.inFlight) {
    if (!record.pipelines.includes(pipeline)) continue;
    record.incomplete = reason;
    finishCall(record);
  }
}

/**
 * For the outbound hooks: an unexpected error inside a hook goes to the onError of the
 * pipelines concerned (or of every live pipeline), never to the app.
 */
export function reportHookFailure(err: unknown, record?: CallRecord | null): void {
  const targets = record?.pipelines ?? registry.pipelines;
  for (const p of targets) {
    try {
      p.options.onError(err);
    } catch {
      // An onError that throws has nowhere left to report to.
    }
  }
}

/**
 * Wraps a diagnostics_channel subscriber or stream listener of the outbound hooks: whatever it
 * throws goes to onError. (A throwing subscriber would otherwise surface as an uncaught exception
 * in the app.)
 */
export function guardHook<M>(fn: (message: M) => void): (message: M) => void {
  return function guarded(this: unknown, message: M) {
    try {
      fn.call(this, message);
    } catch (err) {
      reportHookFailure(err);
    }
  };
}
