/**
 * Delivery: a bounded buffer of serialized events, cut into batches within the sink's limits,
 * sent with a cap on calls in flight, failed entries retried with exponential backoff and full
 * jitter, and every event accounted for: sent, dropped (never attempted) or failed (given up).
 *
 * Nothing here is awaited by the app: `enqueue` is synchronous and never throws.
 */
import { AuditLogError, HookError, SinkDeliveryError, SinkTimeoutError } from '../errors.js';
import { IntrusiveList } from '../intrusive-list.js';
import type { ResolvedDelivery } from '../options.js';
import type { AuditEvent } from '../types/audit-event.js';
import type { Sink, SinkLimits, SinkRecord } from '../types/sink.js';
import type { DeliveryStats } from '../types/stats.js';
import { retryDelayMs } from './backoff.js';
import { BatchQueue } from './batch-queue.js';
import { fitEvent, serialize } from './fit-event.js';
import { DEFAULT_SINK_LIMITS } from './sink-limits.js';
import type { Spool } from './spool/spool.js';
import type { SpooledRecord, SpoolGap } from './spool/spool-types.js';

interface FlushWaiter {
  remaining: number;
  resolve: () => void;
}

interface Pending {
  record: SinkRecord;
  /** Where the record is in the spool (spool mode): acknowledged once the sink has it. */
  spooled: SpooledRecord | null;
  attempts: number;
  waiters: FlushWaiter[] | null;
  listPrev: Pending | null;
  listNext: Pending | null;
}

const newPending = (record: SinkRecord, spooled: SpooledRecord | null = null): Pending => ({ record, spooled, attempts: 0, waiters: null, listPrev: null, listNext: null });

export interface DispatcherHooks {
  onError: (err: unknown) => void;
  onDrop: ((events: readonly AuditEvent[], reason: string) => void) | null;
  /** Called after every change of the counters (cheap; the front door publishes stats from it). */
  onChange: () => void;
  /**
   * Runs each sink call. The front door passes capture's `runSuppressed`, so that the sink's own
   * HTTP calls (to AWS) are never audited; delivery itself knows nothing of capture.
   */
  runSinkCall: <T>(call: () => T) => T;
}

export class Dispatcher {
  private readonly limits: SinkLimits;
  private readonly queue = new BatchQueue<Pending>();
  /** Every event not yet settled: queued, in a sink call, or waiting to retry. */
  private readonly live = new IntrusiveList<Pending>();
  private liveBytes = 0;
  private callsInFlight = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private urgent = 0;
  private readonly counters = { sent: 0, retried: 0, dropped: 0, failed: 0 };
  /** Retry timers waiting; ref'd while someone awaits a flush so the process waits for them. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Spool mode: flushes waiting for the spool to empty. */
  private spoolWaiters: Array<() => void> = [];
  private spool: Spool | null = null;

  constructor(
    private readonly sink: Sink,
    private readonly delivery: ResolvedDelivery,
    private readonly hooks: DispatcherHooks,
  ) {
    // The sink's limits apply from the first event (a lazily loaded sink states them at once).
    this.limits = { ...DEFAULT_SINK_LIMITS, ...sink.limits };
  }

  /**
   * Spool mode: every event goes through `spool` (written before it may be sent, deleted once
   * acknowledged); the buffer bound then only limits what is in memory, the rest waits on disk;
   * retryable failures are retried without a budget, since nothing waits in memory for them.
   */
  attachSpool(spool: Spool): void {
    this.spool = spool;
  }

  /** Spool mode: the spool has records to take. */
  spoolReadable(): void {
    this.takeFromSpool();
  }

  /** Spool mode: records the spool accepted but could not write (a full disk): lost. */
  spoolLost(records: readonly SinkRecord[], reason: string): void {
    this.drop(records.map((r) => r.event), reason);
  }

  /** Spool mode: events were dropped and the spool has room again; it writes the gap record. */
  spoolGap(gap: SpoolGap): void {
    this.hooks.onError(new AuditLogError(`audit log gap: ${gap.lost} event(s) lost between ${gap.from} and ${gap.to} (${gap.reason}); a gap record is written`));
  }

  /** This dispatcher's counters; `queued` is every event not yet settled (the spool's are the spool's). */
  stats(): Pick<DeliveryStats, 'queued' | 'sent' | 'retried' | 'dropped' | 'failed'> {
    return { queued: this.live.size, ...this.counters };
  }

  /** Counts events lost before they reached the buffer (e.g. not trackable, not buildable). */
  recordDrop(count: number, reason: string): void {
    this.counters.dropped += count;
    this.hooks.onError(new AuditLogError(`${count} event(s) dropped: ${reason}`));
    this.publish();
  }

