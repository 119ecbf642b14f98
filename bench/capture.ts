/**
 * Capture benchmark: app CPU per request and throughput, no audit vs audit, fetch and http.
 * The upstream, the app and the load generator are separate processes; modes alternate round
 * by round in the same run, and results are reported as ratios of medians.
 *
 *   node --import=tsx bench/capture.ts [--requests 20000] [--rounds 5] [--concurrency 32]
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' }, json: { type: 'boolean', default: false } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function start(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(here(file), { env: { ...process.env, ...env }, execArgv: ['--import=tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  const reply = once(child, 'message').then(([m]) => m as T);
  child.send({ cmd });
  return reply;
}

async function load(port: number, n: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/checkout', method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  agent.destroy();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample { cpuPerReqMicros: number; reqPerSec: number; events: number }

async function main() {
  const upstream = await start('./capture/upstream.ts', {});
  const UPSTREAM = `http://127.0.0.1:${upstream.port}`;
  const results: Record<string, { none: Sample[]; audit: Sample[] }> = {};
  for (const client of ['fetch', 'http']) {
    const apps = {
      none: await start('./capture/app.ts', { MODE: 'none', CLIENT: client, UPSTREAM }),
      audit: await start('./capture/app.ts', { MODE: 'audit', CLIENT: client, UPSTREAM }),
    };
    for (const mode of ['none', 'audit'] as const) await load(apps[mode].port, Math.min(3000, REQUESTS)); // warm-up (JIT)
    results[client] = { none: [], audit: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['none', 'audit'] as const) : (['audit', 'none'] as const);
      for (const mode of order) {
        const app = apps[mode];
        await ask(app.child, 'start');
        const ms = await load(app.port, REQUESTS);
        const r = await ask<{ cpuMicros: number; events: number }>(app.child, 'stop');
        results[client][mode].push({ cpuPerReqMicros: r.cpuMicros / REQUESTS, reqPerSec: REQUESTS / (ms / 1000), events: r.events });
      }
    }
    for (const app of Object.values(apps)) app.child.kill();
  }
  upstream.child.kill();

  const summary = Object.fromEntries(Object.entries(results).map(([client, r]) => {
    const noneCpu = median(r.none.map((s) => s.cpuPerReqMicros));
    const auditCpu = median(r.audit.map((s) => s.cpuPerReqMicros));
    const noneRps = median(r.none.map((s) => s.reqPerSec));
    const auditRps = median(r.audit.map((s) => s.reqPerSec));
    return [client, {
      cpuPerRequestMicros: { none: +noneCpu.toFixed(1), audit: +auditCpu.toFixed(1) },
      addedCpuPerCallMicros: +(auditCpu - noneCpu).toFixed(1),
      cpuRatio: +(auditCpu / noneCpu).toFixed(3),
      throughput: { none: Math.round(noneRps), audit: Math.round(auditRps) },
      throughputRatio: +(auditRps / noneRps).toFixed(3),
      eventsPerRound: r.audit.map((s) => s.events),
    }];
  }));
  const out = { scenario: 'capture', node: process.version, requests: REQUESTS, rounds: ROUNDS, concurrency: CONCURRENCY, results: summary };
  console.log(JSON.stringify(out, null, values.json ? 0 : 2));
}

await main();
