/**
 * The public types, and nothing else: options, the Sink contract, the event, stats, and what an
 * audit log publishes. Internal shapes (resolved options, call records) live beside their code.
 */
export type { AuditEvent } from './audit-event.js';
export type { CoreOptions, DeliveryOptions, IdentifyResult, SpoolOptions, WhenBufferFull } from './options.js';
export type { Sink, SinkEntryFailure, SinkLimits, SinkRecord, SinkWriteContext, SinkWriteResult } from './sink.js';
export type { DeliveryStats, StatsMessage } from './stats.js';
export type { AuditLogEventName, AuditLogEvents, AuditLogListener } from './events.js';