  /** Takes one event for delivery. Synchronous, never throws. */
  enqueue(event: AuditEvent): void {
    let serialized;
    try {
      serialized = fitEvent(serialize(event), this.limits.maxRecordBytes - this.limits.perRecordOverheadBytes);
    } catch (err) {
      this.hooks.onError(err);
      serialized = null;
    }
    if (serialized === null) return this.drop([event], 'event too large to serialize within the sink record limit');
    if (this.spool !== null) {
      if (!this.spool.append(serialized)) this.drop([event], 'spool full');
      return;
    }
    const d = this.delivery;
    while (this.live.size >= d.maxBufferEvents || this.liveBytes + serialized.bytes > d.maxBufferBytes) {
      const oldest = d.whenFull === 'drop-oldest' ? this.queue.shift() : null;
      if (oldest === null) return this.drop([event], 'buffer full');
      this.settle(oldest);
      this.drop([oldest.record.event], 'buffer full (oldest dropped)');
    }
    const pending = newPending(serialized);
    this.live.add(pending);
    this.liveBytes += serialized.bytes;
    this.queue.push(pending);
    this.schedule();
  }

  /** Moves records from the spool into memory while the buffer bound allows. */
  private takeFromSpool(): void {
    const spool = this.spool;
    if (spool === null) return;
    const d = this.delivery;
    let took = false;
    while (this.live.size < d.maxBufferEvents && this.liveBytes < d.maxBufferBytes) {
      const taken = spool.take(Math.min(d.maxBufferEvents - this.live.size, 500));
      if (taken.length === 0) break;
      for (const t of taken) {
        const pending = newPending(t.record, t);
        this.live.add(pending);
        this.liveBytes += t.record.bytes;
        this.queue.push(pending);
      }
      took = true;
    }
    if (took) this.schedule();
    this.checkSpoolWaiters();
  }

  /** Spool mode, at close: flushes still waiting give up waiting (what is left stays on disk for the next start). */
  releaseFlushes(): void {
    const waiters = this.spoolWaiters;
    this.spoolWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private checkSpoolWaiters(): void {
    if (this.spoolWaiters.length > 0 && this.live.size === 0 && this.spool?.empty === true) this.releaseFlushes();
  }

  /**
   * Resolves when every event taken so far has been sent or given up; in spool mode, when the
   * spool is empty (every event written to it was acknowledged by the sink).
   */
  flush(): Promise<void> {
    if (this.spool !== null) return this.flushSpool();
    if (this.live.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.urgent++;
      // Retries already waiting must keep the process alive while someone awaits them.
      for (const t of this.retryTimers) t.ref();
      const waiter: FlushWaiter = {
        remaining: this.live.size,
        resolve: () => {
          if (--this.urgent === 0) for (const t of this.retryTimers) t.unref();
          resolve();
        },
      };
      for (const p of this.live) (p.waiters ??= []).push(waiter);
      this.pump();
    });
  }

  private async flushSpool(): Promise<void> {
    await this.spool!.sync();
    this.takeFromSpool();
    if (this.live.size === 0 && this.spool!.empty) return;
    this.urgent++;
    for (const t of this.retryTimers) t.ref();
    // Keeps the process alive (the spool's own timers do not) while someone waits.
    const keepAlive = setInterval(() => this.takeFromSpool(), 50);
    try {
      await new Promise<void>((resolve) => {
        this.spoolWaiters.push(resolve);
        this.pump();
      });
    } finally {
      clearInterval(keepAlive);
      if (--this.urgent === 0) for (const t of this.retryTimers) t.unref();
    }
  }

