/**
 * Each event once: delivery is at least once (a PutRecords whose answer was lost is sent again,
 * a Lambda batch can be stored twice under other names), so a day's raw objects can hold the
 * same event id more than once. The first copy by time order is kept. Copies that differ in
 * content are counted apart (`conflicting`): the same id with two contents is no re-delivery and
 * deserves a look.
 */
import type { AuditEvent } from '../../core/schema.js';

export interface DeduplicatedEvents {
  /** Distinct events, sorted by `time`, then `id`. */
  events: AuditEvent[];
  duplicatesDropped: number;
  /** Dropped copies whose content differed from the kept one. */
  conflicting: number;
}

const byTimeThenId = (a: AuditEvent, b: AuditEvent): number => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function deduplicate(all: AuditEvent[]): DeduplicatedEvents {
  all.sort(byTimeThenId);
  const seen = new Map<string, AuditEvent>();
  const events: AuditEvent[] = [];
  let conflicting = 0;
  for (const event of all) {
    const kept = seen.get(event.id);
    if (kept === undefined) {
      seen.set(event.id, event);
      events.push(event);
    } else if (JSON.stringify(kept) !== JSON.stringify(event)) {
      conflicting += 1;
    }
  }
  return { events, duplicatesDropped: all.length - events.length, conflicting };
}
