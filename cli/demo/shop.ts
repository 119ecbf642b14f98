/**
 * The demo apps' business logic: each inbound operation makes one to three outbound calls to
 * the store API. It is written once against a tiny StoreClient so the Express app can call out
 * with fetch and the Koa app with node:http: the audit log must capture both clients alike.
 */
import http from 'node:http';

export interface StoreReply {
  /** Null when no response arrived (connection reset). */
  status: number | null;
  body: string;
}

export type StoreClient = (method: string, path: string, body?: unknown) => Promise<StoreReply>;

export interface StoreCallContext {
  storeUrl: string;
  /** Demo-only: the `x-demo-day` hint forwarded on every outbound call (see apps.ts). */
  demoDay: string | undefined;
}

/** The key the apps send to the store: the audit log redacts `authorization` by default. */
const STORE_API_KEY = 'Bearer store-live-key-do-not-log';

function outboundHeaders(context: StoreCallContext, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { authorization: STORE_API_KEY };
  if (hasBody) headers['content-type'] = 'application/json';
  if (context.demoDay !== undefined) headers['x-demo-day'] = context.demoDay;
  return headers;
}

/** The Express app's client: global fetch (undici). A network error becomes status null. */
export function fetchStoreClient(context: StoreCallContext): StoreClient {
  return async (method, path, body) => {
    try {
      const res = await fetch(`${context.storeUrl}${path}`, {
        method,
        headers: outboundHeaders(context, body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { status: null, body: String((err as Error).cause ?? err) };
    }
  };
}

/** The Koa app's client: node:http with a per-app keep-alive agent (destroyed when the app stops). */
export function httpStoreClient(context: StoreCallContext, agent: http.Agent): StoreClient {
  return (method, path, body) => new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${context.storeUrl}${path}`, { method, agent, headers: outboundHeaders(context, payload !== undefined) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: null, body: err.message }));
    });
    req.on('error', (err) => resolve({ status: null, body: err.message }));
    req.end(payload);
  });
}

export const OPERATIONS = ['checkout', 'view-order', 'cancel-order', 'update-profile', 'save-cart', 'check-stock', 'print-label'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OperationInput {
  operation: Operation;
  userId: string;
  orderId: string;
  /** For checkout: a card number; 4000000000000002 is declined by the store. */
  card: string;
}

export interface OperationResult {
  /** The status the app answers its own caller with. */
  status: number;
  body: unknown;
}

function failed(reply: StoreReply): OperationResult {
  return { status: reply.status === null ? 502 : reply.status >= 500 ? 503 : reply.status, body: { error: reply.body.slice(0, 200) } };
}

/** Runs one operation: the outbound calls an online shop would make for it. */
export async function runOperation(store: StoreClient, input: OperationInput): Promise<OperationResult> {
  switch (input.operation) {
    case 'checkout': {
      const payment = await store('POST', '/payments', { card: input.card, amount_cents: 2599, currency: 'EUR' });
      if (payment.status !== 201) return failed(payment);
      const order = await store('POST', '/orders', { user: input.userId, items: ['tea', 'mug'], payment: JSON.parse(payment.body) });
      if (order.status !== 201) return failed(order);
      const shipment = await store('POST', '/shipments', { order: JSON.parse(order.body), address: '1 Demo Street' });
      return shipment.status === 202 ? { status: 201, body: JSON.parse(order.body) } : failed(shipment);
    }
    case 'view-order': {
      const reply = await store('GET', `/orders/${input.orderId}`);
      return reply.status === 200 ? { status: 200, body: JSON.parse(reply.body) } : failed(reply);
    }
    case 'cancel-order': {
      const reply = await store('DELETE', `/orders/${input.orderId}`);
      return reply.status === 204 ? { status: 200, body: { cancelled: input.orderId } } : failed(reply);
    }
    case 'update-profile': {
      // The password is in the body on purpose: the audit log redacts it before it leaves the process.
      const reply = await store('PATCH', `/customers/${encodeURIComponent(input.userId)}`, { email: `${input.userId}@example.com`, password: 'hunter2' });
      return reply.status === 200 ? { status: 200, body: JSON.parse(reply.body) } : failed(reply);
    }
    case 'save-cart': {
      const reply = await store('PUT', `/carts/${encodeURIComponent(input.userId)}`, { items: ['kettle'] });
      return reply.status === 200 ? { status: 200, body: JSON.parse(reply.body) } : failed(reply);
    }
    case 'check-stock': {
      const reply = await store('GET', '/inventory');
      return reply.status === 200 ? { status: 200, body: JSON.parse(reply.body) } : failed(reply);
    }
    case 'print-label': {
      const reply = await store('POST', '/shipments/labels', { order: input.orderId });
      return reply.status === 201 ? { status: 201, body: JSON.parse(reply.body) } : failed(reply);
    }
  }
}
