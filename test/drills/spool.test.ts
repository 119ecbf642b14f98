/**
 * Drills for the durable spool (docs/spool.md), each printing sent / stored / lost. The stream is
 * kinesalite; an outage is a proxy in front of it that destroys every connection. Apps that crash
 * are child processes (test/drills/fixtures/spool-app.ts) killed with SIGKILL.
 *
 *  - kill -9 under load during an outage, then a restart: every event built before the kill
 *    reaches the stream, except those built in the last 20 ms (waiting for the write in flight, not
 *    yet in the page cache: what the spool's contract allows a process crash to lose);
 *  - the same with the spool's files then damaged (a byte flipped, the last file cut short): the
 *    app starts and every intact record is delivered;
 *  - an outage at 1,000 events/s with a memory bound of 10,000 events: 0 lost
 *    (DRILL_OUTAGE_SECONDS, default 15 here; the 5 minutes: DRILL_OUTAGE_SECONDS=300);
 *  - the spool bound hit: lost = dropped = the events the gap record names;
 *  - two processes sharing a directory, one killed: the other delivers its events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { auditLog, type AuditEvent } from '../../index.js';
import { readFrame } from '../../core/delivery/spool/frame.js';
import { GAP_METHOD } from '../../core/delivery/spool/gap-event.js';
import { kinesisClientFor, startKinesalite, startKinesisProxy, type Kinesalite } from '../helpers/kinesalite.js';
import { auditEventFactory } from '../helpers/factories.js';
import { publishEvent } from '../helpers/bus.js';
import { reportDrill, tally } from './_report.js';

const APP = fileURLToPath(new URL('./fixtures/spool-app.ts', import.meta.url));
/** A process crash may lose what was built this recently: what waits for the write in flight (spool.ts). */
const WRITE_WINDOW_MS = 20;

let kinesis: Kinesalite;
test.before(async () => {
  kinesis = await startKinesalite();
});
test.after.always(async () => {
  await kinesis?.stop();
});

interface App {
  child: ChildProcess;
  built: Array<{ id: string; at: number }>;
  stdout: string;
}

function startApp(env: Record<string, string>): Promise<App> {
  const child = spawn(process.execPath, ['--import=tsx', APP], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const app: App = { child, built: [], stdout: '' };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    app.stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = /^built (\S+) (\d+)$/.exec(line);
      if (m) app.built.push({ id: m[1]!, at: Number(m[2]) });
    }
  });
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (app.stdout.includes('ready ')) {
        clearInterval(check);
        resolve(app);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(check);
      reject(new Error(`spool app exited with ${code} before it was ready`));
    });
  });
}

function kill9(app: App): Promise<number> {
  return new Promise((resolve) => {
    app.child.once('exit', () => resolve(Date.now()));
    app.child.kill('SIGKILL');
  });
}

async function stop(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  // 'close', not 'exit': its stdout is read to the end by then.
  const exited = new Promise((resolve) => app.child.once('close', resolve));
  app.child.kill('SIGTERM');
  await exited;
}

async function streamIds(stream: string): Promise<string[]> {
  return (await kinesis.readAll(stream)).map((r) => (JSON.parse(Buffer.from(r.Data!).toString('utf8')) as AuditEvent).id);
}

async function untilStored(stream: string, ids: readonly string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await streamIds(stream);
    const have = new Set(found);
    if (ids.every((id) => have.has(id)) || Date.now() > deadline) return found;
    await sleep(250);
  }
}

/** The ids of every intact record in the spool's segment files, read with the spool's own frame reader. */
function intactIdsOnDisk(dir: string): string[] {
  const ids: string[] = [];
  for (const file of readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.log') && !f.startsWith('corrupt'))) {
    const data = readFileSync(join(dir, file));
    for (let at = 0; at < data.length;) {
      const frame = readFrame(data, at);
      if (frame.kind === 'record') {
        ids.push((JSON.parse(frame.json) as AuditEvent).id);
        at = frame.end;
      } else if (frame.kind === 'corrupt') {
        at = frame.next;
      } else {
        break;
      }
    }
  }
  return ids;
}

