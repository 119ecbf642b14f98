/**
 * Memory with the sink down: 1,000 events/s for 60 s (default; `--seconds N` to shorten) into a
 * Kinesis sink whose endpoint refuses connections, against a baseline run with the sink up
 * (kinesalite in-process in both runs, so the only difference is reachability). Each run is a
 * fresh child process; RSS is sampled every second. Default delivery options (buffer bound
 * 10,000 events / 32 MiB, drop-newest).
 *
 *   node --import=tsx bench/delivery-outage-rss.ts [--seconds 60]
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AuditPipeline, resolveCoreOptions } from '../core/index.js';
import { kinesisSink } from '../sinks/kinesis.js';
import { kinesisClientFor, startKinesalite } from '../test/helpers/kinesalite.js';
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

async function child(mode: 'up' | 'down') {
  const kinesis = await startKinesalite();
  await kinesis.createStream('rss', 2);
  const endpoint = mode === 'up' ? kinesis.endpoint : await refusedEndpoint();
  const sink = kinesisSink({ streamName: 'rss', client: kinesisClientFor(endpoint) });
  const pipeline = new AuditPipeline(resolveCoreOptions({ onError: () => {} }), sink);
  const samples: number[] = [];
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
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 1_000);
  });
  const stats = pipeline.stats();
  const result = {
    mode, emitted,
    rssMaxMiB: Number((Math.max(...samples) / MiB).toFixed(1)),
    rssFinalMiB: Number((samples.at(-1)! / MiB).toFixed(1)),
    rssFirstMiB: Number((samples[0]! / MiB).toFixed(1)),
    heapUsedMiB: Number((process.memoryUsage().heapUsed / MiB).toFixed(1)),
    stats,
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

const modeArg = process.argv.indexOf('--child');
if (modeArg !== -1) {
  await child(process.argv[modeArg + 1] as 'up' | 'down');
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (mode: string) => JSON.parse(execFileSync(process.execPath, ['--import=tsx', self, '--child', mode, '--seconds', String(seconds)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  }).trim().split('\n').pop()!);
  const up = run('up');
  const down = run('down');
  printResult('delivery-outage-rss', {
    seconds, eventsPerSec: RATE,
    baselineSinkUp: up,
    sinkDown: down,
    rssMaxRatio: Number((down.rssMaxMiB / up.rssMaxMiB).toFixed(3)),
    rssMaxDeltaMiB: Number((down.rssMaxMiB - up.rssMaxMiB).toFixed(1)),
  });
}
