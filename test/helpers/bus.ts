/**
 * Publishes a pre-built event on an audit log's bus: the seam the event builder publishes every
 * built event on, and the one the dispatcher listens to. Tests of delivery and sinks use it to
 * drive delivery with exactly the events they want, through the same wiring auditLog() makes.
 */
import type { AuditEvent, AuditLog } from '../../index.js';
import { instanceOf } from '../../instance.js';

export function publishEvent(audit: AuditLog, event: AuditEvent): void {
  instanceOf(audit).bus.emit('event', event);
}
