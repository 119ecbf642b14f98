/**
 * The fake upstream the demo apps call: a small "store" API on 127.0.0.1:0 whose answers cover
 * what an audit log has to record: 2xx with JSON bodies, 4xx, 5xx, and a connection reset
 * (a network error, no status at all). Latencies vary per route so slowest-calls has something
 * to rank. They come from a seeded generator, so runs look alike (not identical: concurrent
 * requests draw from it in the order they arrive).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './random.js';

export interface StoreApi {
  url: string;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  /** Milliseconds before answering. */
  delayMs: number;
}

/** Decides the answer from the method and path alone; `null` means "reset the connection". */
function answer(method: string, path: string, body: string, random: () => number): Answer | null {
  const jitter = (min: number, max: number) => Math.round(min + random() * (max - min));
  const id = path.split('/')[2] ?? '';
  if (method === 'GET' && path === '/catalog') return { status: 200, body: { products: ['tea', 'mug', 'kettle'] }, delayMs: jitter(1, 5) };
  if (method === 'POST' && path === '/payments') {
    // Declined cards get 402, like a payment provider would answer.
    const declined = body.includes('"card":"4000000000000002"');
    return declined
      ? { status: 402, body: { error: 'card_declined' }, delayMs: jitter(20, 60) }
      : { status: 201, body: { payment: `pay_${Math.floor(random() * 1e6)}`, state: 'captured' }, delayMs: jitter(20, 80) };
  }
  if (method === 'POST' && path === '/orders') return { status: 201, body: { order: `ord_${Math.floor(random() * 1e6)}` }, delayMs: jitter(5, 25) };
  if (method === 'GET' && path.startsWith('/orders/')) {
    return id.startsWith('missing')
      ? { status: 404, body: { error: 'no such order' }, delayMs: jitter(1, 8) }
      : { status: 200, body: { order: id, state: 'shipped' }, delayMs: jitter(2, 12) };
  }
  if (method === 'DELETE' && path.startsWith('/orders/')) return { status: 204, delayMs: jitter(3, 15) };
  if (method === 'PATCH' && path.startsWith('/customers/')) return { status: 200, body: { customer: id, updated: true }, delayMs: jitter(3, 20) };
  if (method === 'PUT' && path.startsWith('/carts/')) return { status: 200, body: { cart: id, saved: true }, delayMs: jitter(3, 20) };
  // The warehouse is flaky and slow: one call in four is a 503.
  if (method === 'GET' && path === '/inventory') {
    return random() < 0.25
      ? { status: 503, body: { error: 'warehouse unavailable' }, delayMs: jitter(80, 250) }
      : { status: 200, body: { tea: 12, mug: 3, kettle: 0 }, delayMs: jitter(30, 120) };
  }
  // The shipping partner drops the connection on every label request: a network error.
  if (method === 'POST' && path === '/shipments/labels') return null;
  if (method === 'POST' && path === '/shipments') return { status: 202, body: { shipment: `shp_${Math.floor(random() * 1e6)}` }, delayMs: jitter(10, 40) };
  return { status: 404, body: { error: `no route ${method} ${path}` }, delayMs: 1 };
}

export async function startStoreApi(seed: number): Promise<StoreApi> {
  const random = seededRandom(seed);
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://store.invalid').pathname;
      const out = answer(req.method ?? 'GET', path, Buffer.concat(chunks).toString('utf8'), random);
      if (out === null) {
        req.socket.destroy();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (out.body === undefined) {
          res.writeHead(out.status).end();
          return;
        }
        res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
      }, out.delayMs);
      timers.add(timer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
