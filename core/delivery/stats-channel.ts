/**
 * Publishes delivery counters on a diagnostics channel, rate-limited: at most one message every
 * STATS_INTERVAL_MS (trailing edge, so the latest counters always go out), plus one on demand
 * (flush). Costs nothing while nobody subscribes.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { HookError } from '../errors.js';
import type { StatsMessage } from '../types/stats.js';

/** Delivery counters are published here as `{ sink, ...stats }`, at most every STATS_INTERVAL_MS and on flush. */
export const STATS_CHANNEL = 'http-audit-log:stats';
export const STATS_INTERVAL_MS = 100;
const statsChannel = diagnosticsChannel.channel(STATS_CHANNEL);

export class StatsPublisher {
  private lastPublish = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly snapshot: () => StatsMessage,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The counters changed: publish now or at the end of the current interval. */
  changed(): void {
    if (!statsChannel.hasSubscribers || this.timer !== null) return;
    const wait = this.lastPublish + STATS_INTERVAL_MS - Date.now();
    if (wait <= 0) return this.publishNow();
    this.timer = setTimeout(() => this.publishNow(), wait);
    this.timer.unref();
  }

  /** Publishes the counters now (flush, or the interval elapsed). */
  publishNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!statsChannel.hasSubscribers) return;
    this.lastPublish = Date.now();
    try {
      statsChannel.publish(this.snapshot());
    } catch (err) {
      // A throwing subscriber must not break delivery.
      this.onError(new HookError(`diagnostics channel ${STATS_CHANNEL} subscriber`, err));
    }
  }
}
