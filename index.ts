/**
 * http-audit-log: the front door.
 *
 *   const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 'audit' } });
 *   app.use(audit);                 // Express 5 or Koa 3
 *   audit.on('event', (e) => …);    // every event as it goes to the sink
 *   await audit.flush();            // deliver what has finished so far
 *   await audit.close();            // flush, then remove the hooks
 *
 * This file and instance.ts are the composition root: they alone wire capture, event building,
 * delivery, the adapters and the sinks together.
 */
import { registerConsumer } from './core/capture/index.js';
import { registerShutdownFlush, resolveCoreOptions, type AuditLogEventName, type AuditLogListener, type CoreOptions, type DeliveryStats, type Sink } from './core/index.js';
import { runExpressRequest } from './adapters/express.js';
import { runKoaRequest } from './adapters/koa.js';
import { installOutboundHooks } from './adapters/outbound/install.js';
import { AuditInstance, rememberInstance } from './instance.js';
import { selectSink, type SinkSelectionOptions } from './sinks/select.js';

export * from './core/schema.js';
export * from './core/errors.js';
export type * from './core/types/index.js';
export { GAP_METHOD, STATS_CHANNEL } from './core/delivery/index.js';
export { DEFAULT_REDACTION, REDACTED } from './core/event/index.js';
export { memorySink, type MemorySink } from './sinks/memory.js';
export { stdoutSink } from './sinks/stdout.js';
export type { SinkName, SinkSelectionOptions } from './sinks/select.js';
// Types only: the Kinesis and Firehose sinks load their AWS SDK clients, so their factories live
// behind the subpath exports http-audit-log/sinks/kinesis, /sinks/firehose and /sinks/file.
export type { KinesisSinkOptions, FirehoseSinkOptions, FileSinkOptions, StdoutSinkOptions } from './sinks/config.js';

export interface AuditLogOptions extends CoreOptions, SinkSelectionOptions {}

/** Structural Express and Koa signatures, so neither framework's types are needed to use this. */
type ExpressStyle = (req: any, res: any, next: (err?: any) => void) => void;
type KoaStyle = (ctx: any, next: () => Promise<any>) => Promise<unknown>;

export interface AuditLogControls {
  /** Resolves when every event finished so far has been delivered to the sink (or given up and reported). */
  flush(): Promise<void>;
  /** Flushes, then unsubscribes every hook this instance holds; further inbound requests pass through. */
  close(): Promise<void>;
  /** Delivery counters: queued, sent, retried, dropped, failed. */
  stats(): DeliveryStats;
  /**
   * Subscribes to what this audit log publishes: `'event'`, each built, redacted event as it goes
   * to the sink; `'stats'`, the counters after each change. A listener that throws is reported to
   * `onError`; neither the app nor delivery sees it.
   */
  on<K extends AuditLogEventName>(name: K, listener: AuditLogListener<K>): AuditLog;
  /** Removes a listener added with `on`. */
  off<K extends AuditLogEventName>(name: K, listener: AuditLogListener<K>): AuditLog;
}

export type AuditLog = ExpressStyle & KoaStyle & AuditLogControls;

export function auditLog(options: AuditLogOptions = {}): AuditLog {
  const resolved = resolveCoreOptions(options);
  // Synchronous: a missing stream name or peer package throws here. The sink module itself
  // (and its AWS SDK client) loads in the background.
  const sink: Sink = selectSink(options);
  const instance = new AuditInstance(resolved, sink);
  const release = registerConsumer(instance, installOutboundHooks);

  // Express calls (req, res, next); Koa calls (ctx, next). Tell them apart by the arguments
  // actually passed, never by declared arity.
  function audit(a: any, b: any, c?: any): any {
    if (typeof c === 'function') return runExpressRequest(instance, a, c);
    return runKoaRequest(instance, a, b);
  }

  let closing: Promise<void> | null = null;
  const controls: AuditLogControls = {
    flush: () => instance.flush(),
    stats: () => instance.stats(),
    close: () => (closing ??= (async () => {
      try {
        await instance.close();
      } finally {
        process.off('beforeExit', onBeforeExit);
        releaseSignals();
        release();
      }
    })()),
    on(name, listener) {
      instance.bus.on(name, listener);
      return self;
    },
    off(name, listener) {
      instance.bus.off(name, listener);
      return self;
    },
  };
  const self = Object.assign(audit, controls) as AuditLog;
  rememberInstance(self, instance);

  // SIGTERM/SIGINT flush; one handler per process however many instances (see core/shutdown.ts).
  // It calls this audit log's flush(), so an app that wraps flush() sees the call.
  const releaseSignals = resolved.handleSignals
    ? registerShutdownFlush({ flush: () => self.flush(), graceMs: resolved.shutdownGraceMs })
    : () => {};
  // Events still buffered when the app's event loop empties are delivered before it exits
  // (`queued` includes finished calls waiting in the build window, whose timer is unref'd).
  const onBeforeExit = () => {
    if (instance.stats().queued > 0) void instance.flush();
  };
  process.on('beforeExit', onBeforeExit);
  return self;
}