async function crashDuringOutage(stream: string, dir: string, damage: boolean) {
  await kinesis.createStream(stream, 1);
  const proxy = await startKinesisProxy(kinesis.endpoint);
  proxy.down = true;
  const app = await startApp({ KINESIS_ENDPOINT: proxy.endpoint, STREAM: stream, SPOOL_DIR: dir, RATE: '1000' });
  await sleep(1_500);
  // On a loaded machine 1.5 s may build fewer than the 1,000 events the drill asks for: wait for them (at most 10 s more).
  for (const end = Date.now() + 10_000; app.built.length <= 1_000 && Date.now() < end;) await sleep(50);
  const killedAt = await kill9(app);
  await proxy.close();
  let intact: string[] | null = null;
  if (damage) {
    const files = readdirSync(join(dir, 'slot-00')).filter((f) => f.endsWith('.log')).sort();
    const first = join(dir, 'slot-00', files[0]!);
    const bytes = readFileSync(first);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(first, bytes);
    const last = join(dir, 'slot-00', files.at(-1)!);
    writeFileSync(last, readFileSync(last).subarray(0, -7));
    intact = intactIdsOnDisk(dir);
  }
  const restarted = await startApp({ KINESIS_ENDPOINT: kinesis.endpoint, STREAM: stream, SPOOL_DIR: dir, RATE: '0' });
  const durable = app.built.filter((b) => b.at < killedAt - WRITE_WINDOW_MS).map((b) => b.id);
  const found = await untilStored(stream, intact ?? durable, 30_000);
  await stop(restarted);
  return { app, killedAt, durable, found, intact, closed: restarted.stdout };
}

test.serial('kill -9 under load during a sink outage, then a restart: every event built before the kill reaches the stream', async (t) => {
  t.timeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'drill-spool-kill-'));
  const { app, durable, found } = await crashDuringOutage('spool-kill9', dir, false);
  const r = tally(app.built.map((b) => b.id), found);
  const notDurable = app.built.length - durable.length;
  reportDrill(t, {
    drill: 'spool kill -9', sent: app.built.length, stored: r.stored, lost: r.lost, allowed: notDurable,
    why: `events built in the last ${WRITE_WINDOW_MS} ms before SIGKILL (still in the write buffer)`, duplicates: r.duplicates,
  });
  t.true(app.built.length > 1_000, `built ${app.built.length}`);
  t.is(tally(durable, found).lost, 0, 'every event built before the write window reached the stream');
  t.true(r.lost <= notDurable);
});

test.serial('a corrupt segment and a torn tail after a crash: the app starts and every intact record is delivered', async (t) => {
  t.timeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'drill-spool-corrupt-'));
  const { app, found, intact, closed } = await crashDuringOutage('spool-corrupt', dir, true);
  const r = tally(intact!, found);
  const closedLine = /closed (\{.*\})/.exec(closed);
  if (closedLine === null) throw new Error(`the restarted app did not report its stats: ${closed.slice(-500)}`);
  const stats = JSON.parse(closedLine[1]!) as { corrupt: number; replayed: number };
  reportDrill(t, {
    drill: 'spool corrupt segment + torn tail', sent: intact!.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'every intact record on disk is delivered; the damaged one and the cut-off tail are not records', duplicates: r.duplicates,
    extra: { builtBeforeKill: app.built.length, corruptSegments: stats.corrupt, replayed: stats.replayed },
  });
  t.is(r.lost, 0);
  t.true(stats.corrupt >= 1, 'the damaged file was counted');
  t.true(readdirSync(join(dir, 'corrupt')).length >= 1, 'and moved aside');
});

test.serial('an outage at 1,000 events/s with a memory bound of 10,000 events: 0 lost', async (t) => {
  const seconds = Number(process.env.DRILL_OUTAGE_SECONDS ?? '15');
  t.timeout((seconds * 3 + 120) * 1000);
  await kinesis.createStream('spool-outage', 1);
  const proxy = await startKinesisProxy(kinesis.endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'drill-spool-outage-'));
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'spool-outage', client: kinesisClientFor(proxy.endpoint) },
    spool: { dir }, delivery: { lingerMs: 20, retryBaseDelayMs: 50, retryMaxDelayMs: 1_000, maxBufferEvents: 10_000 },
    // The proxy's own forwarding requests are outbound calls of this process: not audited here.
    handleSignals: false, onError: () => {}, recordOutsideRequests: false,
  });
  proxy.down = true;
  const ids: string[] = [];
  let maxQueued = 0;
  const started = Date.now();
  for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
    for (let i = 0; i < 10; i++) {
      const e = auditEventFactory({ request_body: null, response_body: null });
      ids.push(e.id);
      publishEvent(audit, e);
    }
    maxQueued = Math.max(maxQueued, audit.stats().queued);
    await sleep(Math.max(0, started + (tick + 1) * 10 - Date.now()));
  }
  const during = audit.stats();
  proxy.down = false;
  await audit.flush();
  const stats = audit.stats();
  await audit.close();
  await proxy.close();
  const r = tally(ids, await streamIds('spool-outage'));

  reportDrill(t, {
    drill: `spool outage ${seconds} s at 1,000 events/s`, sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'the spool holds what the 10,000-event memory bound cannot', duplicates: r.duplicates,
    extra: { spooledEventsAtEnd: during.spooledEvents, spooledMiB: Math.round(during.spooledBytes / 1048576), maxInMemory: maxQueued, retried: stats.retried },
  });
  t.true(ids.length > 10_000, 'more events than the memory bound');
  t.true(maxQueued <= 10_000 + 1_000, `in memory at most ~10,000 (saw ${maxQueued})`);
  t.like(stats, { sent: ids.length, dropped: 0, failed: 0, queued: 0, spooledEvents: 0 });
  t.is(r.lost, 0);
});

