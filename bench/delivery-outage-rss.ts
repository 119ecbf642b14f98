/**
 * Memory with the sink down: 1,000 events/s for 60 s (default; `--seconds N` to shorten) into a
 * Kinesis sink whose endpoint refuses connections, against a baseline run with the sink up
 * (kinesalite in-process in both runs, so the only difference is reachability). Each run is a
 * fresh child process (with --expose-gc); RSS is sampled every second after a full GC. kinesalite runs in the parent, so its storage
 * is not in the children's RSS. Default delivery options (buffer bound 10,000 events / 32 MiB,
 * drop-newest).
 *
 *   node --import=tsx bench/delivery-outage-rss.ts [--seconds 60]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { resolveCoreOptions } from '../core/index.js';
import { AuditInstance } from '../instance.js';
import { kinesisSink } from '../sinks/kinesis.js';
import { kinesisClientFor, startKinesalite } from '../test/helpers/kinesalite.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
import { benchEvent, flag, printResult } from './delivery-common.js';

const seconds = flag('seconds', 60);
const RATE = 1_000;
const MiB = 1024 * 1024;

/** A port nothing listens on: connections are refused at once. */
async function refusedEndpoint(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function child(mode: 'up' | 'down', upEndpoint: string) {
  const endpoint = mode === 'up' ? upEndpoint : await refusedEndpoint();
  const sink = kinesisSink({ streamName: 'rss', client: kinesisClientFor(endpoint) });
  const pipeline = new AuditInstance(resolveCoreOptions({ onError: () => {} }), sink);
  const samples: number[] = [];
  const heap: number[] = [];
  const start = Date.now();
  let emitted = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(seconds * RATE, Math.floor(((Date.now() - start) / 1000) * RATE));
      while (emitted < due) pipeline.bus.emit('event', benchEvent(emitted++));
      if (emitted >= seconds * RATE) {
        clearInterval(tick);
        clearInterval(sampler);
        resolve();
      }
    }, 10);
    // A full GC before each sample (children run with --expose-gc): RSS then shows what is
    // retained, not how far the collector happened to lag.
    const gc = (globalThis as { gc?: () => void }).gc;
    const sampler = setInterval(() => {
      gc?.();
      samples.push(process.memoryUsage().rss);
      heap.push(process.memoryUsage().heapUsed);
    }, 1_000);
  });
  const stats = pipeline.stats();
  const result = {
    mode, emitted,
    rssMaxMiB: Number((Math.max(...samples) / MiB).toFixed(1)),
    rssFinalMiB: Number((samples.at(-1)! / MiB).toFixed(1)),
    rssFirstMiB: Number((samples[0]! / MiB).toFixed(1)),
    rssEvery10sMiB: samples.filter((_, i) => i % 10 === 9).map((b) => Number((b / MiB).toFixed(1))),
    heapUsedAfterGcEvery10sMiB: heap.filter((_, i) => i % 10 === 9).map((b) => Number((b / MiB).toFixed(1))),
    stats,
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

if (arg('child') !== undefined) {
  await child(arg('child') as 'up' | 'down', arg('endpoint')!);
} else {
  const kinesis = await startKinesalite();
  await kinesis.createStream('rss', 2);
  const self = fileURLToPath(import.meta.url);
  const run = async (mode: string) => {
    const { stdout } = await promisify(execFile)(process.execPath,
      ['--expose-gc', '--import=tsx', self, '--child', mode, '--seconds', String(seconds), '--endpoint', kinesis.endpoint], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  };
  const up = await run('up');
  const down = await run('down');
  await kinesis.stop();
  printResult('delivery-outage-rss', {
    seconds, eventsPerSec: RATE,
    baselineSinkUp: up,
    sinkDown: down,
    rssMaxRatio: Number((down.rssMaxMiB / up.rssMaxMiB).toFixed(3)),
    rssMaxDeltaMiB: Number((down.rssMaxMiB - up.rssMaxMiB).toFixed(1)),
  });
}
