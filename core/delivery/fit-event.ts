/**
 * Makes an event fit a sink's per-record size limit by shrinking its bodies (and setting their
 * truncation flags) rather than dropping it. Only events over the limit pay for this.
 */
import type { AuditEvent } from '../types/audit-event.js';

export interface SerializedEvent {
  event: AuditEvent;
  json: string;
  bytes: number;
}

export function serialize(event: AuditEvent): SerializedEvent {
  const json = JSON.stringify(event);
  // Most events are ASCII: length equals byte length, and byteLength is the slower call.
  return { event, json, bytes: Buffer.byteLength(json) };
}

/** Cuts a string to about `maxBytes` UTF-8 bytes without splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const buf = Buffer.from(text, 'utf8');
  if (buf.byteLength <= maxBytes) return text;
  const s = buf.subarray(0, maxBytes).toString('utf8');
  return s.endsWith('\uFFFD') ? s.slice(0, -1) : s;
}

/**
 * Returns the event serialized within `maxBytes`, shrinking bodies first, then header values.
 * Returns null when even an event with empty bodies and headers does not fit (a huge URL).
 */
export function fitEvent(serialized: SerializedEvent, maxBytes: number): SerializedEvent | null {
  if (serialized.bytes <= maxBytes) return serialized;
  let event = serialized.event;
  let current = serialized;
  for (let round = 0; round < 6 && current.bytes > maxBytes; round++) {
    const excess = current.bytes - maxBytes;
    const reqBytes = Buffer.byteLength(event.request_body ?? '');
    const resBytes = Buffer.byteLength(event.response_body ?? '');
    if (reqBytes + resBytes > 0) {
      // Cut the larger body by the excess (plus slack for JSON escaping, which only makes the
      // serialized form longer than the raw text, so cutting raw bytes removes at least as many).
      const cut = excess + 64;
      event = resBytes >= reqBytes
        ? { ...event, response_body: cutToBytes(event.response_body ?? '', resBytes - cut), response_body_truncated: true }
        : { ...event, request_body: cutToBytes(event.request_body ?? '', reqBytes - cut), request_body_truncated: true };
    } else {
      const cap = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.slice(0, 256)]));
      event = { ...event, request_headers: cap(event.request_headers), response_headers: cap(event.response_headers) };
      const next = serialize(event);
      return next.bytes <= maxBytes ? next : null;
    }
    current = serialize(event);
  }
  return current.bytes <= maxBytes ? current : null;
}
