/**
 * One auditLog() instance, wired in a straight line: capture hands each finished call to this
 * instance (its CallConsumer), the event builder turns calls into events in windows and
 * publishes each on the instance's bus, and the dispatcher — one subscriber of the bus — delivers
 * them. Nothing downstream calls back upstream: the counters are put together here.
 *
 * Part of the composition root (with index.ts): the only place that knows all three concerns.
 */
import { finishInFlight, runSuppressed, type CallConsumer, type CallRecord } from './core/capture/index.js';
import { Dispatcher, Spool, StatsPublisher } from './core/delivery/index.js';
import { ConfigurationError } from './core/errors.js';
import { AuditEventBus, EventBuilder, type BuildWindow } from './core/event/index.js';
import type { ResolvedCoreOptions } from './core/options.js';
import type { DeliveryStats, Sink } from './core/types/index.js';

const NO_SPOOL = { spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 } as const;

/** Each audit log's instance, for the composition root and tests only (not a package export). */
const instances = new WeakMap<object, AuditInstance>();

export function instanceOf(audit: object): AuditInstance {
  const instance = instances.get(audit);
  if (instance === undefined) throw new TypeError('not an audit log made by auditLog()');
  return instance;
}

export function rememberInstance(audit: object, instance: AuditInstance): void {
  instances.set(audit, instance);
}

export class AuditInstance implements CallConsumer {
  /** Built events go out here; the dispatcher listens, and so may the user (`audit.on`). */
  readonly bus: AuditEventBus;
  closed = false;
  readonly onError: (err: unknown) => void;
  private readonly builder: EventBuilder;
  private readonly dispatcher: Dispatcher;
  private readonly spool: Spool | null = null;
  private readonly statsPublisher: StatsPublisher;

  constructor(readonly settings: ResolvedCoreOptions, private readonly sink: Sink, window?: BuildWindow) {
    this.onError = settings.onError;
    this.bus = new AuditEventBus(settings.onError);
    this.dispatcher = new Dispatcher(sink, settings.delivery, {
      onError: settings.onError,
      onDrop: settings.onDrop,
      onChange: () => this.countersChanged(),
      runSinkCall: runSuppressed,
    });
    if (settings.spool !== null) {
      const dispatcher = this.dispatcher;
      try {
        this.spool = new Spool({
          ...settings.spool,
          // Rotation bounds how much one crash can replay twice; 8 MiB is ~5,000 benchmark-shaped events.
          segmentBytes: Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(settings.spool.maxBytes / 8))),
          readyRecords: Math.min(1_000, settings.delivery.maxBufferEvents),
          maxPendingBytes: settings.delivery.maxBufferBytes,
        }, {
          onError: settings.onError,
          onReadable: () => dispatcher.spoolReadable(),
          onLost: (records, reason) => dispatcher.spoolLost(records, reason),
          onGap: (gap) => dispatcher.spoolGap(gap),
        });
      } catch (err) {
        throw new ConfigurationError(`option "spool.dir" ${JSON.stringify(settings.spool.dir)} cannot be used: ${(err as Error).message}`, 'spool.dir');
      }
      this.dispatcher.attachSpool(this.spool);
    }
    this.builder = new EventBuilder(settings, {
      built: (event) => this.bus.emit('event', event),
      unbuildable: () => this.dispatcher.recordDrop(1, 'event could not be built'),
    }, window);
    this.bus.on('event', (event) => this.dispatcher.enqueue(event));
    this.statsPublisher = new StatsPublisher(() => ({ sink: sink.name, ...this.stats() }), settings.onError);
  }

  /** Hot path (CallConsumer): a call finished; it waits in the build window. */
  accept(record: CallRecord): void {
    this.builder.accept(record);
  }

  /** CallConsumer: a call could not be tracked. */
  untracked(): void {
    this.dispatcher.recordDrop(1, 'too many outbound calls in flight to track');
  }

  /** Delivery counters; `queued` includes finished calls still waiting in the build window. */
  stats(): DeliveryStats {
    const delivery = this.dispatcher.stats();
    const spool = this.spool?.stats() ?? NO_SPOOL;
    return { ...delivery, queued: delivery.queued + this.builder.waiting, ...spool };
  }

  /** Delivers every event finished so far. */
  async flush(): Promise<void> {
    this.builder.drain();
    await this.dispatcher.flush();
    this.statsPublisher.publishNow();
  }

  /** Finalizes calls still in flight (marked incomplete), flushes, and closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    finishInFlight(this, 'incomplete: audit log closed before the call finished');
    if (this.spool !== null) {
      // Durable first; then deliver what the sink takes within the grace, the rest waits on disk for the next start.
      this.builder.drain();
      await this.spool.sync();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.dispatcher.flush(), new Promise((resolve) => { timer = setTimeout(resolve, this.settings.shutdownGraceMs); })]);
      clearTimeout(timer);
      this.dispatcher.releaseFlushes();
      await this.spool.close();
      this.statsPublisher.publishNow();
    } else {
      await this.flush();
    }
    try {
      await this.sink.close?.();
    } catch (err) {
      this.onError(err);
    }
  }

  private countersChanged(): void {
    if (this.bus.listens('stats')) this.bus.emit('stats', this.stats());
    this.statsPublisher.changed();
  }
}
