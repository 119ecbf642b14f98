/**
 * SIGTERM under load, in a child process: every event emitted before the signal-time flush
 * began is in the stream; with no listener of its own the child dies by SIGTERM exactly as it
 * would have by default; with its own listener, we only flush alongside it.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKinesalite, type Kinesalite } from '../helpers/kinesalite.js';
import { idCounts } from './_support.js';
import { auditLog, memorySink } from '../../index.js';
import { shutdownParticipants } from '../../core/index.js';

const fixture = fileURLToPath(new URL('../fixtures/sigterm-app.ts', import.meta.url));
let kinesis: Kinesalite;

test.before(async () => {
  kinesis = await startKinesalite();
});
test.after.always(async () => {
  await kinesis?.stop();
});

async function runChild(stream: string, ownListener: boolean) {
  await kinesis.createStream(stream, 2);
  const child = spawn(process.execPath, ['--import=tsx', fixture], {
    env: { ...process.env, KINESIS_ENDPOINT: kinesis.endpoint, AUDIT_LOG_KINESIS_STREAM: stream, OWN_LISTENER: ownListener ? '1' : '', AUDIT_LOG_SINK: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const beforeFlush: string[] = [];
  const after: string[] = [];
  let flushSeen = false;
  let appListener = false;
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l === 'READY') ready();
    else if (l === 'FLUSH') flushSeen = true;
    else if (l === 'APP-LISTENER') appListener = true;
    else if (l.startsWith('E ')) (flushSeen ? after : beforeFlush).push(l.slice(2));
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await readyP;
  await sleep(300); // still under load: calls in flight, events buffered
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  const counts = idCounts((await kinesis.readAll(stream)).map((r) => r.Data!));
  return { code, signal, beforeFlush, after, flushSeen, appListener, counts };
}

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
