/**
 * The app under measurement: Express 5, one outbound POST (1 KiB JSON) per inbound request,
 * with fetch or node:http, and MODE none (baseline), otel (OpenTelemetry tracing) or audit
 * (http-audit-log). Reports its own CPU time, and the events or spans produced, between the
 * parent's 'start' and 'stop' messages. Own process.
 *
 * Analysis knobs (docs/performance.md): AUDIT_HANDLE_SIGNALS=0 runs the audit log without its
 * SIGTERM/SIGINT listeners; SIGNAL_LISTENERS=1 adds two such listeners to any mode.
 */
import http from 'node:http';
import express from 'express';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sink, auditLog as AuditLogFn } from '../../index.js';
import { ORDER_BODY_1KIB } from './payload.js';

// Measure what users run: the compiled package (`npm run build`), not tsx-transpiled sources.
const PACKAGE = process.env.AUDIT_PACKAGE ?? '../../dist/index.js';

const { MODE, CLIENT, UPSTREAM } = process.env as Record<string, string>;
const body = ORDER_BODY_1KIB;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Serializes and batches like a real sink, then discards: measures capture, not the network. */
const nullSink: Sink = { name: 'null', write() {} };

let events = 0;
// Set up before the first request: it patches node:http in place (see otel.ts).
const otel = MODE === 'otel' ? (await import('./otel.js')).startOpenTelemetry() : undefined;
const app = express();
if (MODE === 'als' || MODE === 'floor') {
  // The floor of any context-propagating design: one AsyncLocalStorage.run per request.
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const als = new AsyncLocalStorage<object>();
  app.use((req, _res, next) => als.run({ req }, next));
}
// Mode floor: the context plus the least any design must do per call to meet the other
// requirements (redacted JSON events, bodies kept as strings): look once for a sensitive key and
// once for a card number in each body, and serialize one schema-v1-shaped event. No hooks, no
// header handling, no ids, no batching: a lower bound, not an implementation.
const SENSITIVE_KEY = /(?:password|secret|token|api_?key|session|cookie|authorization)[^"=:\s]*["']?\s*[:=]/i;
const CARD_PROBE = /\d\d(?:[ -]?\d){11}|\d[ -]\d(?:[ -]?\d){11}/;
let floorBodiesToRedact = 0;
const floorId = '019abcde-f012-7345-8678-9abcdef01234';
function floorWork(requestBody: string, responseBody: string, startedAt: number): void {
  for (const text of [requestBody, responseBody]) if (SENSITIVE_KEY.test(text) || CARD_PROBE.test(text)) floorBodiesToRedact++;
  const line = JSON.stringify({
    id: floorId, time: new Date(startedAt).toISOString(), account_id: 'acct-1', user_id: 'user-1', request_id: floorId,
    method: 'POST', url: `${UPSTREAM}/orders`, status: 201, duration_ms: Date.now() - startedAt,
    request_headers: { 'content-type': 'application/json' }, request_body: requestBody, request_body_truncated: false,
    response_headers: { 'content-type': 'application/json' }, response_body: responseBody, response_body_truncated: false,
    error: null, client: CLIENT, schema_version: 1,
  });
  if (line.length > 0) events++; // counted like the audit log's events: proof the work ran
}
// Done in windows like the audit log's (up to 64 calls or 20 ms): work done together runs warm.
const floorPending: Array<[string, string, number]> = [];
let floorTimer: NodeJS.Timeout | undefined;
function floorDrain(): void {
  clearTimeout(floorTimer);
  floorTimer = undefined;
  for (const [req, res, at] of floorPending.splice(0)) floorWork(req, res, at);
}
function floorQueue(requestBody: string, responseBody: string, startedAt: number): void {
  floorPending.push([requestBody, responseBody, startedAt]);
  if (floorPending.length >= 64) floorDrain();
  else floorTimer ??= setTimeout(floorDrain, 20);
}
// SIGNAL_LISTENERS=1: no-op SIGTERM/SIGINT listeners, as the audit log's shutdown flush adds
// (analysis of the Node 24 nextTick state, docs/performance.md).
if (process.env.SIGNAL_LISTENERS === '1') for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
let audit: { flush(): Promise<void> } | undefined;
if (MODE === 'audit' || MODE === 'fixed' || MODE === 'spool') {
  const { auditLog } = (await import(PACKAGE)) as { auditLog: typeof AuditLogFn };
  // AUDIT_METHODS=none isolates the fixed cost (context per request, subscribed channels).
  const methods = MODE === 'fixed' || process.env.AUDIT_METHODS === 'none' ? [] : undefined;
  // Mode spool: the audit log with the durable spool on, in a fresh folder under the OS temp dir.
  const spool = MODE === 'spool' ? { spool: { dir: mkdtempSync(join(tmpdir(), 'bench-capture-spool-')) } } : {};
  const instance = auditLog({ sink: nullSink, recordOutsideRequests: false, methods, handleSignals: process.env.AUDIT_HANDLE_SIGNALS !== '0', ...spool, ...(process.env.LINGER ? { delivery: { lingerMs: Number(process.env.LINGER) } } : {}) });
  instance.on('event', () => events++);
  app.use(instance);
  audit = instance;
}
app.use((req, _res, next) => {
  (req as express.Request & { user?: unknown }).user = { accountId: 'acct-1', id: 'user-1' };
  next();
});

function postWithHttp(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${UPSTREAM}/orders`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function postWithFetch(): Promise<string> {
  const res = await fetch(`${UPSTREAM}/orders`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return res.text();
}

const post = CLIENT === 'fetch' ? postWithFetch : postWithHttp;
// SPIN_MICROS: burn that much CPU per request (calibration: how much a known added cost shows).
const SPIN_MICROS = Number(process.env.SPIN_MICROS ?? 0);
const spin = () => {
  const until = performance.now() + SPIN_MICROS / 1000;
  while (performance.now() < until);
};
app.post('/checkout', async (_req, res) => {
  const startedAt = Date.now();
  const upstream = await post();
  if (MODE === 'floor') floorQueue(body, upstream, startedAt);
  if (SPIN_MICROS > 0) spin();
  res.type('application/json').send(upstream);
});

const server = http.createServer(app);
server.keepAliveTimeout = 60_000;
let cpuAtStart = process.cpuUsage();
let eventsAtStart = 0;
let spansAtStart = 0;
let clientSpansAtStart = 0;
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'start') {
    // Spans and events of earlier requests (the warm-up) still queued would be counted in this round.
    void Promise.all([otel?.flush(), audit?.flush()]).then(() => {
      if (MODE === 'floor') floorDrain();
      cpuAtStart = process.cpuUsage();
      eventsAtStart = events;
      spansAtStart = otel?.exportedSpans() ?? 0;
      clientSpansAtStart = otel?.exportedClientSpans() ?? 0;
      process.send!({ ok: true });
    });
  } else if (m.cmd === 'stop') {
    // Let the last requests' deferred work run before reading the clock.
    setImmediate(() => setImmediate(async () => {
      // The batch processor's last partial batch is exported, and the audit log's last build
      // window built and delivered to the null sink: their CPU is counted in the round.
      await Promise.all([otel?.flush(), audit?.flush()]);
      if (MODE === 'floor') floorDrain();
      const cpu = process.cpuUsage(cpuAtStart);
      const spans = (otel?.exportedSpans() ?? 0) - spansAtStart;
      const clientSpans = (otel?.exportedClientSpans() ?? 0) - clientSpansAtStart;
      process.send!({ cpuMicros: cpu.user + cpu.system, userMicros: cpu.user, events: events - eventsAtStart, spans, clientSpans, rss: process.memoryUsage().rss, floorBodiesFlagged: floorBodiesToRedact });
    }));
  }
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
