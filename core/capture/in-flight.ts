/**
 * The calls started and not yet finished, and the clock their activity is stamped with.
 *
 * A linked list, not a Set (see ../intrusive-list.ts). One unref'd interval runs only while
 * calls are in flight; each tick refreshes a coarse clock, so the hot path stamps activity with
 * a field read (`touch`) instead of a Date.now() per chunk. Process-wide (Symbol.for), like
 * the hooks that fill it.
 */
import { IntrusiveList } from '../intrusive-list.js';
import type { CallRecord } from './call-record.js';

const SWEEP_INTERVAL_MS = 250;

interface InFlight {
  calls: IntrusiveList<CallRecord>;
  sweeper: NodeJS.Timeout | null;
  /** Date.now() as of the last sweep. */
  coarseNow: number;
}

const IN_FLIGHT_KEY = Symbol.for('http-audit-log.in-flight');
const slot = globalThis as unknown as Record<symbol, InFlight | undefined>;
const state: InFlight = (slot[IN_FLIGHT_KEY] ??= { calls: new IntrusiveList<CallRecord>(), sweeper: null, coarseNow: Date.now() });

export const inFlightCalls: IntrusiveList<CallRecord> = state.calls;

/** Hot path: the call just showed activity (a header, a chunk). */
export function touch(record: CallRecord): void {
  record.lastActivity = state.coarseNow;
}

/** Starts the sweep (if it is not running) with `sweep(now)` called every SWEEP_INTERVAL_MS. */
export function ensureSweeper(sweep: (now: number) => void): void {
  if (state.sweeper !== null) return;
  state.coarseNow = Date.now();
  state.sweeper = setInterval(() => sweep((state.coarseNow = Date.now())), SWEEP_INTERVAL_MS);
  // The sweep must never keep the app alive.
  state.sweeper.unref();
}

export function stopSweeper(): void {
  if (state.sweeper !== null) clearInterval(state.sweeper);
  state.sweeper = null;
}
