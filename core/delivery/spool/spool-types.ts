/**
 * The spool's shapes: its settings, the hooks through which it tells the dispatcher what
 * happened, its counters, a record taken for delivery, a gap, and its error.
 */
import type { SinkRecord } from '../../types/sink.js';
import type { Segment } from './segments.js';

export interface SpoolSettings {
  dir: string;
  maxBytes: number;
  fsyncMs: number;
  /** A segment is rotated (sealed, fsynced, a new one started) past this size. */
  segmentBytes: number;
  /** Records replayed per second at most (from segments of an earlier process). */
  replayPerSecond: number;
  /** How often to look for slots of dead processes to drain. */
  adoptIntervalMs: number;
  /**
   * How long appends wait to be written together. Each write is a trip to libuv's thread pool,
   * ~245 µs of CPU on the benchmark machine: 0 (the default) writes as soon as the previous
   * write is done; 50 halves the spool's CPU at 1,000 events/s but lets a process crash lose the
   * last 50 ms of events (docs/spool.md).
   */
  writeDelayMs: number;
  /**
   * Most bytes of appends waiting in memory for the disk: a stalled disk must not turn the spool
   * into an unbounded memory buffer. Past it new events are dropped (counted) and a gap follows.
   */
  maxPendingBytes: number;
  /** Written records kept in memory, ready for the dispatcher; the rest is read back from disk. */
  readyRecords: number;
}

export interface SpoolGap {
  lost: number;
  from: string;
  to: string;
  reason: string;
}

export interface SpoolHooks {
  onError: (err: unknown) => void;
  /** Records can be taken. */
  onReadable: () => void;
  /** Appended records that could not be written (a full disk, an I/O error): lost, to be counted. */
  onLost: (records: readonly SinkRecord[], reason: string) => void;
  /** Events were dropped and the spool has room again: its gap record is being written. */
  onGap: (gap: SpoolGap) => void;
}

export interface SpoolStats {
  spooledBytes: number;
  spooledEvents: number;
  replayed: number;
  corrupt: number;
}

/** A record taken for delivery; `ack` it once the sink has it (or it was given up for good). */
export interface SpooledRecord {
  record: SinkRecord;
  segment: Segment;
}

export class SpoolCorruptionError extends Error {
  override name = 'SpoolCorruptionError';
}
