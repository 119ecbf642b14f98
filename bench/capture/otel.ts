/**
 * The OpenTelemetry comparison mode of the capture benchmark: what a team would run instead of
 * http-audit-log to see its outbound calls. instrumentation-undici (fetch, via diagnostics_channel)
 * and instrumentation-http (node:http, by patching the module) under a NodeTracerProvider, whose
 * register() installs the AsyncLocalStorage context manager, with default options (so inbound
 * requests get server spans too, as they do in a standard setup) and a BatchSpanProcessor feeding
 * an exporter that drops every batch at once: the cost measured is instrumentation, not export.
 */
import { createRequire } from 'node:module';
import { SpanKind } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/** ExportResultCode.SUCCESS from @opentelemetry/core, inlined so the benchmark needs no extra import. */
const SUCCESS = 0;

export interface OpenTelemetryHandle {
  /** Spans exported so far: proves the instrumentations actually ran. */
  exportedSpans(): number;
  /** Of those, client spans (the outbound calls): proves the app's own client was instrumented. */
  exportedClientSpans(): number;
  /** Exports whatever the batch processor still holds, so the count covers every request. */
  flush(): Promise<void>;
}

export function startOpenTelemetry(): OpenTelemetryHandle {
  let exported = 0;
  let exportedClient = 0;
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      exported += spans.length;
      for (const span of spans) if (span.kind === SpanKind.CLIENT) exportedClient++;
      done({ code: SUCCESS });
    },
    shutdown: async () => {},
  };
  // A queue larger than the default 2,048 so that no span is dropped at full load: dropping
  // would make OpenTelemetry look cheaper than it is.
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 16_384, maxExportBatchSize: 512, scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });
  // instrumentation-http patches node:http when it is require()d (require-in-the-middle). The app
  // imports it as ESM, whose default export IS the CommonJS exports object: requiring it once
  // here patches `request`/`get` and `Server.prototype.emit` in place for the ESM importers too.
  createRequire(import.meta.url)('node:http');
  return { exportedSpans: () => exported, exportedClientSpans: () => exportedClient, flush: () => processor.forceFlush() };
}