test.serial('the spool bound hit: lost = dropped = the events the gap record names', async (t) => {
  await kinesis.createStream('spool-bound', 1);
  const proxy = await startKinesisProxy(kinesis.endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'drill-spool-bound-'));
  const dropped: AuditEvent[] = [];
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'spool-bound', client: kinesisClientFor(proxy.endpoint) },
    spool: { dir, maxBytes: 1024 * 1024 }, delivery: { lingerMs: 20, retryBaseDelayMs: 50, retryMaxDelayMs: 300 },
    handleSignals: false, onError: () => {}, recordOutsideRequests: false, onDrop: (events) => void dropped.push(...events),
  });
  proxy.down = true;
  const ids: string[] = [];
  for (let i = 0; i < 1_500; i++) {
    const e = auditEventFactory({ response_body: 'r'.repeat(1_500) });
    ids.push(e.id);
    publishEvent(audit, e);
    if (i % 100 === 99) await sleep(5);
  }
  await sleep(300);
  proxy.down = false;
  await audit.flush();
  const last = auditEventFactory();
  ids.push(last.id);
  publishEvent(audit, last);
  await audit.flush();
  const stats = audit.stats();
  await audit.close();
  await proxy.close();
  const stored = (await kinesis.readAll('spool-bound')).map((r) => JSON.parse(Buffer.from(r.Data!).toString('utf8')) as AuditEvent);
  const r = tally(ids, stored.map((e) => e.id));
  const gaps = stored.filter((e) => e.method === GAP_METHOD);
  const named = gaps.reduce((n, g) => n + (JSON.parse(g.request_body!) as { gap: { lost: number } }).gap.lost, 0);
  reportDrill(t, {
    drill: 'spool bound (1 MiB)', sent: ids.length, stored: r.stored, lost: r.lost, allowed: stats.dropped,
    why: `spool full: dropped ${stats.dropped}, each passed to onDrop, named by ${gaps.length} gap record(s)`, duplicates: r.duplicates,
    extra: { gapRecords: gaps.length, namedByGaps: named },
  });
  t.true(stats.dropped > 0, 'the bound was hit');
  t.is(r.lost, stats.dropped);
  t.is(dropped.length, stats.dropped);
  t.is(named, stats.dropped);
});

test.serial('two processes share a spool directory; one is killed: the other delivers its events', async (t) => {
  t.timeout(90_000);
  await kinesis.createStream('spool-shared', 1);
  const proxy = await startKinesisProxy(kinesis.endpoint);
  proxy.down = true;
  const dir = mkdtempSync(join(tmpdir(), 'drill-spool-shared-'));
  const env = { KINESIS_ENDPOINT: proxy.endpoint, STREAM: 'spool-shared', SPOOL_DIR: dir, RATE: '300', ADOPT_MS: '500' };
  const a = await startApp(env);
  const b = await startApp(env);
  await sleep(1_000);
  const killedAt = await kill9(a);
  t.deepEqual(readdirSync(dir).filter((f) => f.startsWith('slot-')).sort(), ['slot-00', 'slot-01'], 'one slot each');
  await sleep(300);
  proxy.down = false;
  const durableA = a.built.filter((x) => x.at < killedAt - WRITE_WINDOW_MS).map((x) => x.id);
  const found = await untilStored('spool-shared', durableA, 30_000);
  await stop(b);
  await proxy.close();
  const r = tally(durableA, found);
  const rb = tally(b.built.map((x) => x.id), await streamIds('spool-shared'));
  reportDrill(t, {
    drill: 'spool shared by two processes, one killed', sent: durableA.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: `the live process adopts the dead one's slot (events built > ${WRITE_WINDOW_MS} ms before the kill)`, duplicates: r.duplicates,
    extra: { survivorBuilt: b.built.length, survivorLost: rb.lost },
  });
  t.true(durableA.length > 100);
  t.is(r.lost, 0, "every event of the killed process reached the stream");
  t.is(rb.lost, 0, 'and every event of the survivor');
});
