/**
 * core's public entry: the only module of core that adapters and sinks may import.
 */
export * from './errors.js';
export * from './schema.js';
export type { Sink, SinkRecord, SinkLimits, SinkEntryFailure, SinkWriteResult, DeliveryStats } from './sink.js';
export { DEFAULT_SINK_LIMITS } from './sink.js';
export type { CoreOptions, DeliveryOptions, IdentifyResult, ResolvedCoreOptions, WhenBufferFull } from './options.js';
export { resolveCoreOptions, DEFAULT_METHODS } from './options.js';
export { contextStorage, runSuppressed, SUPPRESSED, type InboundContext, type Identity, type ContextStore } from './context.js';
export { BodyTap, CallRecord, type ClientKind } from './call-record.js';
export { beginCall, finishCall, guardHook, registerPipeline, registry, reportHookFailure, MAX_CALLS_IN_FLIGHT } from './registry.js';
export { attachRecord, finishAttached, recordOf } from './record-slot.js';
export { AuditPipeline, type AuditBusEvents, type BuildWindow } from './pipeline.js';
export { DEFAULT_REDACTION, REDACTED, redactCardNumbers } from './redact.js';
export { isTextContentType } from './body-decoding.js';
export { serialize, type SerializedEvent } from './fit-event.js';
export { STATS_CHANNEL, STATS_INTERVAL_MS, type StatsMessage } from './stats-channel.js';
export type { SinkWriteContext } from './sink.js';
export { registerShutdownFlush, shutdownParticipants, SHUTDOWN_SIGNALS, type ShutdownSignal, type ShutdownParticipant } from './shutdown.js';
export { fitEvent } from './fit-event.js';
