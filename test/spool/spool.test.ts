/**
 * The durable spool inside one process: write-ahead and deletion once acknowledged, the memory
 * bound spilling to disk through an outage, replay with original ids after a restart, a torn
 * tail and a corrupt segment at start, the byte bound with its gap record, and configuration.
 * Sinks here are small stand-ins written for the test (a sink that is down until told otherwise).
 */
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { auditLog, validateAuditEvent, type AuditEvent, type Sink, type SinkRecord } from '../../index.js';
import { encodeFrame } from '../../core/delivery/spool/frame.js';
import { GAP_METHOD } from '../../core/delivery/spool/gap-event.js';
import { auditEventFactory } from '../helpers/factories.js';
import { publishEvent } from '../helpers/bus.js';

/** A sink that fails every call while `down`, and keeps what it accepted. */
function switchableSink(down = false) {
  const delivered: AuditEvent[] = [];
  const sink: Sink & { down: boolean; delivered: AuditEvent[]; calls: number } = {
    name: 'switchable',
    down,
    delivered,
    calls: 0,
    async write(records: readonly SinkRecord[]) {
      sink.calls += 1;
      if (sink.down) throw new Error('sink is down');
      for (const r of records) delivered.push(JSON.parse(r.json) as AuditEvent);
    },
  };
  return sink;
}

const spoolDir = () => mkdtempSync(join(tmpdir(), 'audit-spool-'));
const segmentsIn = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.log'));
const fast = { lingerMs: 5, retryBaseDelayMs: 5, retryMaxDelayMs: 20 };
const errors: unknown[] = [];
const onError = (err: unknown) => void errors.push(err);

