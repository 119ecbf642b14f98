/**
 * Nothing an outbound hook does may throw into the app: subscribers are wrapped, and whatever
 * goes wrong inside them goes to the onError of the instances concerned.
 */
import type { CallRecord } from './call-record.js';
import { liveConsumers } from './consumers.js';

/** An unexpected error inside a hook: to the consumers of `record` (or of every live instance), never to the app. */
export function reportHookFailure(err: unknown, record?: CallRecord | null): void {
  const targets = record?.consumers ?? liveConsumers();
  for (const c of targets) {
    try {
      c.onError(err);
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
