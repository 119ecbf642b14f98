/**
 * Real servers for the tests, all on 127.0.0.1 port 0: an upstream API with routes for every
 * body shape and error the capture tests need, and helpers to run Express and Koa apps.
 */
import http from 'node:http';
import type https from 'node:https';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(server: http.Server | https.Server, scheme: 'http' | 'https' = 'http'): Promise<Running> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}

export const BIG_BYTES = 10 * 1024 * 1024;

/** Deterministic pseudo-random bytes, so a binary body can be compared byte for byte. */
export function patternBytes(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >>> 16;
  }
  return b;
}

const BIG_BINARY = patternBytes(BIG_BYTES);
const GZIP_JSON = zlib.gzipSync(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item-${i}` })) }));

/** The upstream's request handler: echoes, and serves the body shapes the tests need. */
export function upstreamHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0];
    switch (path) {
      case '/json':
        res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'sid=secret-session', 'x-upstream': 'yes' });
        res.end(JSON.stringify({ ok: true, received: body.length, echo: body.toString('utf8').slice(0, 200), access_token: 'tok-123' }));
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('plain text body ✓');
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(GZIP_JSON);
        return;
      case '/binary':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG_BINARY.length) });
        res.end(BIG_BINARY);
        return;
      case '/stream': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const tick = () => {
          if (i === 20) return res.end();
          res.write(`line ${i++}\n`);
          setTimeout(tick, 2);
        };
        tick();
        return;
      }
      case '/status/404':
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
        return;
      case '/status/500':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('boom');
        return;
      case '/hang':
        // Never answers: for timeouts and aborts.
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, bytes: body.length }));
    }
  });
}

export function startUpstream(): Promise<Running> {
  return listen(http.createServer(upstreamHandler));
}

export const GZIP_JSON_BYTES = GZIP_JSON;
export const BIG_BINARY_BYTES = BIG_BINARY;
