/**
 * Events/s through the delivery path on one JS thread: the instance's event bus, redaction
 * (the default URL, header and body rules), serialization with the record-size fit, and
 * batching by the dispatcher into a null transport (a Sink whose write resolves at once).
 * Baseline, same run and same events: JSON.stringify alone. Two event shapes: a POST with
 * ~1 KB JSON bodies full of secrets, and the same call without bodies. Two feeds: steady, in
 * groups of 64 (the headline), and bursts of 5,000.
 *
 * The feeds. Steady (the headline): events arrive in groups of 64, the most the instance's build
 * window hands over at once, with a turn of the event loop between groups, so batches are sent
 * as they fill, as in an app. Burst: 5,000 events at once, then a flush; the queue then holds
 * 5,000 serialized events, most of which survive a scavenge and are promoted, and GC roughly
 * doubles the cost per event.
 *
 *   taskset -c 0 node --import=tsx bench/delivery-throughput.ts [--events 50000]
 */
import { performance } from 'node:perf_hooks';
import { resolveCoreOptions, type AuditEvent } from '../core/index.js';
import { AuditInstance } from '../instance.js';
import { compileRedactor } from '../core/event/redaction/index.js';
import { benchEvent, bodylessBenchEvent, flag, nullSink, printResult } from './delivery-common.js';

const total = flag('events', 50_000);
const BURST = 5_000;
const GROUP = 64;
const withBodies: AuditEvent[] = Array.from({ length: total }, (_, i) => benchEvent(i));
const bodyless: AuditEvent[] = Array.from({ length: total }, (_, i) => bodylessBenchEvent(i));
let events = withBodies;

function baseline(): number {
  let bytes = 0;
  const t0 = performance.now();
  for (const e of events) bytes += JSON.stringify(e).length;
  const ms = performance.now() - t0;
  if (bytes === 0) throw new Error('unreachable');
  return total / (ms / 1000);
}

type Feed = 'steady' | 'burst';

async function delivery(redact = true, feed: Feed = 'steady'): Promise<{ perSecond: number; batches: number }> {
  const sink = nullSink();
  let batches = 0;
  const write = sink.write.bind(sink);
  sink.write = (records) => {
    batches++;
    return write(records);
  };
  const pipeline = new AuditInstance(resolveCoreOptions({ onError: () => {} }), sink);
  const redactor = compileRedactor({ redactKeys: [] });
  const step = feed === 'steady' ? GROUP : BURST;
  const t0 = performance.now();
  for (let start = 0; start < total; start += step) {
    for (let i = start; i < Math.min(total, start + step); i++) {
      const e = events[i]!;
      if (!redact) {
        pipeline.bus.emit('event', e);
        continue;
      }
      pipeline.bus.emit('event', {
        ...e,
        url: redactor.url(e.url),
        request_headers: redactor.headers(e.request_headers),
        request_body: redactor.body(e.request_body, e.request_headers['content-type']),
        response_headers: redactor.headers(e.response_headers),
        response_body: redactor.body(e.response_body, e.response_headers['content-type']),
      });
    }
    if (feed === 'steady') await new Promise((resolve) => setImmediate(resolve));
    else await pipeline.flush();
  }
  await pipeline.flush();
  const ms = performance.now() - t0;
  const stats = pipeline.stats();
  if (stats.sent !== total || sink.events !== total) throw new Error(`lost events: ${JSON.stringify(stats)}`);
  return { perSecond: total / (ms / 1000), batches };
}

// Warm both paths up, then measure three rounds each and keep the median.
baseline();
await delivery();
await delivery(true, 'burst');
const base: number[] = [];
const full: number[] = [];
const burst: number[] = [];
const unredacted: number[] = [];
let batches = 0;
for (let round = 0; round < 3; round++) {
  base.push(baseline());
  const d = await delivery();
  full.push(d.perSecond);
  batches = d.batches;
  burst.push((await delivery(true, 'burst')).perSecond);
  unredacted.push((await delivery(false)).perSecond);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const bytes = Buffer.byteLength(JSON.stringify(events[0]));

// The same path for events without bodies: how the rate depends on event size.
events = bodyless;
await delivery();
const bodylessBase: number[] = [];
const bodylessFull: number[] = [];
const bodylessBurst: number[] = [];
for (let round = 0; round < 3; round++) {
  bodylessBase.push(baseline());
  bodylessFull.push((await delivery()).perSecond);
  bodylessBurst.push((await delivery(true, 'burst')).perSecond);
}
printResult('delivery-throughput', {
  events: total,
  eventBytes: bytes,
  // Steady feed: groups of 64 with a turn of the event loop between them.
  deliveryEventsPerSec: Math.round(median(full)),
  baselineJsonStringifyEventsPerSec: Math.round(median(base)),
  ratioToBaseline: Number((median(full) / median(base)).toFixed(3)),
  // Bursts of 5,000 events, then a flush.
  burstEventsPerSec: Math.round(median(burst)),
  // The same path without the redaction step: bus + serialization + batching only.
  withoutRedactionEventsPerSec: Math.round(median(unredacted)),
  withoutRedactionRatioToBaseline: Number((median(unredacted) / median(base)).toFixed(3)),
  batchesPerRun: batches,
  bodyless: {
    eventBytes: Buffer.byteLength(JSON.stringify(bodyless[0])),
    deliveryEventsPerSec: Math.round(median(bodylessFull)),
    burstEventsPerSec: Math.round(median(bodylessBurst)),
    baselineJsonStringifyEventsPerSec: Math.round(median(bodylessBase)),
  },
  // The target: ≥ 200,000 events/s on one core through bus + redaction + serialization +
  // batching. It names no event size or feed: shown for both sizes, on the steady feed.
  targets: {
    eventsPerSec: { op: '>=', target: 200_000, value: Math.round(median(full)), met: median(full) >= 200_000 },
    eventsPerSecBodyless: { op: '>=', target: 200_000, value: Math.round(median(bodylessFull)), met: median(bodylessFull) >= 200_000 },
  },
});
