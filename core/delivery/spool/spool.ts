/**
 * The durable spool: a write-ahead log of serialized events on local disk, in front of the
 * sink. Every event is appended (batched, one I/O in flight, off the request path) before the
 * dispatcher may send it, and a segment file is deleted only once every record in it was
 * acknowledged by the sink. fsync at most every `fsyncMs` and at every rotation: a process crash
 * loses nothing written (the page cache survives it), a host crash at most `fsyncMs` of events.
 *
 * The spool is also the queue past the memory bound: records written while the dispatcher's
 * buffer is full stay on disk only and are read back in order when it has room. Segments left
 * by an earlier process (this slot's, or a dead process's slot adopted later) are replayed
 * oldest first, rate-limited, alternating with new events, under their original ids.
 *
 * Bounded by `maxBytes` (and by the disk): past it new events are dropped (counted, onDrop) and,
 * once there is room again, a gap is reported so that the front door records it as an event.
 */
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SinkRecord } from '../../types/sink.js';
import { serialize } from '../fit-event.js';
import { encodeFrame } from './frame.js';
import { gapEvent } from './gap-event.js';
import { SpoolCorruptionError, type SpoolGap, type SpoolHooks, type SpoolSettings, type SpoolStats, type SpooledRecord } from './spool-types.js';
import { hasSegmentsSync, listSegments, readRecords, Segment, segmentName } from './segments.js';
import { adoptDeadSlots, releaseSlot, takeOwnSlot, type HeldSlot } from './slot.js';

/** Past this many pending bytes a batch is written at once, whatever `writeDelayMs` says. */
const WRITE_NOW_BYTES = 1024 * 1024;

interface Source {
  slot: HeldSlot;
  segments: Segment[];
  replay: boolean;
}

const parseRecord = (json: string): SinkRecord => ({ event: JSON.parse(json), json, bytes: Buffer.byteLength(json) });

export class Spool {
  private readonly own: HeldSlot;
  private readonly live: Source;
  private readonly replays: Source[] = [];
  private readonly held = new Set<string>();
  private pending: Array<{ frame: Buffer; record: SinkRecord }> = [];
  private pendingBytes = 0;
  private diskBytes = 0;
  private liveReady: SpooledRecord[] = [];
  private replayReady: SpooledRecord[] = [];
  /** Written records of the live source are on disk only (the ready list was full). */
  private spilled = false;
  private io: Promise<void> = Promise.resolve();
  /** I/O operations queued or running; they run one at a time, in order. */
  private ioQueued = 0;
  private readQueued = false;
  private dirty = false;
  private nextSeq = 1;
  private tokens: number;
  private takeTurn = 0;
  private gap: SpoolGap | null = null;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private writeTimer: NodeJS.Timeout | null = null;
  /** Refills replay tokens and reads more, only while there is something to replay. */
  private replayTimer: NodeJS.Timeout | null = null;
  private readonly counters = { replayed: 0, corrupt: 0 };

  constructor(private readonly settings: SpoolSettings, private readonly hooks: SpoolHooks) {
    this.own = takeOwnSlot(settings.dir);
    this.held.add(this.own.name);
    this.live = { slot: this.own, segments: [], replay: false };
    this.tokens = settings.replayPerSecond;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(settings.fsyncMs, () => this.fsyncSoon());
    every(settings.adoptIntervalMs, () => this.adopt());
    this.enqueueIo(async () => {
      const found = await listSegments(this.own.dir);
      this.nextSeq = (found.at(-1)?.seq ?? 0) + 1;
      if (found.length > 0) this.addReplay(this.own, found);
    });
    this.adopt();
  }

  /** Nothing appended is still waiting to be written, read or acknowledged. */
  get empty(): boolean {
    if (this.replays.some((source) => source.segments.some((segment) => !segment.fullyRead))) return false;
    return this.stats().spooledEvents === 0 && this.liveReady.length === 0 && this.replayReady.length === 0;
  }

  stats(): SpoolStats {
    let events = this.pending.length;
    for (const source of [this.live, ...this.replays]) for (const s of source.segments) events += s.records - s.acked;
    return { spooledBytes: this.diskBytes + this.pendingBytes, spooledEvents: events, ...this.counters };
  }

