/**
 * SIGTERM under load, in a child process: every event emitted before the signal-time flush
 * began is in the stream; with no listener of its own the child dies by SIGTERM exactly as it
 * would have by default; with its own listener, we only flush alongside it.
 */
import test from 'ava';
import { startKinesalite, type Kinesalite } from '../helpers/kinesalite.js';
import { runSigtermChild } from '../helpers/sigterm-child.js';
import { auditLog, memorySink } from '../../index.js';
import { shutdownParticipants } from '../../core/index.js';

let kinesis: Kinesalite;

test.before(async () => {
  kinesis = await startKinesalite();
});
test.after.always(async () => {
  await kinesis?.stop();
});

const runChild = (stream: string, ownListener: boolean) => runSigtermChild(kinesis, stream, ownListener);

test.serial('SIGTERM with no app listener: flushes everything emitted before the signal, then dies by SIGTERM as by default', async (t) => {
  const r = await runChild('sigterm-default', false);
  t.true(r.flushSeen);
  t.is(r.signal, 'SIGTERM');
  t.is(r.code, null);
  t.true(r.beforeFlush.length >= 200);
  const missing = r.beforeFlush.filter((id) => !r.counts.has(id));
  t.deepEqual(missing, []);
  t.true([...r.counts.values()].every((n) => n === 1));
  t.log(`${r.beforeFlush.length} events before the flush, all in the stream; ${r.after.length} emitted during it`);
});

test.serial('SIGTERM with an app listener: flushes alongside it and leaves the exit to the app', async (t) => {
  const r = await runChild('sigterm-own', true);
  t.true(r.flushSeen);
  t.true(r.appListener);
  t.is(r.signal, null);
  t.is(r.code, 0);
  t.deepEqual(r.beforeFlush.filter((id) => !r.counts.has(id)), []);
});

test.serial('one signal handler per process, refcounted over instances; handleSignals: false opts out', async (t) => {
  const base = process.listenerCount('SIGTERM');
  const baseInt = process.listenerCount('SIGINT');
  const a = auditLog({ sink: memorySink() });
  const b = auditLog({ sink: memorySink() });
  const c = auditLog({ sink: memorySink(), handleSignals: false });
  t.is(process.listenerCount('SIGTERM'), base + 1);
  t.is(process.listenerCount('SIGINT'), baseInt + 1);
  t.is(shutdownParticipants(), 2);
  await a.close();
  t.is(process.listenerCount('SIGTERM'), base + 1);
  await b.close();
  await c.close();
  t.is(process.listenerCount('SIGTERM'), base);
  t.is(shutdownParticipants(), 0);
});
