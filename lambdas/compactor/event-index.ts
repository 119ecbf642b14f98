/**
 * The day's events as an index of where each one is, not as the events themselves.
 *
 * Holding a day's parsed events costs about their JSON size in heap (~2.2 KB each: 225 MB for
 * 104,000 benchmark-shaped events), and with the writer's working set that put a 100,000-event
 * day at 570 MB peak RSS, past the 512 MB a 1,024 MB Lambda leaves. So a run reads each input
 * once to check and index it (id, time, a digest of its content, and where it is), keeps only
 * the compressed input, sorts and deduplicates the index, and then parses each kept event again
 * one row group at a time. A source is closed once the last kept event it holds is written:
 * raw objects of one Lambda batch cover a few minutes, so few are open at once.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../core/schema.js';
import { eventContent } from './deduplicate.js';

/** Where one event is, and what is needed to order and deduplicate it without holding it. */
export interface IndexedEvent {
  id: string;
  time: string;
  /** Index into the run's sources. */
  source: number;
  /** Position in that source (a character range of a raw object's text, or a row of a Parquet file). */
  start: number;
  end: number;
  /** SHA-1 of the event's content in schema order: tells a re-delivered copy from a conflicting one. */
  digest: string;
}

/** Something events are read from again, by the positions its index entries name. */
export interface EventSource {
  readonly key: string;
  /** The event at `entry`'s position; may load (inflate, decode) what it needs first. */
  eventAt(entry: IndexedEvent): Promise<AuditEvent> | AuditEvent;
  /** Frees what was loaded; the source can still be read again, at the cost of loading it again. */
  close(): void;
}

export function indexEntry(event: AuditEvent, source: number, start: number, end: number): IndexedEvent {
  return { id: event.id, time: event.time, source, start, end, digest: createHash('sha1').update(eventContent(event)).digest('base64') };
}

export const entryContent = (entry: IndexedEvent): string => entry.digest;

/**
 * The events of `entries` (sorted, distinct) in groups of `groupSize`, read from `sources`; each
 * source is closed after the last entry it holds.
 */
export async function* eventGroups(entries: readonly IndexedEvent[], sources: readonly EventSource[], groupSize: number): AsyncGenerator<AuditEvent[]> {
  const lastUse = new Map<number, number>();
  entries.forEach((entry, position) => lastUse.set(entry.source, position));
  for (let start = 0; start < entries.length; start += groupSize) {
    const group: AuditEvent[] = [];
    for (let position = start; position < Math.min(entries.length, start + groupSize); position++) {
      const entry = entries[position]!;
      const source = sources[entry.source]!;
      group.push(await source.eventAt(entry));
      if (lastUse.get(entry.source) === position) source.close();
    }
    yield group;
  }
}
