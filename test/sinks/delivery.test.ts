/**
 * Delivery policy with misbehaving sinks, through a real Express app: a sink that hangs or
 * throws never delays an inbound response; hanging calls time out (writeTimeoutMs), are aborted
 * and retried; spent events are counted and passed to onDrop. Stats on the diagnostics channel.
 */
import test from 'ava';
import diagnosticsChannel from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { auditLog, memorySink, STATS_CHANNEL, type AuditEvent, type Sink, type SinkRecord, type StatsMessage } from '../../index.js';
import { startUpstream, type Running } from '../helpers/servers.js';
import { auditEventFactory } from '../helpers/factories.js';
import { retryDelayMs } from '../../core/delivery/backoff.js';
import { identifyByHeader, startApp } from './_support.js';
import { publishEvent } from '../helpers/bus.js';

let upstream: Running;
test.before(async () => {
  upstream = await startUpstream();
});
test.after.always(() => upstream?.close());

/** Times one inbound request (which makes one audited outbound call). */
async function timedRequest(appUrl: string, n: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${appUrl}/call?n=${n}`, { headers: { 'x-account': 'acme' } });
  await res.arrayBuffer();
  return performance.now() - t0;
}

test.serial('a hanging sink never delays inbound responses; its calls time out, are aborted, retried, then counted as failed', async (t) => {
  let pending = 0;
  const aborted: unknown[] = [];
  const hanging: Sink = {
    name: 'hanging',
    write(_records, context) {
      pending++;
      context?.signal.addEventListener('abort', () => aborted.push(context.signal.reason));
      return new Promise(() => {}); // never settles
    },
  };
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink: hanging, identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    onDrop: (events) => dropped.push(...events), onError: () => {},
    delivery: { lingerMs: 0, writeTimeoutMs: 400, maxAttempts: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 10 },
  });
  const app = await startApp(audit, upstream.url);
  try {
    await timedRequest(app.url, 0); // warm up; its event goes to the hanging sink
    await sleep(50);
    t.true(pending >= 1, 'a sink call is hanging');
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) latencies.push(await timedRequest(app.url, i));
    // All 20 responses arrived while a sink call was still hanging: the app never waits on it.
    t.is(latencies.length, 20);
    t.true(pending >= 1, 'sink calls were hanging (they never settle) while the responses arrived');
    t.log(`max inbound latency while the sink hung: ${Math.max(...latencies).toFixed(1)} ms (informational)`);
    await audit.flush();
  } finally {
    await app.close();
    await audit.close();
  }
  const stats = audit.stats();
  t.is(stats.failed, 21);
  t.is(dropped.length, 21);
  t.is(stats.sent, 0);
  t.is(stats.queued, 0);
  t.true(stats.retried >= 21);
  t.true(aborted.length >= 2 && aborted.every((r) => (r as Error).name === 'SinkTimeoutError'), 'timed-out calls are aborted through the signal');
});

test.serial('a throwing sink never delays inbound responses; failed calls are reported, retried, counted', async (t) => {
  let calls = 0;
  const throwing: Sink = {
    name: 'throwing',
    write() {
      calls++;
      throw new Error('sink exploded');
    },
  };
  const errors: unknown[] = [];
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink: throwing, identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    onError: (e) => errors.push(e), onDrop: (events) => dropped.push(...events),
    delivery: { lingerMs: 0, maxAttempts: 3, retryBaseDelayMs: 5, retryMaxDelayMs: 20 },
  });
  const app = await startApp(audit, upstream.url);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 20; i++) latencies.push(await timedRequest(app.url, i));
    await audit.flush();
  } finally {
    await app.close();
    await audit.close();
  }
  // Every response arrived although every sink call threw (latencies are informational only).
  t.is(latencies.length, 20);
  t.log(`max inbound latency with a throwing sink: ${Math.max(...latencies).toFixed(1)} ms`);
  t.is(audit.stats().failed, 20);
  t.is(dropped.length, 20);
  t.true(calls >= 3);
  t.true(errors.some((e) => (e as Error).name === 'SinkDeliveryError' && /sink exploded/.test((e as Error).message)));
});

test.serial('a slow sink that recovers: a call that times out is retried and the events arrive (possibly twice: at least once)', async (t) => {
  const delivered: string[] = [];
  let first = true;
  const slowOnce: Sink = {
    name: 'slow-once',
    async write(records: readonly SinkRecord[]) {
      if (first) {
        first = false;
        await sleep(600); // longer than writeTimeoutMs: counted as failed, but it does land
      }
      for (const r of records) delivered.push(r.event.id);
    },
  };
  const audit = auditLog({ sink: slowOnce, handleSignals: false, onError: () => {}, delivery: { lingerMs: 0, writeTimeoutMs: 200, retryBaseDelayMs: 1, retryMaxDelayMs: 5 } });
  const events = Array.from({ length: 5 }, () => auditEventFactory());
  for (const e of events) publishEvent(audit, e);
  await audit.flush();
  await sleep(700);
  await audit.close();
  t.true(events.every((e) => delivered.includes(e.id)));
  t.is(audit.stats().sent, 5);
  t.true(delivered.length > 5, 'the late call landed too: a duplicate, as documented');
});

test.serial('buffer bound: drop-newest (default) and drop-oldest are counted, reported, and never grow the buffer', async (t) => {
  for (const whenFull of ['drop-newest', 'drop-oldest'] as const) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    const gated: Sink = { name: 'gated', async write(records) { await gate; for (const r of records) got.push(r.event.id); } };
    const dropped: string[] = [];
    const audit = auditLog({
      sink: gated, handleSignals: false, onError: () => {}, onDrop: (events) => dropped.push(...events.map((e) => e.id)),
      delivery: { lingerMs: 0, maxBatchEvents: 5, maxInFlight: 1, maxBufferEvents: 20, whenFull },
    });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const e = auditEventFactory();
      ids.push(e.id);
      publishEvent(audit, e);
      t.true(audit.stats().queued <= 20);
    }
    release();
    await audit.close();
    const stats = audit.stats();
    t.is(stats.dropped, 80, whenFull);
    t.deepEqual([...got, ...dropped].sort(), [...ids].sort());
    if (whenFull === 'drop-newest') t.deepEqual(got, ids.slice(0, 20));
    else t.deepEqual(got, [...ids.slice(0, 5), ...ids.slice(85)], 'the in-flight batch, then the newest');
  }
});

test.serial(`stats are published on the "${STATS_CHANNEL}" diagnostics channel, rate-limited, and on flush`, async (t) => {
  const messages: Array<StatsMessage & { at: number }> = [];
  const listener = (m: unknown) => messages.push({ ...(m as StatsMessage), at: Date.now() });
  diagnosticsChannel.subscribe(STATS_CHANNEL, listener);
  const sink = memorySink();
  const audit = auditLog({ sink, handleSignals: false, delivery: { lingerMs: 5 } });
  try {
    const started = Date.now();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 100; i++) publishEvent(audit, auditEventFactory());
      await sleep(30);
    }
    await audit.flush();
    const elapsed = Date.now() - started;
    t.true(messages.length >= 2);
    t.true(messages.length <= Math.ceil(elapsed / 100) + 3, `${messages.length} messages in ${elapsed} ms`);
    const last = messages.at(-1)!;
    t.like(last, { sink: 'memory', queued: 0, sent: 1_000, retried: 0, dropped: 0, failed: 0 });
    for (let i = 1; i < messages.length - 1; i++) t.true(messages[i]!.at - messages[i - 1]!.at >= 95, 'at most one message per 100 ms between flushes');
  } finally {
    diagnosticsChannel.unsubscribe(STATS_CHANNEL, listener);
    await audit.close();
  }
});

test('retry delays: exponential ceiling, full jitter, capped by retryMaxDelayMs', (t) => {
  const base = 40;
  const max = 200;
  t.deepEqual([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, base, max, () => 1)), [40, 80, 160, 200, 200, 200]);
  t.deepEqual([1, 2, 3].map((a) => retryDelayMs(a, base, max, () => 0)), [0, 0, 0]);
  t.is(retryDelayMs(3, base, max, () => 0.5), 80);
});

test.serial('a failing sink is retried exactly up to the attempt budget, then the event is counted as failed', async (t) => {
  let attempts = 0;
  const failing: Sink = { name: 'failing', write() { attempts++; throw new Error('down'); } };
  const audit = auditLog({
    sink: failing, handleSignals: false, onError: () => {},
    delivery: { lingerMs: 0, maxAttempts: 7, retryBaseDelayMs: 4, retryMaxDelayMs: 20 },
  });
  publishEvent(audit, auditEventFactory());
  await audit.close();
  t.is(attempts, 7, 'maxAttempts attempts in all');
  t.deepEqual(audit.stats(), { queued: 0, sent: 0, retried: 6, dropped: 0, failed: 1, spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
});

test('a retry waiting when the event loop empties keeps the process alive until it is delivered (beforeExit flush)', async (t) => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  const script = `
    import { auditLog } from './index.ts';
    import { auditEventFactory } from './test/helpers/factories.ts';
    import { publishEvent } from './test/helpers/bus.ts';
    let calls = 0;
    const sink = { name: 'flaky', write(records) {
      if (++calls === 1) throw new Error('first call fails');
      console.log('delivered ' + records.length + ' on call ' + calls);
    } };
    const audit = auditLog({ sink, handleSignals: false, onError: () => {}, delivery: { lingerMs: 0, retryBaseDelayMs: 400, retryMaxDelayMs: 400 } });
    publishEvent(audit, auditEventFactory());
    // The first call fails while this timer keeps the process up; then nothing but the (unref'd)
    // retry timer is left: once beforeExit asks for a flush, that timer must keep the process alive.
    setTimeout(() => {}, 100);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  t.regex(stdout, /delivered 1 on call 2/);
});

