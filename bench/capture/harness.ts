/**
 * The capture benchmark's harness, shared by bench/capture.ts and bench/capture-profile.ts:
 * starting the upstream and app processes, and the open-loop load generator.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/**
 * Starts bench/capture/<name>.ts in its own process (under tsx, with `execArgv` added) and
 * resolves once it reports the port it listens on.
 */
export function startCaptureProcess(name: 'app' | 'upstream', env: Record<string, string>, execArgv: readonly string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL(`./${name}.ts`, import.meta.url), { env: { ...process.env, ...env }, execArgv: ['--import=tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`bench/capture/${name}.ts exited with ${code}`)));
  });
}

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
