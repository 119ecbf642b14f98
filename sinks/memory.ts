/**
 * In-memory sink: delivered events land in `events`, as parsed from the serialized JSON (so a
 * test sees exactly what a real sink would have shipped). For tests and local development.
 */
import type { AuditEvent, Sink, SinkRecord } from '../core/index.js';

export interface MemorySink extends Sink {
  /** Every delivered event, oldest first. */
  readonly events: AuditEvent[];
  /** Removes all delivered events. */
  clear(): void;
}

export function memorySink(): MemorySink {
  const events: AuditEvent[] = [];
  return {
    name: 'memory',
    events,
    write(records: readonly SinkRecord[]) {
      for (const r of records) events.push(JSON.parse(r.json) as AuditEvent);
    },
    clear() {
      events.length = 0;
    },
  };
}
