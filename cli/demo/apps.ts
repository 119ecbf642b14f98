/**
 * Two shop apps, Express 5 (calling out with fetch) and Koa 3 (calling out with node:http),
 * sharing one auditLog() that ships to Kinesis: `app.use(audit)` first, then an auth middleware
 * that sets the principal the audit log reads the account and user from.
 *
 * Demo-only time travel: the traffic spans several days without faking the clock. Each inbound
 * request carries an `x-demo-day: N` header ("N days ago"); the apps forward it on their
 * outbound calls, so it is captured in `request_headers`, and the audit's `redact` hook moves
 * the event's `time` back by N days. The partition (`dt`) follows `time`, so the data lands under
 * several `dt=` folders. The header stays in the stored event, so the shift is visible. A real
 * app would of course never rewrite `time`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import express from 'express';
import Koa from 'koa';
import { auditLog, type AuditEvent, type AuditLog } from '../../index.js';
import { fetchStoreClient, httpStoreClient, OPERATIONS, runOperation, type Operation, type OperationInput } from './shop.js';

export const DEMO_DAY_HEADER = 'x-demo-day';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The `redact` hook: moves `time` back by the days in the captured `x-demo-day` header. */
export function shiftToDemoDay(event: AuditEvent): void {
  const days = Number(event.request_headers[DEMO_DAY_HEADER]);
  if (!Number.isInteger(days) || days <= 0) return;
  event.time = new Date(Date.parse(event.time) - days * DAY_MS).toISOString();
}

export interface DemoApps {
  audit: AuditLog;
  expressUrl: string;
  koaUrl: string;
  /** Everything the audit log reported through onError (expected: nothing). */
  auditErrors: string[];
  /** Stops both apps, then flushes and closes the audit log. Safe to call again. */
  stop(): Promise<void>;
}

function operationInput(operation: string, headers: http.IncomingHttpHeaders, body: Record<string, unknown>): OperationInput | null {
  if (!(OPERATIONS as readonly string[]).includes(operation)) return null;
  return {
    operation: operation as Operation,
    userId: String(headers['x-user'] ?? 'anonymous'),
    orderId: String(body.orderId ?? 'ord_1'),
    card: String(body.card ?? '4242424242424242'),
  };
}

/** The auth middleware's job in a real app, from headers here: who is calling. */
function principalOf(headers: http.IncomingHttpHeaders): { accountId: string; id: string } | undefined {
  const account = headers['x-account'];
  return typeof account === 'string' ? { accountId: decodeURIComponent(account), id: String(headers['x-user'] ?? 'anonymous') } : undefined;
}

function demoDayOf(headers: http.IncomingHttpHeaders): string | undefined {
  const value = headers[DEMO_DAY_HEADER];
  return typeof value === 'string' ? value : undefined;
}

async function listen(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startDemoApps(options: { storeUrl: string; kinesis: KinesisClient; streamName: string }): Promise<DemoApps> {
  const auditErrors: string[] = [];
  const audit = auditLog({
    sink: 'kinesis',
    kinesis: { streamName: options.streamName, client: options.kinesis },
    // Reads too, not only the default POST/PUT/PATCH/DELETE, so requests-per-method has a GET row.
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    redact: shiftToDemoDay,
    onError: (err) => auditErrors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err)),
  });

  const expressApp = express();
  expressApp.use(audit);
  expressApp.use(express.json());
  expressApp.use((req, _res, next) => {
    (req as express.Request & { user?: unknown }).user = principalOf(req.headers);
    next();
  });
  expressApp.post('/api/:operation', async (req, res) => {
    const input = operationInput(String(req.params.operation), req.headers, (req.body ?? {}) as Record<string, unknown>);
    if (input === null) return void res.status(404).json({ error: 'unknown operation' });
    const store = fetchStoreClient({ storeUrl: options.storeUrl, demoDay: demoDayOf(req.headers) });
    const result = await runOperation(store, input);
    res.status(result.status).json(result.body);
  });

  const koaAgent = new http.Agent({ keepAlive: true });
  const koaApp = new Koa();
  koaApp.use(audit);
  koaApp.use(async (ctx, next) => {
    ctx.state.user = principalOf(ctx.headers);
    await next();
  });
  koaApp.use(async (ctx) => {
    const match = /^\/api\/([a-z-]+)$/.exec(ctx.path);
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> : {};
    const input = ctx.method === 'POST' && match ? operationInput(match[1] as string, ctx.headers, body) : null;
    if (input === null) {
      ctx.status = 404;
      ctx.body = { error: 'unknown operation' };
      return;
    }
    const store = httpStoreClient({ storeUrl: options.storeUrl, demoDay: demoDayOf(ctx.headers) }, koaAgent);
    const result = await runOperation(store, input);
    ctx.status = result.status;
    ctx.body = result.body;
  });

  // Warm a catalog cache at startup, as shops do: an outbound call outside any inbound request,
  // recorded with no account (stored under account_id=_none).
  await fetchStoreClient({ storeUrl: options.storeUrl, demoDay: undefined })('GET', '/catalog');

  const expressServer = http.createServer(expressApp);
  const koaServer = http.createServer(koaApp.callback());
  const [expressUrl, koaUrl] = await Promise.all([listen(expressServer), listen(koaServer)]);
  let stopping: Promise<void> | null = null;
  return {
    audit,
    expressUrl,
    koaUrl,
    auditErrors,
    stop: () => (stopping ??= (async () => {
      await Promise.all([closeServer(expressServer), closeServer(koaServer)]);
      koaAgent.destroy();
      await audit.close();
    })()),
  };
}
