/**
 * What every part shares, and what sinks may import: the errors, the event schema and its
 * partition layout, the public types, option resolution, and the signal-time flush.
 *
 * The concerns have their own entries: capture/ (where an event is born: context, call records,
 * hooks' guard), event/ (where it is built and redacted, and the bus it is published on) and
 * delivery/ (where it is queued and written). None of them imports another.
 */
export * from './errors.js';
export * from './schema.js';
export type * from './types/index.js';
export { resolveCoreOptions, DEFAULT_METHODS, type ResolvedCoreOptions, type ResolvedDelivery } from './options.js';
export { registerShutdownFlush, shutdownParticipants, SHUTDOWN_SIGNALS, type ShutdownSignal, type ShutdownParticipant } from './shutdown.js';
