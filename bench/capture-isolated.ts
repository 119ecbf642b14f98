/**
 * Added CPU per outbound call in isolation (no Express, no inbound server): one process per mode,
 * run one after the other and compared by the reader —
 *   none  no audit log;
 *   als   the audit log installed, calls made inside its AsyncLocalStorage context, no method
 *         recorded (the fixed cost: context propagation and subscribed channels);
 *   full  everything (capture, build, redaction, serialization, batching into a null sink).
 * The upstream runs in its own process. Prints user CPU µs per call for each round.
 *
 *   MODE=full CLIENT=http node --import=tsx bench/capture-isolated.ts   (MODE none|als|full, CLIENT http|fetch)
 *
 * Not part of `npm run bench`: an analysis tool (see docs/performance.md). Imports dist/.
 */
import http from 'node:http';
import type { auditLog as AuditLogFn } from '../index.js';
import { ORDER_BODY_1KIB } from './capture/payload.js';
import { startCaptureProcess } from './capture/harness.js';

// The compiled package, as users run it (paths in variables: dist/ may not exist at type-check time).
const DIST_ROOT = '../dist/index.js';

const MODE = process.env.MODE ?? 'full';
const CLIENT = process.env.CLIENT ?? 'http';
const CALLS = Number(process.env.CALLS ?? 8000);
const { child: upstream, port } = await startCaptureProcess('upstream', {});
const url = `http://127.0.0.1:${port}/orders`;
// The same 1 KiB JSON body as the Express benchmark: escaping and redaction pre-checks depend on it.
const body = ORDER_BODY_1KIB;
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

const postHttp = () => new Promise<void>((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', () => {});
    res.on('end', () => resolve());
  });
  req.on('error', reject);
  req.end(body);
});
const postFetch = async () => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.text();
};
const post = CLIENT === 'fetch' ? postFetch : postHttp;

let inContext = (fn: () => Promise<void>) => fn();
let flushAudit = async (): Promise<void> => {};
if (MODE !== 'none') {
  const { auditLog } = (await import(DIST_ROOT)) as { auditLog: typeof AuditLogFn };
  const audit = auditLog({ sink: { name: 'null', write() {} }, recordOutsideRequests: false, handleSignals: false, methods: MODE === 'als' ? [] : undefined, identify: () => ({ accountId: 'a', userId: 'u' }) });
  // The middleware opens the context, as for an inbound Express request (no server here).
  inContext = (fn) => new Promise<void>((resolve, reject) => audit({ headers: {} }, {}, () => void fn().then(resolve, reject)));
  flushAudit = () => audit.flush();
}

const perCall: number[] = [];
for (let round = 0; round < 6; round++) {
  let started = 0;
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (started++ < CALLS) await inContext(post);
  }));
  // The round's last build window is built and delivered inside the round.
  await flushAudit();
  perCall.push(process.cpuUsage(before).user / CALLS);
}
console.log(JSON.stringify({ scenario: 'capture-isolated', client: CLIENT, mode: MODE, userMicrosPerCallByRound: perCall.map((x) => Math.round(x)) }));
upstream.kill();
agent.destroy();
