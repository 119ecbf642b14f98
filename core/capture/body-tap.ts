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