  /** Appends a record; false when the spool is full (the caller drops and counts it; a gap is reported later). */
  append(record: SinkRecord): boolean {
    if (this.closed) return false;
    const frame = encodeFrame(record.json);
    if (this.diskBytes + this.pendingBytes + frame.length > this.settings.maxBytes) {
      this.noteLoss(1, `spool full (maxBytes ${this.settings.maxBytes})`);
      return false;
    }
    if (this.pendingBytes + frame.length > this.settings.maxPendingBytes) {
      this.noteLoss(1, `spool writes behind: ${this.pendingBytes} bytes waiting for the disk`);
      return false;
    }
    this.pending.push({ frame, record });
    this.pendingBytes += frame.length;
    // Default (writeDelayMs 0): written as soon as the write before it is done, so appends made
    // meanwhile go together and a crash loses only what waits for that one write.
    if (this.pendingBytes >= WRITE_NOW_BYTES || (this.settings.writeDelayMs === 0 && this.pending.length === 1)) this.writeNow();
    else if (this.writeTimer === null && this.settings.writeDelayMs > 0) {
      this.writeTimer = setTimeout(() => this.writeNow(), this.settings.writeDelayMs);
      this.writeTimer.unref();
    }
    return true;
  }

  private writeNow(): void {
    if (this.writeTimer !== null) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    this.enqueueIo(() => this.writePending());
  }

  /** Up to `max` records for delivery, new and replayed in turn. Synchronous. */
  take(max: number): SpooledRecord[] {
    const out: SpooledRecord[] = [];
    while (out.length < max && (this.liveReady.length > 0 || this.replayReady.length > 0)) {
      const fromReplay = this.replayReady.length > 0 && (this.liveReady.length === 0 || this.takeTurn++ % 2 === 0);
      out.push((fromReplay ? this.replayReady : this.liveReady).shift()!);
    }
    this.fill();
    return out;
  }

  /** The sink has the record (or it was given up for good): its segment may go. */
  ack(taken: SpooledRecord): void {
    const segment = taken.segment;
    segment.acked += 1;
    if (segment.done) this.retire(segment);
    else if (segment === this.live.segments.at(-1) && segment.acked >= segment.records) this.enqueueIo(() => this.retireDrainedActive(segment));
  }

  /**
   * The active segment, every record of it acknowledged and nothing waiting to be written: sealed
   * and deleted now, so its bytes count against maxBytes no longer (the next write starts a new one).
   */
  private async retireDrainedActive(segment: Segment): Promise<void> {
    if (segment !== this.live.segments.at(-1) || segment.sealed || this.pending.length > 0) return;
    if (segment.acked < segment.records || segment.readOffset < segment.size) return;
    await this.seal(segment, false);
    await this.removeSegment(this.live, segment);
  }

  /** No more appends to `segment`: its file is closed (fsynced first if asked); fully read if the reader is at its end. */
  private async seal(segment: Segment, fsync: boolean): Promise<void> {
    if (segment.handle !== null) {
      if (fsync) await segment.handle.sync();
      await segment.handle.close();
      segment.handle = null;
    }
    segment.sealed = true;
    if (segment.readOffset >= segment.size) segment.fullyRead = true;
  }

  /** Resolves once everything appended so far is written and fsynced. */
  async sync(): Promise<void> {
    this.writeNow();
    this.fsyncSoon();
    await this.io;
  }

