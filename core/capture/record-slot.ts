/**
 * Where the outbound hooks keep each call's record: on the client's request object itself,
 * under a symbol. `null` means "seen and not audited", so later hooks skip the decision and
 * every request of a client gets the same property (one object shape for the client's code).
 *
 * Not a WeakMap: V8 rebuilds a WeakMap's table as entries come and go, and a table left in old
 * space keeps the old entries' values alive through young-generation GCs — the same pattern
 * that made an in-flight Set keep every call alive into old space (see intrusive-list.ts).
 */
import type { CallRecord } from './call-record.js';
import { finishCall } from './call-lifecycle.js';

const kRecord = Symbol('http-audit-log.record');
type TrackedRequest = { [kRecord]?: CallRecord | null };

/** The request's record; null if it is not audited, undefined if no hook has seen it yet. */
export function recordOf(request: object): CallRecord | null | undefined {
  return (request as TrackedRequest)[kRecord];
}

export function attachRecord(request: object, record: CallRecord | null): void {
  (request as TrackedRequest)[kRecord] = record;
}

/**
 * Ends the call and detaches its record from the request. The request may already be in old
 * space (a call that outlived two young-generation GCs); its pointer would keep the finished
 * record, bodies included, alive and promoted until the next full GC.
 */
export function finishAttached(request: object, record: CallRecord): void {
  (request as TrackedRequest)[kRecord] = null;
  finishCall(record);
}
