/**
 * Drill: a hanging sink. A Kinesis sink (kinesalite) wrapped so that, while `hanging`, every
 * write returns a promise that never settles (nothing reaches the stream). Policy: inbound
 * responses never wait on the sink; hung calls time out (writeTimeoutMs), are aborted and retried,
 * and after maxAttempts the events are counted failed and passed to onDrop: lost == failed.
 * Once the sink answers again, later events are stored (read back from the stream); a real call
 * that outlives writeTimeoutMs on a loaded machine is retried and may land twice (at least once).
 */
import test from 'ava';
import { auditLog, type AuditEvent, type Sink } from '../../index.js';
import { kinesisSink } from '../../sinks/kinesis.js';
import { collectIds, drive, identifyByHeader, kinesaliteAndUpstream, startApp } from '../sinks/_support.js';
import { reportDrill, tally } from './_report.js';

const env = kinesaliteAndUpstream(test);

test('hanging sink: inbound responses complete while sink calls hang; hung events retried, then failed; lost == failed', async (t) => {
  await env.kinesis.createStream('hanging', 1);
  const inner = kinesisSink({ streamName: 'hanging', client: env.kinesis.client });
  const state = { hanging: true, hungCalls: 0, aborted: 0, lateRecords: 0 };
  const sink: Sink = {
    name: 'hanging-kinesis',
    limits: inner.limits,
    write(records, context) {
      if (!state.hanging) {
        // A real call slower than writeTimeoutMs is retried too; if it lands late, a duplicate (documented).
        context?.signal.addEventListener('abort', () => (state.lateRecords += records.length));
        return inner.write(records, context);
      }
      state.hungCalls++;
      context?.signal.addEventListener('abort', () => state.aborted++);
      return new Promise(() => {}); // never settles
    },
  };
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink, identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false, onError: () => {},
    onDrop: (events) => dropped.push(...events),
    delivery: { lingerMs: 0, writeTimeoutMs: 1_500, maxAttempts: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 10 },
  });
  const ids = collectIds(audit);
  const app = await startApp(audit, env.upstream.url);
  let sentWhenResponsesDone: number | undefined;
  let hungWhenResponsesDone: number | undefined;
  try {
    await drive(app.url, 150, 10); // every response must arrive…
    sentWhenResponsesDone = audit.stats().sent; // …while the sink has delivered nothing yet
    hungWhenResponsesDone = state.hungCalls;
    await audit.flush(); // the hung events time out, are retried once, then given up
    state.hanging = false;
    await drive(app.url, 250, 10);
    await audit.flush();
  } finally {
    await app.close();
    await audit.close();
  }
  const r = tally(ids, (await env.kinesis.readAll('hanging')).map((rec) => JSON.parse(Buffer.from(rec.Data!).toString('utf8')).id as string));
  const stats = audit.stats();
  reportDrill(t, {
    drill: 'hanging-sink', sent: ids.length, stored: r.stored, lost: r.lost, allowed: stats.failed,
    why: 'writeTimeoutMs 1500 × maxAttempts 2 while the sink hung: counted failed and passed to onDrop', duplicates: r.duplicates,
    extra: { hungCalls: state.hungCalls, abortedCalls: state.aborted, retried: stats.retried, slowRealCallRecords: state.lateRecords },
  });
  t.is(ids.length, 400);
  t.is(sentWhenResponsesDone, 0, 'all 150 responses completed while no sink call had settled');
  t.true((hungWhenResponsesDone ?? 0) >= 1, 'a sink call was pending when the responses completed');
  t.true(state.aborted >= 2, 'timed-out calls were aborted through the signal');
  t.true(stats.retried >= 150, 'each hung event was retried');
  t.is(stats.failed, 150);
  t.is(stats.dropped, 0);
  t.is(r.lost, stats.failed);
  t.deepEqual(dropped.map((e) => e.id).sort(), [...r.missing].sort());
  t.is(r.stored, 250);
  t.true(r.duplicates <= state.lateRecords, 'duplicates only from real calls that outlived writeTimeoutMs (at least once)');
});
