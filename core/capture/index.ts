/**
 * Capture: where an audit event is born. The inbound context (AsyncLocalStorage), one record
 * per outbound call kept on the client's request object, the in-flight list and its sweep, and
 * the guard around every hook. Finished calls go to the CallConsumer each instance registers.
 *
 * The entry for adapters (the middleware and the outbound hooks) and for the front door.
 */
export type { CallConsumer, CaptureSettings } from './call-record.js';
export { contextStorage, runSuppressed, SUPPRESSED, type ContextStore } from './context.js';
export { BodyTap } from './body-tap.js';
export { CallRecord, type ClientKind, type Identity, type InboundContext } from './call-record.js';
export { attachRecord, finishAttached, recordOf } from './record-slot.js';
export { beginCall, finishCall, finishInFlight, MAX_CALLS_IN_FLIGHT } from './call-lifecycle.js';
export { touch } from './in-flight.js';
export { registerConsumer } from './consumers.js';
export { guardHook, reportHookFailure } from './hook-guard.js';
