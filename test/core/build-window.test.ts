/**
 * Finished calls are built into events in windows (20 ms, or at once when 64 are waiting), so
 * the build code runs over many records at a time instead of cold between requests.
 */
import test from 'ava';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { AuditPipeline, BodyTap, CallRecord, resolveCoreOptions, type InboundContext, type Sink } from '../../core/index.js';

function pipelineWithCounter(): { pipeline: AuditPipeline; built: () => number; sink: Sink & { records: number } } {
  const sink = { name: 'count', records: 0, write(records: readonly unknown[]) { sink.records += records.length; } };
  const pipeline = new AuditPipeline(resolveCoreOptions({ onError: () => {}, delivery: { lingerMs: 0 } }), sink);
  let events = 0;
  pipeline.bus.on('event', () => events++);
  return { pipeline, built: () => events, sink };
}

function finishedCall(pipeline: AuditPipeline): CallRecord {
  const context: InboundContext = { pipeline, source: {}, defaultPrincipal: () => ({ accountId: 'acct-1', id: 'u-1' }), requestIdHeader: 'r-1' };
  const now = performance.now();
  const record = new CallRecord('http', context, [pipeline], 'POST', 'http://127.0.0.1:1/orders', Date.now(), now, 1024);
  record.requestHeaders = { 'content-type': 'application/json' };
  record.requestBody?.push('{"a":1}');
  record.status = 201;
  record.responseHeaders = ['Content-Type', 'application/json'];
  record.responseBody = new BodyTap(1024);
  record.responseBody.push(Buffer.from('{"ok":true}'));
  record.endedAt = now + 1;
  return record;
}

test('a lone finished call is built when its window closes, not on the next turn of the event loop', async (t) => {
  const { pipeline, built } = pipelineWithCounter();
  pipeline.accept(finishedCall(pipeline));
  await tick();
  await tick();
  t.is(built(), 0, 'still waiting in the window');
  const t0 = performance.now();
  while (built() === 0 && performance.now() - t0 < 2_000) await sleep(2);
  t.is(built(), 1);
  t.true(performance.now() - t0 < 1_000);
});

test('64 waiting calls are built at once, without waiting for the window', async (t) => {
  const { pipeline, built } = pipelineWithCounter();
  for (let i = 0; i < 63; i++) pipeline.accept(finishedCall(pipeline));
  await tick();
  t.is(built(), 0);
  pipeline.accept(finishedCall(pipeline));
  await tick();
  t.is(built(), 64);
  // The window that was open is closed with them: nothing is built twice or left behind.
  await sleep(40);
  t.is(built(), 64);
});

test('flush builds and delivers what is waiting in the window at once', async (t) => {
  const { pipeline, built, sink } = pipelineWithCounter();
  pipeline.accept(finishedCall(pipeline));
  pipeline.accept(finishedCall(pipeline));
  await pipeline.flush();
  t.is(built(), 2);
  t.is(sink.records, 2);
  t.deepEqual(pipeline.stats(), { queued: 0, sent: 2, retried: 0, dropped: 0, failed: 0 });
});
