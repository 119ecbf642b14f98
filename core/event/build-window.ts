/**
 * Finished calls wait in a short build window (off the request path), are built into events
 * together, and each built event is handed on (to the instance's event bus).
 */
import type { AuditEvent } from '../types/audit-event.js';
import { buildEvent } from './build-event.js';
import type { BuildSettings, FinishedCall } from './finished-call.js';
import { compileRedactor, type Redactor } from './redaction/index.js';

/** The build window's bounds; only tests change them, to observe the window on a loaded machine. */
export interface BuildWindow {
  readonly ms: number;
  readonly batch: number;
}

/**
 * Finished calls are built together: after 20 ms, or at once when 64 are waiting. Building each
 * call on its own, between the app's requests, ran our code cold every time: at a fixed
 * 1,000 req/s in the Express benchmark, building in windows cut the audit log's added CPU per
 * request by 33–37 µs of about 110 (two A/B runs of 6 alternating runs each;
 * docs/performance.md). Both bounds keep memory small: at most 64 records, or 20 ms of calls, wait.
 */
export const DEFAULT_BUILD_WINDOW: BuildWindow = { ms: 20, batch: 64 };

export interface BuildOutput {
  /** A built, redacted event. */
  built(event: AuditEvent): void;
  /** A call whose event could not be built (already reported to onError). */
  unbuildable(): void;
}

export class EventBuilder {
  private readonly redactor: Redactor;
  private finished: FinishedCall[] = [];
  private buildTimer: NodeJS.Timeout | null = null;
  private buildImmediate = false;
  private readonly drainNow = () => this.drain();

  constructor(
    private readonly settings: BuildSettings,
    private readonly output: BuildOutput,
    private readonly window: BuildWindow = DEFAULT_BUILD_WINDOW,
  ) {
    this.redactor = compileRedactor(settings);
  }

  /** Calls waiting in the window (part of `stats().queued`). */
  get waiting(): number {
    return this.finished.length;
  }

  /** Hot path: a call finished. Only queues it; the work happens when the window closes. */
  accept(call: FinishedCall): void {
    this.finished.push(call);
    if (this.finished.length >= this.window.batch) {
      if (!this.buildImmediate) {
        this.buildImmediate = true;
        setImmediate(this.drainNow);
      }
    } else if (this.buildTimer === null) {
      this.buildTimer = setTimeout(this.drainNow, this.window.ms);
      // Never keeps the app alive: a flush on beforeExit (the front door) builds what is waiting.
      this.buildTimer.unref();
    }
  }

  /** Builds every waiting call now (flush, or the window closed). */
  drain(): void {
    this.buildImmediate = false;
    if (this.buildTimer !== null) {
      clearTimeout(this.buildTimer);
      this.buildTimer = null;
    }
    if (this.finished.length === 0) return;
    const batch = this.finished;
    this.finished = [];
    for (const call of batch) {
      let event: AuditEvent;
      try {
        event = buildEvent(call, this.settings, this.redactor);
      } catch (err) {
        this.settings.onError(err);
        this.output.unbuildable();
        continue;
      }
      this.output.built(event);
    }
  }
}
