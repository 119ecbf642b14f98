/**
 * A finished call → a schema-v1 AuditEvent: identity, header normalization, body decoding,
 * redaction and the user's `redact` hook. Runs off the request path (build-window.ts builds
 * finished calls in batches).
 */
import { HookError } from '../errors.js';
import { SCHEMA_VERSION, validateAuditEvent, type AuditEvent } from '../schema.js';
import { decodeBody } from './body-decoding.js';
import type { BuildSettings, FinishedCall } from './finished-call.js';
import { normalizeHeaders } from './headers.js';
import { resolveIdentity, resolveRequestId } from './identity.js';
import type { Redactor } from './redaction/index.js';
import { uuidv7 } from './uuid-v7.js';

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
    return `${err.name}${code ? ` ${String(code)}` : ''}: ${err.message}`;
  }
  return String(err);
}

export function buildEvent(record: FinishedCall, options: BuildSettings, redactor: Redactor): AuditEvent {
  const identity = record.context ? resolveIdentity(record.context, options.identify, options.onError) : { accountId: null, userId: null };
  const requestHeaders = normalizeHeaders(record.requestHeaders);
  const responseHeaders = normalizeHeaders(record.responseHeaders);
  const limit = Math.min(options.maxBodyBytes, record.maxBodyBytes);
  const req = options.maxBodyBytes === 0
    ? { body: null, truncated: (record.requestBody?.total ?? 0) > 0 }
    : decodeBody(record.requestBody, requestHeaders['content-type'], requestHeaders['content-encoding'], limit);
  const res = options.maxBodyBytes === 0
    ? { body: null, truncated: (record.responseBody?.total ?? 0) > 0 }
    : decodeBody(record.responseBody, responseHeaders['content-type'], responseHeaders['content-encoding'], limit);
  let error: string | null = record.error !== null ? errorText(record.error) : record.incomplete;
  if (record.error !== null && record.incomplete !== null) error = `${error} (${record.incomplete})`;

  let event: AuditEvent = {
    id: uuidv7(record.startedAtMs),
    time: new Date(record.startedAtMs).toISOString(),
    account_id: identity.accountId,
    user_id: identity.userId,
    request_id: record.context ? resolveRequestId(record.context) : null,
    method: record.method,
    url: redactor.url(record.url),
    status: record.status,
    duration_ms: Math.round((record.endedAt - record.startedAt) * 1000) / 1000,
    request_headers: redactor.headers(requestHeaders),
    request_body: redactor.body(req.body, requestHeaders['content-type'], record.url),
    request_body_truncated: req.truncated,
    response_headers: redactor.headers(responseHeaders),
    response_body: redactor.body(res.body, responseHeaders['content-type'], record.url),
    // A response whose body was cut by an error or the inactivity sweep never finished.
    response_body_truncated: res.truncated || (record.status !== null && (record.incomplete !== null || record.error !== null)),
    error: redactor.text(error),
    client: record.client,
    schema_version: SCHEMA_VERSION,
  };
  if (options.redact !== null) {
    try {
      // The hook may mutate or replace; either way the result must still be a v1 event.
      const draft = structuredClone(event);
      event = validateAuditEvent(options.redact(draft) ?? draft);
    } catch (err) {
      // Keep the event with default redaction: recorded with what is known.
      options.onError(new HookError('redact', err));
    }
  }
  return event;
}
