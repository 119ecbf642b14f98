/** The capture benchmark's open-loop load generator, shared by bench/capture.ts and bench/capture-profile.ts. */
import http from 'node:http';

/**
 * Open loop: requests start at a fixed rate whatever the app's speed, so every mode handles the
 * same load with the same event-loop batching. Saturated (closed-loop) CPU per request is not
 * additive on a 2-core machine shared with the load generator: a slower app batches more work
 * per loop turn, and a known 30 µs of added work measured +0–10 µs there, +26–33 µs here.
 */
export async function loadAtRate(port: number, n: number, perSecond: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const t0 = performance.now();
  let started = 0;
  let finished = 0;
  await new Promise<void>((resolve, reject) => {
    const startDue = () => {
      const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * perSecond));
      for (; started < due; started++) {
        const req = http.request({ host: '127.0.0.1', port, path: '/checkout', method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode !== 200 ? reject(new Error(`status ${res.statusCode}`)) : ++finished === n && resolve()));
        });
        req.on('error', reject);
        req.end();
      }
      if (started < n) setTimeout(startDue, 2);
    };
    startDue();
  });
  agent.destroy();
}
