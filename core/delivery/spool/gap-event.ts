/**
 * The gap record: a pause in audit logging is itself logged (PCI DSS 10.2.1.x; ISO 27001 A.8.15).
 * When the spool had to drop events (full, or the disk full) and has room again, the front door
 * writes one event-shaped record saying how many events were lost, between which times and why.
 * It is a schema-v1 event (so every store and query takes it) that no HTTP call made: method
 * `AUDIT-GAP`, url `urn:http-audit-log:gap`, the figures in `error` as text and in
 * `request_body` as JSON. docs/spool.md shows how to query for it.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../types/audit-event.js';
import type { SpoolGap } from './spool-types.js';

export const GAP_METHOD = 'AUDIT-GAP';
export const GAP_URL = 'urn:http-audit-log:gap';

export function gapEvent(gap: SpoolGap): AuditEvent {
  return {
    id: randomUUID(),
    time: gap.to,
    account_id: null,
    user_id: null,
    request_id: null,
    method: GAP_METHOD,
    url: GAP_URL,
    status: null,
    duration_ms: Math.max(0, Date.parse(gap.to) - Date.parse(gap.from)),
    request_headers: {},
    request_body: JSON.stringify({ gap: { lost: gap.lost, from: gap.from, to: gap.to, reason: gap.reason } }),
    request_body_truncated: false,
    response_headers: {},
    response_body: null,
    response_body_truncated: false,
    error: `audit log gap: ${gap.lost} event(s) lost between ${gap.from} and ${gap.to}: ${gap.reason}`,
    client: 'http',
    schema_version: 1,
  };
}
