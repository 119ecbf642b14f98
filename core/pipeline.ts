/**
 * One auditLog() instance's path from finished call to sink: finished CallRecords wait in a short
 * build window (off the request path), are built into events together, published on the
 * instance's event bus (eventemitter3), and handed to the dispatcher.
 */
import { EventEmitter } from 'eventemitter3';
import type { CallRecord } from './call-record.js';
import { buildEvent } from './build-event.js';
import { Dispatcher } from './dispatcher.js';
import type { ResolvedCoreOptions } from './options.js';
import { compileRedactor, type Redactor } from './redact.js';
import { finishInFlight } from './registry.js';
import type { AuditEvent } from './schema.js';
import type { DeliveryStats, Sink } from './sink.js';

export interface AuditBusEvents {
  /** A finished, redacted event on its way to the sink. */
  event: [AuditEvent];
  /** Delivery counters changed. */
  stats: [DeliveryStats];
}

/**
 * Finished calls are built together: after BUILD_WINDOW_MS, or at once when BUILD_BATCH are
 * waiting. Building each call on its own, between the app's requests, ran our code cold every
 * time: at a fixed 1,000 req/s in the Express benchmark, building in windows cut the audit log's
 * added CPU per request by 33–37 µs of about 110 (two A/B runs of 6 alternating runs each;
 * docs/performance.md).
 * Both bounds keep memory small: at most 64 records, or 20 ms of calls, wait.
 */
const BUILD_WINDOW_MS = 20;
const BUILD_BATCH = 64;

/** The build window's bounds; only tests change them, to observe the window on a loaded machine. */
export interface BuildWindow {
  readonly ms: number;
  readonly batch: number;
}

export class AuditPipeline {
  readonly bus = new EventEmitter<AuditBusEvents>();
  closed = false;
  private readonly redactor: Redactor;
  private readonly dispatcher: Dispatcher;
  private finished: CallRecord[] = [];
  private buildTimer: NodeJS.Timeout | null = null;
  private buildImmediate = false;
  private readonly drainNow = () => this.drain();

  constructor(
    readonly options: ResolvedCoreOptions,
    sink: Sink | Promise<Sink>,
    private readonly window: BuildWindow = { ms: BUILD_WINDOW_MS, batch: BUILD_BATCH },
  ) {
    this.redactor = compileRedactor(options.redactKeys);
    this.dispatcher = new Dispatcher(sink, options.delivery, {
      onError: options.onError,
      onDrop: options.onDrop,
      onStats: (s) => {
        if (this.bus.listenerCount('stats') > 0) this.bus.emit('stats', s);
      },
      waitingUpstream: () => this.finished.length,
    });
    this.bus.on('event', (e) => this.dispatcher.enqueue(e));
  }

  /** Hot path: a call finished. Only queues it; the work happens when the build window closes. */
  accept(record: CallRecord): void {
    this.finished.push(record);
    if (this.finished.length >= this.window.batch) {
      if (!this.buildImmediate) {
        this.buildImmediate = true;
        setImmediate(this.drainNow);
      }
    } else if (this.buildTimer === null) {
      this.buildTimer = setTimeout(this.drainNow, this.window.ms);
      // Never keeps the app alive: a flush on beforeExit (index.ts) builds what is waiting.
      this.buildTimer.unref();
    }
  }

  /** A call could not be tracked (too many in flight): counted as dropped, reported. */
  countUntracked(): void {
    this.dispatcher.recordDrop(1, 'too many outbound calls in flight to track');
  }

  /** Delivery counters; `queued` includes finished calls still waiting in the build window. */
  stats(): DeliveryStats {
    return this.dispatcher.stats();
  }

  private drain(): void {
    this.buildImmediate = false;
    if (this.buildTimer !== null) {
      clearTimeout(this.buildTimer);
      this.buildTimer = null;
    }
    if (this.finished.length === 0) return;
    const batch = this.finished;
    this.finished = [];
    for (const record of batch) {
      let event: AuditEvent;
      try {
        event = buildEvent(record, this.options, this.redactor);
      } catch (err) {
        this.options.onError(err);
        this.dispatcher.recordDrop(1, 'event could not be built');
        continue;
      }
      this.bus.emit('event', event);
    }
  }

  /** Delivers every event finished so far. */
  async flush(): Promise<void> {
    this.drain();
    await this.dispatcher.flush();
  }

  /** Finalizes calls still in flight (marked incomplete), flushes, and closes the sink. */
  async close(sink: Sink | Promise<Sink>): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    finishInFlight(this, 'incomplete: audit log closed before the call finished');
    await this.flush();
    try {
      const s = await sink;
      await s.close?.();
    } catch (err) {
      this.options.onError(err);
    }
  }
}
