/**
 * Per-outbound-call state, filled in on the hot path by the outbound hooks. Everything here is
 * raw (header arrays, chunk copies): turning it into an event happens later, off the request
 * path, in the pipeline.
 */
import type { InboundContext } from './context.js';
import type { AuditPipeline } from './pipeline.js';

/** A bounded copy of a body as it streams past: keeps at most `limit` bytes, counts them all. */
export class BodyTap {
  readonly chunks: Buffer[] = [];
  captured = 0;
  total = 0;
  constructor(readonly limit: number) {}

  push(chunk: unknown, encoding?: BufferEncoding): void {
    let buf: Buffer;
    if (typeof chunk === 'string') {
      // Strings are immutable: measure now, convert only the part we keep.
      const len = Buffer.byteLength(chunk, encoding);
      this.total += len;
      if (this.captured >= this.limit) return;
      buf = Buffer.from(chunk, encoding);
    } else if (chunk instanceof Uint8Array) {
      this.total += chunk.byteLength;
      if (this.captured >= this.limit) return;
      // Copy: the caller may reuse its buffer (socket slabs, pooled chunks).
      const room = this.limit - this.captured;
      buf = Buffer.from(chunk.subarray(0, room));
      this.chunks.push(buf);
      this.captured += buf.byteLength;
      return;
    } else {
      return;
    }
    const room = this.limit - this.captured;
    if (buf.byteLength > room) buf = buf.subarray(0, room);
    this.chunks.push(buf);
    this.captured += buf.byteLength;
  }

  get truncated(): boolean {
    return this.total > this.captured;
  }

  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.captured);
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