  /** Writes and fsyncs what is pending, closes the files and gives the slots up; unacknowledged segments stay for the next process. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.replayTimer !== null) clearInterval(this.replayTimer);
    const active = this.live.segments.at(-1);
    this.enqueueIo(async () => {
      if (active !== undefined) await this.seal(active, false);
      for (const s of [...this.live.segments]) if (s.done) await this.removeSegment(this.live, s);
    });
    await this.io;
    releaseSlot(this.own);
    for (const source of this.replays) releaseSlot(source.slot);
  }

  // ------------------------------------------------------------------ I/O, one at a time

  private enqueueIo(op: () => Promise<void>): void {
    this.ioQueued += 1;
    this.io = this.io.then(op).catch((err: unknown) => this.hooks.onError(err)).finally(() => {
      this.ioQueued -= 1;
    });
  }

  private async activeSegment(): Promise<Segment> {
    let active = this.live.segments.at(-1);
    if (active !== undefined && !active.sealed && active.size < this.settings.segmentBytes) return active;
    if (active !== undefined && !active.sealed) {
      // Rotation: the old segment is fsynced and sealed; the reader may then finish and delete it.
      await this.seal(active, true);
      if (active.done) await this.removeSegment(this.live, active);
    }
    active = new Segment(join(this.own.dir, segmentName(this.nextSeq++)), this.nextSeq - 1, false);
    active.handle = await open(active.path, 'a');
    // The new file's name must survive a host crash too: fsync the directory.
    const dirHandle = await open(this.own.dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
    this.live.segments.push(active);
    return active;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes -= batch.reduce((n, p) => n + p.frame.length, 0);
    let segment: Segment | undefined;
    const bytes = Buffer.concat(batch.map((p) => p.frame));
    try {
      segment = await this.activeSegment();
      await segment.handle!.write(bytes, 0, bytes.length, null);
    } catch (error) {
      // Nothing of a failed write counts: cut the file back to its last complete record.
      if (segment?.handle) await segment.handle.truncate(segment.size).catch(() => {});
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOSPC' ? 'spool disk full (ENOSPC)' : `spool write failed (${code ?? (error as Error).message})`;
      this.noteLoss(batch.length, reason);
      this.hooks.onLost(batch.map((p) => p.record), reason);
      return;
    }
    segment.size += bytes.length;
    segment.records += batch.length;
    this.diskBytes += bytes.length;
    this.dirty = true;
    for (const p of batch) {
      if (this.spilled || this.liveReady.length >= this.settings.readyRecords) {
        this.spilled = true;
        continue;
      }
      this.liveReady.push({ record: p.record, segment });
      segment.readOffset += p.frame.length;
    }
    this.recordGap();
    this.hooks.onReadable();
  }

  private fsyncSoon(): void {
    if (!this.dirty || this.closed) return;
    this.enqueueIo(async () => {
      const active = this.live.segments.at(-1);
      if (!this.dirty || !active?.handle) return;
      this.dirty = false;
      await active.handle.sync();
    });
  }

  // ------------------------------------------------------------------ reading back

  /** Reads records from disk into the ready lists when they run low. */
  private fill(): void {
    const low = Math.max(1, this.settings.readyRecords >> 1);
    const wantLive = this.spilled && this.liveReady.length < low;
    const replay = this.replays.find((s) => s.segments.some((seg) => !seg.fullyRead));
    const wantReplay = replay !== undefined && this.replayReady.length < low && this.tokens >= 1;
    if ((!wantLive && !wantReplay) || this.readQueued || this.closed) return;
    this.readQueued = true;
    this.enqueueIo(async () => {
      try {
        if (wantLive) await this.readLive(low);
        if (wantReplay) await this.readReplay(replay, Math.min(low, Math.floor(this.tokens)));
      } finally {
        this.readQueued = false;
      }
      this.hooks.onReadable();
    });
  }

  private async readLive(max: number): Promise<void> {
    for (const segment of [...this.live.segments]) {
      if (this.liveReady.length >= max) break;
      if (segment.readOffset < segment.size) await this.readInto(segment, max - this.liveReady.length, this.liveReady);
      if (segment.sealed && segment.readOffset >= segment.size) {
        segment.fullyRead = true;
        if (segment.done) await this.removeSegment(this.live, segment);
      }
    }
    this.spilled = this.live.segments.some((s) => s.readOffset < s.size);
  }

  private async readReplay(source: Source, max: number): Promise<void> {
    const segment = source.segments.find((s) => !s.fullyRead);
    if (segment === undefined) return;
    const before = this.replayReady.length;
    await this.readInto(segment, max, this.replayReady);
    const read = this.replayReady.length - before;
    this.tokens -= read;
    this.counters.replayed += read;
    if (segment.done) await this.removeSegment(source, segment);
  }

