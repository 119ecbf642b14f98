/**
 * Express 5 and Koa 3 apps under test, on 127.0.0.1:0. The audit middleware goes first and an
 * auth middleware after it (so lazy identify is exercised): it reads `x-account` / `x-user`.
 * Every request runs `outbound(req)` — the app's outbound call(s) — and answers with the bytes
 * and content type it returns.
 */
import http from 'node:http';
import express from 'express';
import Koa from 'koa';
import { listen, type Running } from './servers.js';

export type Framework = 'express' | 'koa';
export const FRAMEWORKS: Framework[] = ['express', 'koa'];

export interface InboundInfo {
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface OutboundResult {
  status?: number;
  contentType?: string;
  body: Buffer | string;
}

export type Outbound = (inbound: InboundInfo) => Promise<OutboundResult>;

function principalFrom(headers: http.IncomingHttpHeaders): { accountId: string; id: string } | undefined {
  const account = headers['x-account'];
  return typeof account === 'string' ? { accountId: account, id: String(headers['x-user'] ?? 'anon') } : undefined;
}

export async function startApp(framework: Framework, audit: unknown, outbound: Outbound): Promise<Running> {
  if (framework === 'express') {
    const app = express();
    if (audit) app.use(audit as express.RequestHandler);
    app.use((req, _res, next) => {
      (req as express.Request & { user?: unknown }).user = principalFrom(req.headers);
      next();
    });
    app.use(async (req, res) => {
      try {
        const out = await outbound({ path: req.path, headers: req.headers });
        res.status(out.status ?? 200).type(out.contentType ?? 'application/octet-stream').send(Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body));
      } catch (err) {
        res.status(502).type('text/plain').send(`outbound failed: ${(err as Error).name}`);
      }
    });
    return listen(http.createServer(app));
  }
  const app = new Koa();
  if (audit) app.use(audit as Koa.Middleware);
  app.use(async (ctx, next) => {
    ctx.state.user = principalFrom(ctx.headers);
    await next();
  });
  app.use(async (ctx) => {
    try {
      const out = await outbound({ path: ctx.path, headers: ctx.headers });
      ctx.status = out.status ?? 200;
      ctx.type = out.contentType ?? 'application/octet-stream';
      ctx.body = Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body);
    } catch (err) {
      ctx.status = 502;
      ctx.type = 'text/plain';
      ctx.body = `outbound failed: ${(err as Error).name}`;
    }
  });
  return listen(http.createServer(app.callback()));
}

/** Reads a whole response body as bytes (for byte-identity checks). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

/** Calls the app with node:http (outside any audit context) and returns status, headers, bytes. */
export function callApp(url: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', headers, agent }, (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    req.on('error', reject);
    req.end();
  });
}
