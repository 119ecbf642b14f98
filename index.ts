/**
 * http-audit-log: the front door.
 *
 *   const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 'audit' } });
 *   app.use(audit);            // Express 5 or Koa 3
 *   await audit.flush();       // deliver what has finished so far
 *   await audit.close();       // flush, then remove the hooks
 *
 * This file is the composition root: it alone wires core, the adapters and the sinks together.
 */
import {
  AuditPipeline, registerPipeline, registerShutdownFlush, resolveCoreOptions,
  type CoreOptions, type DeliveryStats, type Sink,
} from './core/index.js';
import { runExpressRequest } from './adapters/express.js';
import { runKoaRequest } from './adapters/koa.js';
import { installOutboundHooks } from './adapters/outbound/install.js';
import { selectSink, type SinkSelectionOptions } from './sinks/select.js';

export * from './core/schema.js';
export * from './core/errors.js';
export type { Sink, SinkRecord, SinkLimits, SinkEntryFailure, SinkWriteResult, SinkWriteContext, DeliveryStats, CoreOptions, DeliveryOptions, IdentifyResult, WhenBufferFull, StatsMessage } from './core/index.js';
export { DEFAULT_REDACTION, REDACTED, STATS_CHANNEL, SinkTimeoutError } from './core/index.js';
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
  /** The instance's pipeline (for the framework-specific helpers in ./express and ./koa). */
  readonly pipeline: AuditPipeline;
}

export type AuditLog = ExpressStyle & KoaStyle & AuditLogControls;

export function auditLog(options: AuditLogOptions = {}): AuditLog {
  const resolved = resolveCoreOptions(options);
  // Synchronous: a missing stream name or peer package throws here. The sink module itself
  // (and its AWS SDK client) loads in the background.
  const sink: Sink = selectSink(options);
  const pipeline = new AuditPipeline(resolved, sink);
  const release = registerPipeline(pipeline, installOutboundHooks);
  // SIGTERM/SIGINT flush; one handler per process however many instances (see core/shutdown.ts).
  const releaseSignals = resolved.handleSignals
    ? registerShutdownFlush({ flush: () => pipeline.flush(), graceMs: resolved.shutdownGraceMs })
    : () => {};

  // Events still buffered when the app's event loop empties are delivered before it exits
  // (`queued` includes finished calls waiting in the build window, whose timer is unref'd).
  const onBeforeExit = () => {
    if (pipeline.stats().queued > 0) void pipeline.flush();
  };
  process.on('beforeExit', onBeforeExit);

  // Express calls (req, res, next); Koa calls (ctx, next). Tell them apart by the arguments
  // actually passed, never by declared arity.
  function audit(a: any, b: any, c?: any): any {
    if (typeof c === 'function') return runExpressRequest(pipeline, a, c);
    return runKoaRequest(pipeline, a, b);
  }

  let closing: Promise<void> | null = null;
  const controls: AuditLogControls = {
    pipeline,
    flush: () => pipeline.flush(),
    stats: () => pipeline.stats(),
    close: () => (closing ??= (async () => {
      try {
        await pipeline.close(sink);
      } finally {
        process.off('beforeExit', onBeforeExit);
        releaseSignals();
        release();
      }
    })()),
  };
  return Object.assign(audit, controls) as AuditLog;
}