  private async readInto(segment: Segment, max: number, into: SpooledRecord[]): Promise<void> {
    let batch;
    try {
      batch = await readRecords(segment, max);
    } catch (error) {
      this.markCorrupt(segment, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      segment.fullyRead = true;
      segment.sealed = true;
      return;
    }
    for (const [offset, why] of batch.damage) this.markCorrupt(segment, `${why} at byte ${offset}`);
    // A segment found on disk learns its record count as it is read; a live one counted them as written.
    const countRead = segment.sealed && !this.live.segments.includes(segment);
    for (const json of batch.jsons) {
      let record: SinkRecord;
      try {
        record = parseRecord(json);
      } catch {
        this.markCorrupt(segment, 'a record that is not JSON');
        continue;
      }
      if (countRead) segment.records += 1;
      into.push({ record, segment });
    }
  }

  private markCorrupt(segment: Segment, detail: string): void {
    if (!segment.corrupt) this.counters.corrupt += 1;
    segment.corrupt = true;
    this.hooks.onError(new SpoolCorruptionError(`spool segment ${segment.path}: ${detail}; intact records are delivered, the file is moved to ${join(this.settings.dir, 'corrupt')}/`));
  }

  // ------------------------------------------------------------------ segments of other processes

  private addReplay(slot: HeldSlot, found: Array<{ path: string; seq: number; size: number }>): void {
    const segments = found.map((f) => {
      const segment = new Segment(f.path, f.seq, true);
      segment.size = f.size;
      this.diskBytes += f.size;
      return segment;
    });
    this.replays.push({ slot, segments, replay: true });
    if (this.replayTimer === null && !this.closed) {
      this.replayTimer = setInterval(() => {
        if (this.replays.length === 0) {
          clearInterval(this.replayTimer!);
          this.replayTimer = null;
          return;
        }
        this.tokens = Math.min(this.settings.replayPerSecond, this.tokens + this.settings.replayPerSecond / 10);
        this.fill();
      }, 100);
      this.replayTimer.unref();
    }
    this.fill();
  }

  private adopt(): void {
    if (this.closed) return;
    let adopted: HeldSlot[];
    try {
      adopted = adoptDeadSlots(this.settings.dir, this.held, hasSegmentsSync);
    } catch (error) {
      this.hooks.onError(error);
      return;
    }
    for (const slot of adopted) {
      this.held.add(slot.name);
      this.enqueueIo(async () => this.addReplay(slot, await listSegments(slot.dir)));
    }
  }

  private retire(segment: Segment): void {
    const source = [this.live, ...this.replays].find((s) => s.segments.includes(segment));
    if (source !== undefined) this.enqueueIo(() => this.removeSegment(source, segment));
  }

  private async removeSegment(source: Source, segment: Segment): Promise<void> {
    const index = source.segments.indexOf(segment);
    if (index < 0) return;
    source.segments.splice(index, 1);
    this.diskBytes -= segment.size;
    // Room again: a gap waiting for it is recorded now, not only after the next write.
    if (!this.closed) this.recordGap();
    if (segment.corrupt) {
      const aside = join(this.settings.dir, 'corrupt');
      await mkdir(aside, { recursive: true });
      await rename(segment.path, join(aside, `${basename(dirname(segment.path))}-${basename(segment.path)}`)).catch(() => unlink(segment.path));
    } else {
      await unlink(segment.path).catch(() => {});
    }
    if (source.replay && source.segments.length === 0 && source.slot !== this.own) {
      releaseSlot(source.slot);
      this.held.delete(source.slot.name);
      this.replays.splice(this.replays.indexOf(source), 1);
    }
  }

  /**
   * After a successful write or a segment deleted, with a gap open: the gap record goes in
   * (written with the next batch) if there is room for it; if not, the gap stays open and grows. It is never dropped
   * itself, so every lost event is named by exactly one gap record.
   */
  private recordGap(): void {
    if (this.gap === null) return;
    const record = serialize(gapEvent(this.gap));
    const frame = encodeFrame(record.json);
    if (this.diskBytes + this.pendingBytes + frame.length > this.settings.maxBytes) return;
    this.hooks.onGap(this.gap);
    this.gap = null;
    this.pending.push({ frame, record });
    this.pendingBytes += frame.length;
    this.writeNow();
  }

  private noteLoss(count: number, reason: string): void {
    const now = new Date().toISOString();
    if (this.gap === null) this.gap = { lost: 0, from: now, to: now, reason };
    this.gap.lost += count;
    this.gap.to = now;
  }
}
