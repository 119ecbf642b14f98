/**
 * One auditLog() instance, wired in a straight line: capture hands each finished call to this
 * instance (its CallConsumer), the event builder turns calls into events in windows and
 * publishes each on the instance's bus, and the dispatcher — one subscriber of the bus — delivers
 * them. Nothing downstream calls back upstream: the counters are put together here.
 *
 * Part of the composition root (with index.ts): the only place that knows all three concerns.
 */
import { finishInFlight, runSuppressed, type CallConsumer, type CallRecord } from './core/capture/index.js';
import { Dispatcher, StatsPublisher } from './core/delivery/index.js';
import { AuditEventBus, EventBuilder, type BuildWindow } from './core/event/index.js';
import type { ResolvedCoreOptions } from './core/options.js';
import type { DeliveryStats, Sink } from './core/types/index.js';

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
    const stats = this.dispatcher.stats();
    stats.queued += this.builder.waiting;
    return stats;
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
    await this.flush();
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
