/**
 * Delivery: where an event is queued and written. The dispatcher's bounded buffer, batches cut
 * to the sink's limits, retries with backoff, and every event counted (sent, retried, dropped,
 * failed); the stats channel. The Sink contract itself is a public type (core/types/sink.ts).
 */
export { Dispatcher, type DispatcherHooks } from './dispatcher.js';
export { DEFAULT_SINK_LIMITS } from './sink-limits.js';
export { Spool } from './spool/spool.js';
export { SpoolCorruptionError, type SpoolGap, type SpoolSettings, type SpoolStats } from './spool/spool-types.js';
export { GAP_METHOD, GAP_URL } from './spool/gap-event.js';
export { STATS_CHANNEL, STATS_INTERVAL_MS, StatsPublisher } from './stats-channel.js';
