/**
 * The life of one outbound call: whether it is recorded at all (`beginCall`, on the hot path),
 * how it ends (`finishCall`, once, handing it to its consumers), and the inactivity sweep that
 * ends the calls that never finish on their own.
 */
import { performance } from 'node:perf_hooks';
import type { CallConsumer } from './call-record.js';
import { CallRecord, type ClientKind } from './call-record.js';
import { outsideConsumersFor, outsideMaxBodyBytes } from './consumers.js';
import { contextStorage, SUPPRESSED } from './context.js';
import { ensureSweeper, inFlightCalls, stopSweeper, touch } from './in-flight.js';

/** Most calls tracked at once; past this, new calls are counted as dropped rather than tracked. */
export const MAX_CALLS_IN_FLIGHT = 10_000;

/**
 * Hot path: decides whether an outbound call is audited and, if so, starts its record.
 * Returns null (and costs almost nothing) for calls nobody records.
 */
export function beginCall(client: ClientKind, method: string, url: string): CallRecord | null {
  const store = contextStorage.getStore();
  let record: CallRecord;
  if (store === undefined) {
    const outside = outsideConsumersFor(method);
    if (outside === null) return null;
    record = new CallRecord(client, null, outside, method, url, Date.now(), performance.now(), outsideMaxBodyBytes());
  } else if (store === SUPPRESSED) {
    return null;
  } else {
    const consumer = store.consumer;
    if (consumer.closed || !consumer.settings.methods.has(method)) return null;
    record = new CallRecord(client, store, [consumer], method, url, Date.now(), performance.now(), consumer.settings.maxBodyBytes);
  }
  if (inFlightCalls.size >= MAX_CALLS_IN_FLIGHT) {
    for (const c of record.consumers) c.untracked();
    return null;
  }
  touch(record);
  inFlightCalls.add(record);
  ensureSweeper(sweep);
  return record;
}

/** Ends a call (once) and hands it to its consumers. */
export function finishCall(record: CallRecord): void {
  if (record.done) return;
  record.done = true;
  record.endedAt = performance.now();
  inFlightCalls.delete(record);
  for (const c of record.consumers) c.accept(record);
}

function sweep(now: number): void {
  for (const record of inFlightCalls) {
    const limit = record.consumers[0]?.settings.incompleteAfterMs ?? 30_000;
    if (now - record.lastActivity < limit) continue;
    record.incomplete = record.status === null
      ? `incomplete: no response within ${limit} ms`
      : `incomplete: response body not finished within ${limit} ms of inactivity`;
    finishCall(record);
  }
  if (inFlightCalls.size === 0) stopSweeper();
}

/** Finalizes every in-flight call of `consumer` now, marked incomplete (used by close). */
export function finishInFlight(consumer: CallConsumer, reason: string): void {
  for (const record of inFlightCalls) {
    if (!record.consumers.includes(consumer)) continue;
    record.incomplete = reason;
    finishCall(record);
  }
}
