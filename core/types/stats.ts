/** Delivery counters (public): what `audit.stats()` returns and the stats channel publishes. */

/** Delivery counters, as returned by `audit.stats()`. */
export interface DeliveryStats {
  /** Events waiting to be built (a build window lasts ≤ 20 ms), buffered, or in a sink call right now. */
  queued: number;
  /** Events the sink accepted. */
  sent: number;
  /** Retries of events (one per event per retry). */
  retried: number;
  /** Events dropped without a delivery attempt (buffer full, too large, not trackable). */
  dropped: number;
  /** Events given up after a failed delivery (retry budget spent or not retryable). */
  failed: number;
  /** Spool (0 when off): bytes of its files on disk and pending writes. */
  spooledBytes: number;
  /** Spool: events in it not yet acknowledged by the sink. */
  spooledEvents: number;
  /** Spool: events read back from segments an earlier (or a dead) process left. */
  replayed: number;
  /** Spool: segment files found damaged (moved aside; their intact records delivered). */
  corrupt: number;
}

/** A message on the `http-audit-log:stats` diagnostics channel. */
export interface StatsMessage extends DeliveryStats {
  /** The sink's name (`kinesis`, `firehose`, `file`, `stdout`, `memory`, or a custom sink's). */
  sink: string;
}
