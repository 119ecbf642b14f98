/**
 * The record schema, version 1: one audit event. A contract (docs/capture.md): field names are
 * the Athena column names, and a change needs a new schema_version and a migration note.
 * Validation, the field list and the partition layout are in core/schema.ts.
 */
export const SCHEMA_VERSION = 1 as const;

/** One recorded outbound HTTP call. Field names are the Athena column names. */
export interface AuditEvent {
  /** Unique id (UUIDv7: sortable by time). */
  id: string;
  /** Request start, ISO-8601 UTC with milliseconds: `2026-11-25T16:21:51.123Z`. */
  time: string;
  account_id: string | null;
  user_id: string | null;
  /** The id of the inbound request during which the call was made; null outside one. */
  request_id: string | null;
  method: string;
  /** The URL called, with secrets redacted. */
  url: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** From request start to the end of the response body (or the error), in milliseconds. */
  duration_ms: number;
  request_headers: Record<string, string>;
  request_body: string | null;
  request_body_truncated: boolean;
  response_headers: Record<string, string>;
  response_body: string | null;
  response_body_truncated: boolean;
  /** What went wrong (network error, timeout, abort, incomplete body), or null. */
  error: string | null;
  client: 'fetch' | 'http';
  schema_version: typeof SCHEMA_VERSION;
}
