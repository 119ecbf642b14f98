/**
 * The lateness rule: an account-day is closed, and may be compacted, once the day has ended
 * (UTC) and `latenessMs` more have passed, so that events still in the stream or in a retried
 * Lambda batch have landed. An object that lands later still makes the next run recompact the
 * day (its input list no longer matches the manifest).
 */
import { isDtValue } from '../../core/schema.js';

export const DAY_MS = 86_400_000;
/** Default lateness: 2 hours after midnight UTC. */
export const DEFAULT_LATENESS_MS = 2 * 3_600_000;

/** When `dt` (YYYY-MM-DD) closes. */
export function closesAt(dt: string, latenessMs: number): Date {
  if (!isDtValue(dt)) throw new RangeError(`dt must be a date written YYYY-MM-DD, got ${JSON.stringify(dt)}`);
  return new Date(Date.parse(`${dt}T00:00:00.000Z`) + DAY_MS + latenessMs);
}

export function isClosed(dt: string, latenessMs: number, now: Date): boolean {
  return closesAt(dt, latenessMs).getTime() <= now.getTime();
}

/** The oldest day a run without arguments looks at: `lookbackDays` before `now`'s day. */
export function oldestDayLookedAt(now: Date, lookbackDays: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - lookbackDays * DAY_MS).toISOString().slice(0, 10);
}
