/**
 * Each event once: delivery is at least once (a PutRecords whose answer was lost is sent again,
 * a Lambda batch can be stored twice under other names), so a day's raw objects can hold the
 * same event id more than once. The first copy by time order is kept (the sort is stable, so
 * among copies of one time the first read). Copies that differ in content are counted apart
 * (`conflicting`): the same id with two contents is no re-delivery and deserves a look.
 *
 * Generic over what stands for an event: the compactor deduplicates its index of event
 * positions (event-index.ts), test fixtures deduplicate events themselves.
 */
import { AUDIT_EVENT_FIELDS, type AuditEvent } from '../../core/schema.js';

export interface Deduplicated<T> {
  /** Distinct items, sorted by `time`, then `id`. */
  kept: T[];
  duplicatesDropped: number;
  /** Dropped copies whose content differed from the kept one. */
  conflicting: number;
}

const byTimeThenId = (a: { time: string; id: string }, b: { time: string; id: string }): number =>
  (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Sorts `all` in place and keeps the first of each id; `contentOf` tells copies apart. */
export function deduplicate<T extends { id: string; time: string }>(all: T[], contentOf: (item: T) => string): Deduplicated<T> {
  all.sort(byTimeThenId);
  const seen = new Map<string, string>();
  const kept: T[] = [];
  let conflicting = 0;
  for (const item of all) {
    const content = seen.get(item.id);
    if (content === undefined) {
      seen.set(item.id, contentOf(item));
      kept.push(item);
    } else if (content !== contentOf(item)) {
      conflicting += 1;
    }
  }
  return { kept, duplicatesDropped: all.length - kept.length, conflicting };
}

/**
 * An event's content in schema field order, so that an event parsed from a raw line and the same
 * event read back from Parquet (whose fields come in schema order) compare equal.
 */
export const eventContent = (event: AuditEvent): string => JSON.stringify(AUDIT_EVENT_FIELDS.map((f) => event[f.name]));
