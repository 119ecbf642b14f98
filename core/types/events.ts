/**
 * What an audit log publishes to its subscribers (`audit.on(name, listener)`), public.
 */
import type { AuditEvent } from './audit-event.js';
import type { DeliveryStats } from './stats.js';

export interface AuditLogEvents {
  /**
   * A built, redacted event on its way to the sink: what will be stored. Treat it as read-only
   * (change events with the `redact` option); a listener that throws is reported to `onError`.
   */
  event: [event: AuditEvent];
  /** The delivery counters changed (after every batch, drop or retry). */
  stats: [stats: DeliveryStats];
}

export type AuditLogEventName = keyof AuditLogEvents;
export type AuditLogListener<K extends AuditLogEventName> = (...args: AuditLogEvents[K]) => void;