  private schedule(): void {
    if (this.queue.size >= Math.min(this.delivery.maxBatchEvents, this.limits.maxBatchRecords) || this.urgent > 0) {
      this.pump();
    } else if (this.lingerTimer === null) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.pump(true);
      }, this.delivery.lingerMs);
      // Buffered events must not keep the app alive; the front door flushes on beforeExit.
      this.lingerTimer.unref();
    }
  }

  private pump(lingerExpired = false): void {
    const max = Math.min(this.delivery.maxBatchEvents, this.limits.maxBatchRecords);
    while (this.callsInFlight < this.delivery.maxInFlight && this.queue.size > 0) {
      if (this.queue.size < max && !lingerExpired && this.urgent === 0) break;
      this.send(this.takeBatch(max));
    }
    if (this.queue.size > 0 && this.callsInFlight < this.delivery.maxInFlight) this.schedule();
  }

  private takeBatch(max: number): Pending[] {
    return this.queue.takeBatch(max, this.limits.maxBatchBytes, this.limits.perRecordOverheadBytes);
  }

  private send(batch: Pending[]): void {
    const sink = this.sink;
    this.callsInFlight++;
    const records = batch.map((p) => p.record);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.delivery.writeTimeoutMs;
    // A hanging sink must not hold a slot (and its events) forever: past the timeout the call
    // counts as failed and is retried; the late call is aborted and its outcome ignored.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new SinkTimeoutError(`${sink.name} write did not settle within ${timeoutMs} ms`, 'TimeoutError');
        controller.abort(err);
        reject(err);
      }, timeoutMs);
      timer.unref();
    });
    const written = this.hooks.runSinkCall(() => new Promise((resolve) => resolve(sink.write(records, { signal: controller.signal }))));
    written.catch(() => {}); // after a timeout nobody listens to it any more
    Promise.race([written, timedOut]).then(
      (result) => {
        const failed = (result as { failed?: Array<{ index: number; code?: string; message?: string; retryable?: boolean }> } | undefined)?.failed ?? [];
        const failedIdx = new Set<number>();
        const retry: Pending[] = [];
        const fatal: Pending[] = [];
        for (const f of failed) {
          const p = batch[f.index];
          if (p === undefined || failedIdx.has(f.index)) continue;
          failedIdx.add(f.index);
          (f.retryable === false ? fatal : retry).push(p);
        }
        let sent = 0;
        batch.forEach((p, i) => {
          if (failedIdx.has(i)) return;
          sent++;
          this.settle(p, true);
        });
        this.counters.sent += sent;
        const first = failed[0];
        if (fatal.length > 0) this.giveUp(fatal, `rejected by ${sink.name}: ${first?.code ?? first?.message ?? 'not retryable'}`);
        if (retry.length > 0) this.retryLater(retry, `${sink.name}: ${first?.code ?? 'entry failed'}`);
      },
      (err: unknown) => {
        this.hooks.onError(new SinkDeliveryError(`${sink.name} write failed: ${err instanceof Error ? err.message : String(err)}`, (err as { name?: string })?.name, { cause: err }));
        this.retryLater(batch, `${sink.name} call failed`);
      },
    ).finally(() => {
      clearTimeout(timer);
      this.callsInFlight--;
      this.publish();
      this.takeFromSpool();
      this.pump();
    });
  }

  private retryLater(entries: Pending[], reason: string): void {
    const again: Pending[] = [];
    const spent: Pending[] = [];
    // With a spool the retry budget does not apply: the event is safe on disk, and giving up would lose it.
    for (const p of entries) (++p.attempts >= this.delivery.maxAttempts && this.spool === null ? spent : again).push(p);
    if (spent.length > 0) this.giveUp(spent, `${reason}; gave up after ${this.delivery.maxAttempts} attempts`);
    if (again.length === 0) return;
    this.counters.retried += again.length;
    const attempt = Math.min(30, Math.max(...again.map((p) => p.attempts)));
    const delay = retryDelayMs(attempt, this.delivery.retryBaseDelayMs, this.delivery.retryMaxDelayMs);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      // Retries go to the front: they are the oldest events.
      this.queue.pushFront(again);
      this.pump(true);
    }, delay);
    this.retryTimers.add(timer);
    if (this.urgent === 0) timer.unref();
  }

  /** Done with `p` in memory; `acknowledged` (delivered, or given up for good) also releases it in the spool. */
  private settle(p: Pending, acknowledged = false): void {
    if (!this.live.delete(p)) return;
    this.liveBytes -= p.record.bytes;
    if (acknowledged && p.spooled !== null) this.spool!.ack(p.spooled);
    if (p.waiters === null) return;
    for (const w of p.waiters) if (--w.remaining === 0) w.resolve();
  }

  /** Dropped: never attempted (buffer full, too large). */
  private drop(events: AuditEvent[], reason: string): void {
    this.counters.dropped += events.length;
    this.report(events, reason);
    this.publish();
  }

  /** Failed: delivery was attempted (or the sink is unusable) and we gave up. */
  private giveUp(entries: Pending[], reason: string): void {
    for (const p of entries) this.settle(p, true);
    this.counters.failed += entries.length;
    this.report(entries.map((p) => p.record.event), reason);
    this.publish();
  }

  private report(events: readonly AuditEvent[], reason: string): void {
    const onDrop = this.hooks.onDrop;
    if (onDrop === null) return;
    try {
      onDrop(events, reason);
    } catch (err) {
      this.hooks.onError(new HookError('onDrop', err));
    }
  }

  private publish(): void {
    this.hooks.onChange();
  }
}
