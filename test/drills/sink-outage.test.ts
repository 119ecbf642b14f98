/**
 * Drill: the Kinesis stream unreachable under load (a proxy in front of kinesalite destroys every
 * connection). Within the buffer bound nothing is lost, end to end: app → Kinesis → kinesis-to-s3
 * → S3, counted from the gunzipped objects. Past the bound, what is missing from the stream is
 * exactly what the dispatcher counted (dropped + failed) and passed to onDrop.
 */
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLog, type AuditEvent } from '../../index.js';
import { kinesisClientFor, startKinesisProxy } from '../helpers/kinesalite.js';
import { collectIds, drive, identifyByHeader, underLoad } from '../sinks/_support.js';
import { pipelineEnv, runLambda, storedIds } from './_pipeline.js';
import { reportDrill, tally } from './_report.js';

const env = pipelineEnv(test);

test.serial('sink outage within the buffer bound: 0 lost end to end (app → Kinesis → Lambda → S3)', async (t) => {
  await env.kinesis.createStream('outage-e2e', 1);
  const proxy = await startKinesisProxy(env.kinesis.endpoint);
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'outage-e2e', client: kinesisClientFor(proxy.endpoint) },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false, onError: () => {},
    delivery: { lingerMs: 20, retryBaseDelayMs: 50, retryMaxDelayMs: 400, maxAttempts: 100 },
  });
  const ids = collectIds(audit);
  let queuedDuringOutage = 0;
  await underLoad(audit, env.upstream.url, async (url) => {
    await drive(url, 100, 20);
    proxy.down = true;
    const load = drive(url, 400, 20);
    await sleep(1_000);
    queuedDuringOutage = audit.stats().queued;
    proxy.down = false;
    await load;
  }, [proxy]);
  const { stats: poller } = await runLambda({ kinesis: env.kinesis.client, streamName: 'outage-e2e', s3: env.s3.client, prefix: 'outage/' });
  const r = tally(ids, await storedIds(env.s3.client, 'outage/'));
  const stats = audit.stats();
  reportDrill(t, {
    drill: 'sink-outage (within bound)', sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'outage shorter than the retry budget, buffer never full', duplicates: r.duplicates,
    extra: { connectionsDestroyed: proxy.counts.destroyed, retried: stats.retried, queuedDuringOutage, lambdaInvocations: poller.invocations },
  });
  t.is(ids.length, 500);
  t.true(proxy.counts.destroyed > 0, 'the outage really refused calls');
  t.true(queuedDuringOutage > 0, 'events waited in the buffer during the outage');
  t.is(stats.dropped + stats.failed, 0);
  t.is(r.lost, 0);
  t.is(r.stored + r.lost, ids.length);
  t.is(r.duplicates, 0, 'refused connections never reached the stream');
});

test.serial('sink outage past the buffer bound: lost == dropped + failed == events passed to onDrop; stored + lost == sent', async (t) => {
  await env.kinesis.createStream('outage-overflow', 1);
  const proxy = await startKinesisProxy(env.kinesis.endpoint);
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'outage-overflow', client: kinesisClientFor(proxy.endpoint) },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false, onError: () => {},
    onDrop: (events) => dropped.push(...events),
    delivery: { lingerMs: 20, maxBufferEvents: 100, retryBaseDelayMs: 50, retryMaxDelayMs: 300, maxAttempts: 5 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, async (url) => {
    proxy.down = true;
    await drive(url, 500, 20);
    await sleep(500);
    proxy.down = false;
    await drive(url, 150, 20);
  }, [proxy]);
  const r = tally(ids, (await env.kinesis.readAll('outage-overflow')).map((rec) => JSON.parse(Buffer.from(rec.Data!).toString('utf8')).id as string));
  const stats = audit.stats();
  const allowed = stats.dropped + stats.failed;
  reportDrill(t, {
    drill: 'sink-outage (past bound)', sent: ids.length, stored: r.stored, lost: r.lost, allowed,
    why: `buffer bound 100 events (drop-newest) + 5 attempts: dropped ${stats.dropped} + failed ${stats.failed}, each passed to onDrop`,
    duplicates: r.duplicates, extra: { onDrop: dropped.length, connectionsDestroyed: proxy.counts.destroyed },
  });
  t.is(ids.length, 650);
  t.true(stats.dropped > 0, 'the bound was hit');
  t.is(r.lost, allowed);
  t.is(dropped.length, r.lost);
  t.deepEqual(dropped.map((e) => e.id).sort(), [...r.missing].sort(), 'exactly the missing events were reported');
  t.is(r.stored + r.lost, ids.length);
  t.is(stats.sent, r.stored);
  t.is(r.duplicates, 0);
});
