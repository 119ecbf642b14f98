/**
 * The demo's customers: a seeded plan of inbound requests (account, user, day, app, operation)
 * and a sender that plays it against the two apps with a few requests in flight at a time,
 * like concurrent users. Inbound calls go through a private agent, outside any audit context,
 * so only the apps' outbound calls are recorded.
 */
import http from 'node:http';
import { DEMO_DAY_HEADER } from './apps.js';
import { seededRandom, weightedPick } from './random.js';
import type { Operation } from './shop.js';

/** Account ids as the apps know them; one needs encoding in the S3 path (quote, spaces, `&`). */
export const DEMO_ACCOUNTS = ['acme', 'globex', 'initech', "o'hara & sons", 'umbrella-42'] as const;

const ACCOUNT_WEIGHTS = [5, 3, 2, 3, 1];
const OPERATION_WEIGHTS: ReadonlyArray<readonly [Operation, number]> = [
  ['checkout', 5], ['view-order', 6], ['cancel-order', 1], ['update-profile', 2],
  ['save-cart', 3], ['check-stock', 3], ['print-label', 1],
];
const DECLINED_CARD = '4000000000000002';

export interface PlannedRequest {
  requestId: string;
  accountId: string;
  userId: string;
  /** Days before today the request is filed under (0 = today). */
  daysAgo: number;
  app: 'express' | 'koa';
  operation: Operation;
  orderId: string;
  card: string;
}

export function planTraffic(options: { requests: number; days: number; seed: number }): PlannedRequest[] {
  const random = seededRandom(options.seed);
  return Array.from({ length: options.requests }, (_, i) => {
    const accountId = weightedPick(random, DEMO_ACCOUNTS.map((a, k) => [a, ACCOUNT_WEIGHTS[k] as number] as const));
    return {
      requestId: `req-${String(i + 1).padStart(5, '0')}`,
      accountId,
      userId: `user-${1 + Math.floor(random() * 3)}`,
      daysAgo: Math.floor(random() * options.days),
      app: random() < 0.5 ? 'express' : 'koa',
      operation: weightedPick(random, OPERATION_WEIGHTS),
      // One order lookup in five asks for an order the store does not have: a 404.
      orderId: random() < 0.2 ? `missing-${i}` : `ord_${1000 + i}`,
      // One checkout in eight is declined by the payment provider: a 402.
      card: random() < 0.125 ? DECLINED_CARD : '4242424242424242',
    };
  });
}

export interface TrafficSummary {
  requests: number;
  /** Inbound answers by status class, e.g. { '2xx': 80, '4xx': 12, '5xx': 8 }. */
  byStatusClass: Record<string, number>;
}

function send(agent: http.Agent, baseUrl: string, request: PlannedRequest): Promise<number> {
  const body = JSON.stringify({ orderId: request.orderId, card: request.card });
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/api/${request.operation}`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'x-request-id': request.requestId,
        'x-account': encodeURIComponent(request.accountId),
        'x-user': request.userId,
        [DEMO_DAY_HEADER]: String(request.daysAgo),
      },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Plays the plan with `concurrency` requests in flight; resolves when every answer is in. */
export async function sendTraffic(
  plan: readonly PlannedRequest[],
  urls: { express: string; koa: string },
  concurrency: number,
): Promise<TrafficSummary> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const byStatusClass: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const request = plan[next++] as PlannedRequest;
      const status = await send(agent, urls[request.app], request);
      const statusClass = `${Math.floor(status / 100)}xx`;
      byStatusClass[statusClass] = (byStatusClass[statusClass] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { requests: plan.length, byStatusClass };
}
