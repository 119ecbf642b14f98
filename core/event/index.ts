/**
 * Event: where a finished call becomes a schema-v1 audit event — identity, headers, bodies,
 * ids, redaction (redaction/) and the user's `redact` hook, built in windows off the request
 * path — and the bus each built event is published on.
 */
export type { BuildSettings, CapturedBody, FinishedCall, InboundRequest } from './finished-call.js';
export { DEFAULT_BUILD_WINDOW, EventBuilder, type BuildOutput, type BuildWindow } from './build-window.js';
export { AuditEventBus } from './event-bus.js';
export { identityFromPrincipal } from './identity.js';
export { DEFAULT_REDACTION, REDACTED } from './redaction/index.js';
