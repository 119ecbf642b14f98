/**
 * Per-outbound-call state, filled in on the hot path by the outbound hooks. Everything here is
 * raw (header arrays, chunk copies): turning it into an event happens later, off the request
 * path, in the pipeline.
 */
import type { InboundContext } from './context.js';
import type { AuditPipeline } from './pipeline.js';

/**
 * A bounded view of a body as it streams past: keeps at most `limit` bytes, counts them all.
 *
 * No copies on the hot path. Buffers are kept as views: the HTTP parsers hand each chunk to
 * the stream and never reuse it, and an app's own request buffers are alive for the call
 * anyway. Strings are immutable and kept as they are, unless only part of one fits: then just
 * that part is copied, so a huge string is not retained for the length of a slow call.
 */
export class BodyTap {
  readonly chunks: Array<Uint8Array | string> = [];
  captured = 0;
  total = 0;
  constructor(readonly limit: number) {}

  push(chunk: unknown, encoding?: BufferEncoding): void {
    if (typeof chunk === 'string') {
      const utf8 = encoding === undefined || encoding === 'utf8' || encoding === 'utf-8';
      const len = utf8 ? Buffer.byteLength(chunk) : Buffer.byteLength(chunk, encoding);
      this.total += len;
      const room = this.limit - this.captured;
      if (room <= 0) return;
      if (utf8 && len <= room) {
        this.chunks.push(chunk);
        this.captured += len;
      } else {
        const buf = Buffer.from(chunk, encoding).subarray(0, room);
        this.chunks.push(Buffer.from(buf));
        this.captured += buf.byteLength;
      }
    } else if (chunk instanceof Uint8Array) {
      this.total += chunk.byteLength;
      const room = this.limit - this.captured;
      if (room <= 0) return;
      const view = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(view);
      this.captured += view.byteLength;
    }
  }

  get truncated(): boolean {
    return this.total > this.captured;
  }

  /** The captured text when it is one string chunk kept whole (the common `end(string)` case): no Buffer round trip. */
  wholeString(): string | null {
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    return typeof only === 'string' && !this.truncated ? only : null;
  }

  bytes(): Buffer {
    const parts = this.chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.captured);
  }
}

export type ClientKind = 'fetch' | 'http';

export class CallRecord {
  /** Raw request headers: undici string or array, or node:http's header object. */
  requestHeaders: unknown = null;
  requestBody: BodyTap | null;
  status: number | null = null;
  /** Raw response headers: undici's [name, value, …] Buffers, or node:http's header object. */
  responseHeaders: unknown = null;
  responseBody: BodyTap | null = null;
  endedAt = 0;
  error: unknown = null;
  /** Set when the record was finalized by the inactivity sweep rather than by the response. */
  incomplete: string | null = null;
  done = false;
  /** Coarse clock value of the last activity, maintained by the in-flight sweeper. */
  lastActivity = 0;
  /** Links of the registry's in-flight list. */
  listPrev: CallRecord | null = null;
  listNext: CallRecord | null = null;

  constructor(
    readonly client: ClientKind,
    readonly context: InboundContext | null,
    readonly pipelines: readonly AuditPipeline[],
    readonly method: string,
    readonly url: string,
    readonly startedAtMs: number,
    readonly startedAt: number,
    readonly maxBodyBytes: number,
  ) {
    this.requestBody = new BodyTap(maxBodyBytes);
  }
}