/** The prototype of node:fs/promises FileHandle (not exported by Node), whose write the disk-fault tests replace for a while. */
async function fileHandlePrototype(dir: string): Promise<{ write: (...args: unknown[]) => Promise<unknown> }> {
  const probe = await open(join(dir, 'probe'), 'w');
  await probe.close();
  return Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('every event goes through the spool and its segment is deleted once the sink has it', async (t) => {
  const dir = spoolDir();
  const sink = switchableSink();
  const audit = auditLog({ sink, spool: { dir }, delivery: fast, handleSignals: false, onError });
  const ids = Array.from({ length: 500 }, () => { const e = auditEventFactory(); publishEvent(audit, e); return e.id; });
  await audit.flush();
  t.deepEqual(sink.delivered.map((e) => e.id).sort(), [...ids].sort());
  t.like(audit.stats(), { sent: 500, dropped: 0, failed: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
  await audit.close();
  t.deepEqual(segmentsIn(dir), [], 'no segment left once every record was acknowledged');
});

test('an outage longer than the memory bound allows loses nothing: the rest waits on disk and is sent, in order, when the sink is back', async (t) => {
  const dir = spoolDir();
  const sink = switchableSink(true);
  const audit = auditLog({ sink, spool: { dir }, delivery: { ...fast, maxBufferEvents: 100 }, handleSignals: false, onError });
  const ids: string[] = [];
  for (let i = 0; i < 3_000; i++) {
    const e = auditEventFactory();
    ids.push(e.id);
    publishEvent(audit, e);
  }
  await until(() => audit.stats().spooledEvents === 3_000);
  t.true(audit.stats().queued <= 100, `in memory: ${audit.stats().queued}`);
  t.true(audit.stats().spooledBytes > 3_000 * 500);
  sink.down = false;
  await audit.flush();
  t.is(sink.delivered.length, 3_000);
  t.deepEqual(new Set(sink.delivered.map((e) => e.id)), new Set(ids));
  t.like(audit.stats(), { dropped: 0, failed: 0, spooledEvents: 0 });
  await audit.close();
});

test('a restart replays what the sink never got, with the original ids, and then deletes it', async (t) => {
  const dir = spoolDir();
  const down = switchableSink(true);
  const first = auditLog({ sink: down, spool: { dir }, delivery: fast, handleSignals: false, shutdownGraceMs: 50, onError });
  const ids = Array.from({ length: 200 }, () => { const e = auditEventFactory(); publishEvent(first, e); return e.id; });
  await first.close();
  t.true(segmentsIn(dir).length > 0, 'the undelivered events stay on disk');

  const up = switchableSink();
  const second = auditLog({ sink: up, spool: { dir }, delivery: fast, handleSignals: false, onError });
  await until(() => up.delivered.length >= 200);
  await second.flush();
  t.deepEqual(up.delivered.map((e) => e.id).sort(), [...ids].sort());
  t.is(second.stats().replayed, 200);
  await second.close();
  t.deepEqual(segmentsIn(dir), []);
});

test('at start a torn tail is cut off and a corrupt segment is moved aside; every intact record is delivered, the app never sees an error', async (t) => {
  const dir = spoolDir();
  const slot = join(dir, 'slot-00');
  mkdirSync(slot, { recursive: true });
  const events = Array.from({ length: 30 }, () => auditEventFactory());
  const frames = events.map((e) => encodeFrame(JSON.stringify(e)));
  // Segment 1: ten records, then half of an eleventh (a crash mid-write).
  writeFileSync(join(slot, 'seg-000000000001.log'), Buffer.concat([...frames.slice(0, 10), frames[10]!.subarray(0, 40)]));
  // Segment 2: ten records with one byte flipped inside the 5th record's payload.
  const damaged = Buffer.concat(frames.slice(11, 21));
  const fifth = frames.slice(11, 15).reduce((n, f) => n + f.length, 0) + 20;
  damaged[fifth] = damaged[fifth]! ^ 0xff;
  writeFileSync(join(slot, 'seg-000000000002.log'), damaged);
  const seen: unknown[] = [];
  const sink = switchableSink();
  const audit = auditLog({ sink, spool: { dir }, delivery: fast, handleSignals: false, onError: (e) => seen.push(e) });
  await until(() => sink.delivered.length >= 19);
  await audit.flush();
  const expected = [...events.slice(0, 10), ...events.slice(11, 15), ...events.slice(16, 21)].map((e) => e.id);
  t.deepEqual(sink.delivered.map((e) => e.id).sort(), expected.sort());
  t.is(audit.stats().corrupt, 1);
  t.true(seen.some((e) => (e as Error).name === 'SpoolCorruptionError' && /seg-000000000002\.log: CRC mismatch/.test((e as Error).message)), String(seen.map((e) => (e as Error).message)));
  await audit.close();
  t.true(existsSync(join(dir, 'corrupt', 'slot-00-seg-000000000002.log')), 'the damaged file is kept aside');
  t.deepEqual(segmentsIn(dir).filter((f) => !f.startsWith('corrupt')), []);
});

test('at maxBytes new events are dropped, counted and passed to onDrop, and a gap record says how many were lost once there is room', async (t) => {
  const dir = spoolDir();
  const sink = switchableSink(true);
  const dropped: AuditEvent[] = [];
  const maxBytes = 1024 * 1024;
  const audit = auditLog({ sink, spool: { dir, maxBytes }, delivery: fast, handleSignals: false, onError, onDrop: (events) => void dropped.push(...events) });
  const body = 'x'.repeat(4_000);
  for (let i = 0; i < 400; i++) publishEvent(audit, auditEventFactory({ request_body: body }));
  await until(() => audit.stats().spooledEvents + audit.stats().dropped === 400);
  const lost = audit.stats().dropped;
  t.true(lost > 100 && lost < 300, `dropped ${lost}`);
  t.is(dropped.length, lost);
  t.true(audit.stats().spooledBytes <= maxBytes);
  sink.down = false;
  await until(() => audit.stats().spooledEvents === 0);
  publishEvent(audit, auditEventFactory());
  await audit.flush();
  const gaps = sink.delivered.filter((e) => e.method === GAP_METHOD);
  t.is(gaps.length, 1);
  t.like(JSON.parse(gaps[0]!.request_body!), { gap: { lost, reason: `spool full (maxBytes ${maxBytes})` } });
  t.regex(gaps[0]!.error!, new RegExp(`^audit log gap: ${lost} event\\(s\\) lost between `));
  // A schema-v1 event: the kinesis-to-s3 Lambda stores it like any other (it would go to the errors prefix otherwise).
  t.notThrows(() => validateAuditEvent(gaps[0]));
  t.is(sink.delivered.length, 400 - lost + 1 + 1);
  await audit.close();
});

test('spool options are checked and read from the environment', (t) => {
  t.throws(() => auditLog({ sink: switchableSink(), spool: { dir: '' }, handleSignals: false }), { message: /spool\.dir/ });
  t.throws(() => auditLog({ sink: switchableSink(), spool: { dir: spoolDir(), maxBytes: 10 }, handleSignals: false }), { message: /spool\.maxBytes.*1048576/ });
  const file = join(spoolDir(), 'not-a-dir');
  writeFileSync(file, 'x');
  t.throws(() => auditLog({ sink: switchableSink(), spool: { dir: file }, handleSignals: false }), { message: /spool\.dir.*cannot be used/ });
});

test('replay is rate-limited and new events do not wait behind it: both flow at once', async (t) => {
  const dir = spoolDir();
  mkdirSync(join(dir, 'slot-00'), { recursive: true });
  const old = Array.from({ length: 600 }, () => auditEventFactory());
  writeFileSync(join(dir, 'slot-00', 'seg-000000000001.log'), Buffer.concat(old.map((e) => encodeFrame(JSON.stringify(e)))));
  const sink = switchableSink();
  const audit = auditLog({ sink, spool: { dir, replayPerSecond: 500 }, delivery: fast, handleSignals: false, onError });
  const fresh = Array.from({ length: 50 }, () => { const e = auditEventFactory(); publishEvent(audit, e); return e.id; });
  await until(() => fresh.every((id) => sink.delivered.some((e) => e.id === id)));
  const oldIds = new Set(old.map((e) => e.id));
  const replayedSoFar = sink.delivered.filter((e) => oldIds.has(e.id)).length;
  t.true(replayedSoFar < 600, `new events were delivered before the replay finished (${replayedSoFar} of 600 replayed)`);
  await audit.flush();
  t.is(sink.delivered.filter((e) => oldIds.has(e.id)).length, 600);
  t.is(audit.stats().replayed, 600);
  await audit.close();
});

// Serial: the patched FileHandle.write must not reach the other tests, which run concurrently after it.
test.serial('a full disk (ENOSPC, simulated by making FileHandle.write fail): the events of that write are dropped, counted, passed to onDrop, and a gap record follows', async (t) => {
  const dir = spoolDir();
  const sink = switchableSink();
  const dropped: AuditEvent[] = [];
  const audit = auditLog({ sink, spool: { dir }, delivery: fast, handleSignals: false, onError, onDrop: (events) => void dropped.push(...events) });
  publishEvent(audit, auditEventFactory());
  await audit.flush();
  const proto = await fileHandlePrototype(dir);
  const write = proto.write;
  proto.write = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  try {
    for (let i = 0; i < 40; i++) publishEvent(audit, auditEventFactory());
    await until(() => audit.stats().dropped === 40);
  } finally {
    proto.write = write;
  }
  t.is(dropped.length, 40);
  publishEvent(audit, auditEventFactory());
  await audit.flush();
  const gap = sink.delivered.find((e) => e.method === GAP_METHOD);
  t.like(JSON.parse(gap!.request_body!), { gap: { lost: 40, reason: 'spool disk full (ENOSPC)' } });
  t.is(sink.delivered.length, 1 + 1 + 1);
  await audit.close();
});

// Serial, like the ENOSPC test: it patches FileHandle.write.
test.serial('a stalled disk does not grow memory without bound: past delivery.maxBufferBytes of appends waiting, new events are dropped and counted (disk stall simulated by holding FileHandle.write)', async (t) => {
  const dir = spoolDir();
  const sink = switchableSink();
  const audit = auditLog({ sink, spool: { dir }, delivery: { ...fast, maxBufferBytes: 64 * 1024 }, handleSignals: false, onError });
  publishEvent(audit, auditEventFactory());
  await audit.flush();
  const proto = await fileHandlePrototype(dir);
  const write = proto.write;
  const held: Array<() => void> = [];
  proto.write = function (this: unknown, ...args: unknown[]) {
    return new Promise((resolve) => held.push(() => resolve(write.apply(this, args))));
  };
  try {
    publishEvent(audit, auditEventFactory());
    await until(() => held.length === 1);
    for (let i = 0; i < 200; i++) publishEvent(audit, auditEventFactory({ request_body: 'b'.repeat(1_000) }));
    const { dropped } = audit.stats();
    t.true(dropped > 100, `dropped ${dropped}`);
    t.true(audit.stats().spooledBytes < 64 * 1024 + 8 * 1024 + 4_000, `spooled ${audit.stats().spooledBytes}`);
  } finally {
    proto.write = write;
    for (const release of held) release();
  }
  await audit.flush();
  t.true(sink.delivered.some((e) => e.method === GAP_METHOD), 'the loss is recorded by a gap record');
  await audit.close();
});
