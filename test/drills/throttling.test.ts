/**
 * Drill: Kinesis throttling. A proxy in front of kinesalite fails 30 % of the entries of every
 * PutRecords with ProvisionedThroughputExceededException (and really does not forward them).
 * Policy: only the failed entries are resent → 0 lost, each id exactly once in the stream.
 */
import test from 'ava';
import { auditLog } from '../../index.js';
import { kinesisClientFor, startKinesisProxy } from '../helpers/kinesalite.js';
import { collectIds, drive, identifyByHeader, kinesaliteAndUpstream, underLoad } from '../sinks/_support.js';
import { reportDrill, tally } from './_report.js';

const env = kinesaliteAndUpstream(test);

test('throttling: 30 % of PutRecords entries throttled → 0 lost, each id exactly once in the stream (read back)', async (t) => {
  await env.kinesis.createStream('throttled', 2);
  const proxy = await startKinesisProxy(env.kinesis.endpoint, { failRate: 0.3, seed: 7 });
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'throttled', client: kinesisClientFor(proxy.endpoint) },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    delivery: { lingerMs: 20, retryBaseDelayMs: 20, retryMaxDelayMs: 200, maxAttempts: 30 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, (url) => drive(url, 600, 30), [proxy]);
  const found = (await env.kinesis.readAll('throttled')).map((rec) => JSON.parse(Buffer.from(rec.Data!).toString('utf8')).id as string);
  const r = tally(ids, found);
  const stats = audit.stats();
  reportDrill(t, {
    drill: 'throttling', sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'throttled entries are retryable; only they are resent, within 30 attempts', duplicates: r.duplicates,
    extra: { throttledEntries: proxy.counts.failedEntries, putRecordsCalls: proxy.counts.putRecordsCalls, retried: stats.retried },
  });
  t.is(ids.length, 600);
  t.true(proxy.counts.failedEntries > 100, `${proxy.counts.failedEntries} entries throttled`);
  t.is(r.lost, 0);
  t.is(r.duplicates, 0, 'each id exactly once');
  t.is(found.length, ids.length);
  t.is(stats.retried, proxy.counts.failedEntries, 'every throttled entry was resent, and nothing else');
  t.is(stats.sent, 600);
  t.is(stats.dropped + stats.failed, 0);
});
