/**
 * Drill: SIGTERM under load. A child process (test/fixtures/sigterm-app.ts) makes outbound calls
 * continuously into a kinesalite stream and is sent SIGTERM; with no listener of its own the
 * audit log flushes (shutdownGraceMs) and re-raises. Policy: every event emitted before the flush
 * began — so every event emitted before the signal — is in the stream (read back).
 */
import test from 'ava';
import { startKinesalite, type Kinesalite } from '../helpers/kinesalite.js';
import { runSigtermChild } from '../helpers/sigterm-child.js';
import { reportDrill, tally } from './_report.js';

let kinesis: Kinesalite;
test.before(async () => {
  kinesis = await startKinesalite();
});
test.after.always(() => kinesis?.stop());

test('SIGTERM under load in a child process: every event emitted before the signal is stored', async (t) => {
  const run = await runSigtermChild(kinesis, 'drill-sigterm', false);
  const found = [...run.counts].flatMap(([id, n]) => Array.from({ length: n }, () => id));
  const r = tally(run.beforeFlush, found);
  const duringFlush = run.after.filter((id) => run.counts.has(id)).length;
  reportDrill(t, {
    drill: 'sigterm', sent: run.beforeFlush.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'the signal handler flushes everything buffered before re-raising SIGTERM', duplicates: r.duplicates,
    extra: { emittedDuringFlush: run.after.length, ofWhichStored: duringFlush, exit: `signal ${run.signal}` },
  });
  t.true(run.flushSeen);
  t.is(run.signal, 'SIGTERM', 'the child still dies by SIGTERM');
  t.true(run.beforeFlush.length >= 200);
  t.is(r.lost, 0);
  t.deepEqual(r.missing, []);
  t.is(r.duplicates, 0);
});
