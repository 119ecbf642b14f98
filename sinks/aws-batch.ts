/**
 * What the Kinesis and Firehose sinks share: cutting wire entries into service calls within the
 * per-call limits, and mapping each failed entry (per-entry ErrorCode, or a whole call that
 * failed) back to the dispatcher's record indices so only those are retried.
 */
import type { SinkEntryFailure, SinkWriteResult } from '../core/index.js';

export interface WireEntry {
  /** Bytes the service counts for this entry (data, plus partition key for Kinesis). */
  readonly bytes: number;
  /** Indices of the dispatcher's records this entry carries (one, or many when aggregated). */
  readonly members: readonly number[];
}

/** One entry's outcome: undefined when accepted, else the service's error code. */
export type EntryOutcome = { code: string; message?: string } | undefined;

export function cutIntoCalls<E extends WireEntry>(entries: readonly E[], maxRecords: number, maxBytes: number): E[][] {
  const calls: E[][] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (current.length > 0 && (current.length >= maxRecords || bytes + e.bytes > maxBytes)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * Sends every call (in parallel) and reports the failed records. Rejects only when every call
 * failed as a whole, so the dispatcher sees (and reports) a failed call.
 */
export async function sendCalls<E extends WireEntry>(
  calls: readonly E[][],
  send: (entries: E[]) => Promise<readonly EntryOutcome[]>,
): Promise<SinkWriteResult> {
  const settled = await Promise.allSettled(calls.map((c) => send(c)));
  const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected.length === calls.length && rejected.length > 0) throw rejected[0]!.reason;
  const failed: SinkEntryFailure[] = [];
  settled.forEach((s, callIndex) => {
    const entries = calls[callIndex]!;
    entries.forEach((entry, i) => {
      let outcome: EntryOutcome;
      if (s.status === 'rejected') {
        const err = s.reason as { name?: string; message?: string };
        outcome = { code: err?.name ?? 'Error', message: err?.message };
      } else {
        outcome = s.value[i];
      }
      if (outcome === undefined) return;
      for (const index of entry.members) failed.push({ index, code: outcome.code, message: outcome.message, retryable: true });
    });
  });
  return { failed };
}

/**
 * Per-entry outcomes from a response whose entries line up with the request (Kinesis `Records`,
 * Firehose `RequestResponses`). A response claiming failures without a usable entry list counts
 * every entry as failed: better a duplicate than a loss.
 */
export function outcomesOf(
  count: number,
  failedCount: number | undefined,
  responses: ReadonlyArray<{ ErrorCode?: string; ErrorMessage?: string }> | undefined,
): EntryOutcome[] {
  if ((failedCount ?? 0) === 0) return new Array<EntryOutcome>(count).fill(undefined);
  if (responses === undefined || responses.length !== count) {
    return new Array<EntryOutcome>(count).fill({ code: 'UnmatchedResponse', message: 'failures reported without a matching entry list' });
  }
  return responses.map((r) => (r.ErrorCode ? { code: r.ErrorCode, message: r.ErrorMessage } : undefined));
}
