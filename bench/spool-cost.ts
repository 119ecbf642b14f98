/**
 * Scenario: what the durable spool costs. The same events (the benchmarks' ~1.6 KB shape) are
 * fed at a fixed rate through an audit log's delivery path into a null sink (a write that
 * resolves at once), with the spool off (the baseline, same run) and on (a fresh directory under
 * the OS temp dir, default fsyncMs 1,000), and on with writeDelayMs 50, at 1,000 and 10,000 events/s. Reported per mode and
 * rate: CPU time per event (process.cpuUsage, user + system, all threads: the spool's writes
 * and fsyncs run on libuv's pool) and bytes written per event (/proc/self/io wchar), the CPU
 * added by the spool and the ratio. Rounds alternate off/on. Target (issue 16): ≤ 5 µs of CPU
 * added per event at 1,000 events/s, against the floor: the same bytes framed, appended every 50 ms
 * and fsynced every second by a bare loop (no audit log), minus the idle loop.
 *
 *   node --import=tsx bench/spool-cost.ts [--seconds 5] [--rounds 3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLog } from '../index.js';
import { publishEvent } from '../test/helpers/bus.js';
import { median, numericFlags, round } from './common.js';
import { benchEvent, nullSink } from './delivery-common.js';

const { seconds: SECONDS, rounds: ROUNDS } = numericFlags({ seconds: 5, rounds: 3 });
const RATES = [1_000, 10_000];
const TARGET_ADDED_MICROS_AT_1000 = 5;
const TICK_MS = 10;

function bytesWritten(): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

type Mode = 'off' | 'on' | 'delay50';

async function run(rate: number, mode: Mode): Promise<{ cpuMicrosPerEvent: number; bytesWrittenPerEvent: number; sent: number }> {
  const spool = mode !== 'off';
  const dir = spool ? mkdtempSync(join(tmpdir(), 'bench-spool-')) : null;
  const sink = nullSink();
  const audit = auditLog({ sink, handleSignals: false, onError: () => {}, ...(dir ? { spool: { dir, writeDelayMs: mode === 'delay50' ? 50 : 0 } } : {}) });
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const total = rate * SECONDS;
  const events = Array.from({ length: total }, (_, i) => benchEvent(i));
  const cpuBefore = process.cpuUsage();
  const writtenBefore = bytesWritten();
  const started = performance.now();
  for (let sent = 0, tick = 0; sent < total; tick++) {
    for (let i = 0; i < perTick && sent < total; i++) publishEvent(audit, events[sent++]!);
    await sleep(Math.max(0, started + (tick + 1) * TICK_MS - performance.now()));
  }
  await audit.flush();
  const cpu = process.cpuUsage(cpuBefore);
  const written = bytesWritten() - writtenBefore;
  const sent = audit.stats().sent;
  await audit.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (sent !== total) throw new Error(`${spool ? 'spool' : 'no spool'}: ${sent} of ${total} sent`);
  return { cpuMicrosPerEvent: (cpu.user + cpu.system) / total, bytesWrittenPerEvent: written / total, sent };
}

/**
 * The floor: what writing these events durably costs at the least, with no audit log around it —
 * encode and checksum each (the spool's framing), append them to one file every 50 ms, fsync every
 * second, on libuv's pool as the spool does. The spool's added CPU is compared with this.
 */
async function floor(rate: number): Promise<number> {
  const { open } = await import('node:fs/promises');
  const { encodeFrame } = await import('../core/delivery/spool/frame.js');
  const dir = mkdtempSync(join(tmpdir(), 'bench-spool-floor-'));
  const handle = await open(join(dir, 'floor.log'), 'a');
  const total = rate * SECONDS;
  const jsons = Array.from({ length: total }, (_, i) => JSON.stringify(benchEvent(i)));
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let frames: Buffer[] = [];
  let lastWrite = started;
  let lastSync = started;
  for (let sent = 0, tick = 0; sent < total; tick++) {
    for (let i = 0; i < perTick && sent < total; i++) frames.push(encodeFrame(jsons[sent++]!));
    const now = performance.now();
    if (now - lastWrite >= 50 || sent === total) {
      await handle.write(Buffer.concat(frames), 0, undefined, null);
      frames = [];
      lastWrite = now;
    }
    if (now - lastSync >= 1000) {
      await handle.sync();
      lastSync = now;
    }
    await sleep(Math.max(0, started + (tick + 1) * TICK_MS - performance.now()));
  }
  await handle.sync();
  const cpu = process.cpuUsage(cpuBefore);
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / total;
}

/** The same feed with nothing done per event: the loop's own cost (timers wake the process 100 times a second). */
async function idle(rate: number): Promise<number> {
  const total = rate * SECONDS;
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let sent = 0, tick = 0; sent < total; tick++) {
    sent += perTick;
    await sleep(Math.max(0, started + (tick + 1) * TICK_MS - performance.now()));
  }
  const cpu = process.cpuUsage(cpuBefore);
  return (cpu.user + cpu.system) / total;
}

async function main() {
  const results: Record<string, unknown> = {};
  let addedAt1000 = Number.NaN;
  for (const rate of RATES) {
    const off: number[] = [];
    const on: number[] = [];
    const delayed: number[] = [];
    const floors: number[] = [];
    const idles: number[] = [];
    const bytesOn: number[] = [];
    const bytesOff: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of (r % 2 === 0 ? ['off', 'on', 'delay50'] : ['delay50', 'on', 'off']) as Mode[]) {
        const m = await run(rate, mode);
        (mode === 'off' ? off : mode === 'on' ? on : delayed).push(m.cpuMicrosPerEvent);
        if (mode !== 'delay50') (mode === 'on' ? bytesOn : bytesOff).push(m.bytesWrittenPerEvent);
      }
      floors.push(await floor(rate));
      idles.push(await idle(rate));
    }
    const floorAdded = median(floors) - median(idles);
    const added = median(on) - median(off);
    if (rate === 1_000) addedAt1000 = added;
    results[`${rate}PerSec`] = {
      cpuMicrosPerEvent: { off: round(median(off), 2), on: round(median(on), 2) },
      addedCpuMicrosPerEvent: round(added, 2),
      // spool: { writeDelayMs: 50 }: writes at most 20 a second; a crash may lose the last 50 ms.
      addedCpuMicrosPerEventWriteDelay50: round(median(delayed) - median(off), 2),
      floorCpuMicrosPerEvent: round(floorAdded, 2),
      cpuRatio: round(median(on) / median(off), 3),
      bytesWrittenPerEvent: { off: Math.round(median(bytesOff)), on: Math.round(median(bytesOn)) },
      spreadMicros: { off: off.map((x) => round(x, 2)), on: on.map((x) => round(x, 2)) },
    };
  }
  console.log(JSON.stringify({
    scenario: 'spool-cost',
    node: process.version,
    secondsPerRun: SECONDS,
    rounds: ROUNDS,
    results,
    targets: { addedCpuMicrosAt1000PerSec: { op: '<=', target: TARGET_ADDED_MICROS_AT_1000, value: round(addedAt1000, 2), met: addedAt1000 <= TARGET_ADDED_MICROS_AT_1000 } },
  }));
}

await main();
