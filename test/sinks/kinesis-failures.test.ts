/**
 * Kinesis delivery under failure, against kinesalite behind a proxy (real HTTP, real SDK):
 *  - throttling: 30 % of each PutRecords' entries fail (and are really not forwarded) → 0 lost,
 *    each id exactly once;
 *  - outage: connections destroyed for seconds under load → 0 lost within the buffer bound;
 *    past the bound, what is missing equals exactly what was counted and passed to onDrop.
 */
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLog, type AuditEvent } from '../../index.js';
import { kinesisClientFor, startKinesisProxy } from '../helpers/kinesalite.js';
import { collectIds, drive, identifyByHeader, idCounts, kinesaliteAndUpstream, meterPutRecords, underLoad } from './_support.js';

const env = kinesaliteAndUpstream(test);

test.serial('throttling: 30 % of the entries of every PutRecords fail → only those are resent, 0 lost, each id exactly once', async (t) => {
  await env.kinesis.createStream('throttled', 2);
  const proxy = await startKinesisProxy(env.kinesis.endpoint, { failRate: 0.3 });
  const client = kinesisClientFor(proxy.endpoint);
  const calls = meterPutRecords(client);
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'throttled', client },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    delivery: { lingerMs: 20, retryBaseDelayMs: 20, retryMaxDelayMs: 200, maxAttempts: 30 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, (url) => drive(url, 2_000, 50), [proxy]);
  const counts = idCounts((await env.kinesis.readAll('throttled')).map((r) => r.Data!));
  const stats = audit.stats();
  t.is(ids.length, 2_000);
  t.is(counts.size, 2_000);
  t.true(ids.every((id) => counts.get(id) === 1), 'each id exactly once');
  t.is(stats.sent, 2_000);
  t.is(stats.dropped + stats.failed, 0);
  // Every failed entry was retried, and nothing else: retries = failed entries.
  t.is(stats.retried, proxy.counts.failedEntries);
  t.true(proxy.counts.failedEntries > 500, `${proxy.counts.failedEntries} entries throttled`);
  t.is(calls.reduce((n, c) => n + c.records, 0), 2_000 + proxy.counts.failedEntries);
  t.log(`throttled entries ${proxy.counts.failedEntries}, PutRecords calls ${calls.length}`);
});

test.serial('outage within the buffer bound: connections destroyed for 3 s under load → 0 lost', async (t) => {
  await env.kinesis.createStream('outage', 1);
  const proxy = await startKinesisProxy(env.kinesis.endpoint);
  const client = kinesisClientFor(proxy.endpoint);
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'outage', client },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    delivery: { lingerMs: 20, retryBaseDelayMs: 50, retryMaxDelayMs: 500, maxAttempts: 100 },
    onError: (err) => errors.push(err),
  });
  const errors: unknown[] = [];
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, async (url) => {
    await drive(url, 500, 20);
    proxy.down = true;
    const load = drive(url, 1_500, 20);
    await sleep(3_000);
    t.true(audit.stats().queued > 0, 'events wait in the buffer during the outage');
    proxy.down = false;
    await load;
  }, [proxy]);
  const counts = idCounts((await env.kinesis.readAll('outage')).map((r) => r.Data!));
  const stats = audit.stats();
  t.true(proxy.counts.destroyed > 0);
  t.is(ids.length, 2_000);
  t.true(ids.every((id) => counts.get(id) === 1), 'each id exactly once');
  t.is(stats.sent, 2_000);
  t.is(stats.dropped + stats.failed, 0);
  t.true(stats.retried > 0);
  t.true(errors.length > 0 && errors.every((e) => (e as Error).name === 'SinkDeliveryError'), 'failed calls are reported through onError');
  t.log(`connections destroyed ${proxy.counts.destroyed}, retried ${stats.retried}`);
});

test.serial('outage past the buffer bound: what is missing from the stream is exactly what was counted and passed to onDrop', async (t) => {
  await env.kinesis.createStream('overflow', 1);
  const proxy = await startKinesisProxy(env.kinesis.endpoint);
  const client = kinesisClientFor(proxy.endpoint);
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'overflow', client },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    onDrop: (events) => dropped.push(...events),
    onError: () => {},
    // A small bound, and a retry budget that some events spend during the outage.
    delivery: { lingerMs: 20, maxBufferEvents: 200, retryBaseDelayMs: 50, retryMaxDelayMs: 300, maxAttempts: 6 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, async (url) => {
    proxy.down = true;
    await drive(url, 1_200, 20);
    await sleep(1_500);
    proxy.down = false;
    await drive(url, 300, 20);
  }, [proxy]);
  const counts = idCounts((await env.kinesis.readAll('overflow')).map((r) => r.Data!));
  const stats = audit.stats();
  const missing = ids.filter((id) => !counts.has(id));
  t.is(ids.length, 1_500);
  t.true(missing.length > 0, 'the bound was hit');
  t.true(stats.dropped > 0, 'buffer-full drops happened');
  t.is(stats.dropped + stats.failed, missing.length);
  t.deepEqual(dropped.map((e) => e.id).sort(), [...missing].sort());
  t.is(dropped.length, missing.length);
  t.true([...counts.values()].every((n) => n === 1));
  t.is(stats.sent, ids.length - missing.length);
  t.log(`missing ${missing.length} = dropped ${stats.dropped} + failed ${stats.failed}`);
});