test('batches respect maxBatchEvents and the sink limits; at most maxInFlight calls run at once; lingerMs bounds the wait', async (t) => {
  let inFlight = 0;
  let maxSeen = 0;
  const sizes: number[] = [];
  const slow: Sink = {
    name: 'slow',
    limits: { maxBatchRecords: 40, maxBatchBytes: 64 * 1024 },
    async write(records) {
      sizes.push(records.length);
      maxSeen = Math.max(maxSeen, ++inFlight);
      await sleep(20);
      inFlight--;
    },
  };
  const audit = auditLog({ sink: slow, handleSignals: false, delivery: { lingerMs: 30, maxBatchEvents: 25, maxInFlight: 2 } });
  for (let i = 0; i < 500; i++) publishEvent(audit, auditEventFactory());
  await audit.flush();
  t.is(maxSeen, 2);
  t.true(sizes.every((n) => n <= 25));
  t.is(sizes.reduce((a, b) => a + b, 0), 500);
  // A lone event waits about lingerMs, not for a full batch.
  const t0 = performance.now();
  publishEvent(audit, auditEventFactory());
  while (audit.stats().sent < 501) await sleep(2);
  const waited = performance.now() - t0;
  // Timers guarantee the lower bound; the upper one depends on machine load, so it is only logged.
  t.true(waited >= 25, `lone event sent after ${waited.toFixed(0)} ms`);
  t.log(`lone event sent after ${waited.toFixed(0)} ms (lingerMs 30)`);
  await audit.close();
});

test('a call finished just before the event loop empties is built and delivered before the process exits (build window, beforeExit flush)', async (t) => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  // An outbound POST outside any inbound request (recorded by default), then nothing left to do:
  // the record waits in the build window, whose timer must not keep the app alive, and must not
  // be lost either.
  const script = `
    import http from 'node:http';
    import { auditLog } from './index.ts';
    const sink = { name: 'print', write(records) { for (const r of records) console.log('delivered ' + r.event.method); } };
    auditLog({ sink, handleSignals: false, delivery: { lingerMs: 60000 } });
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
    server.listen(0, '127.0.0.1', () => {
      const req = http.request('http://127.0.0.1:' + server.address().port + '/x', { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => server.close());
      });
      req.end('{"a":1}');
    });`;
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../../', import.meta.url)), timeout: 30_000 });
  t.regex(stdout, /delivered POST/);
  // Neither the 60 s linger nor anything else kept it alive.
  t.true(performance.now() - started < 20_000);
});
