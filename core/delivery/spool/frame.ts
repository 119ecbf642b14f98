/**
 * The spool's record framing: `magic (2) | length (4, LE) | crc32 (4, LE) | payload`, payload the
 * event's JSON line as UTF-8. The magic lets a reader find the next intact record after a
 * damaged one (resync) instead of giving up the rest of the file; the CRC (zlib's, IEEE) tells a
 * damaged record from an intact one; the length bounds every read.
 *
 * A record cut short at the end of a file (a crash mid-write) is a torn tail: it is cut off.
 * Anything else that does not check out is corruption: counted, reported, skipped.
 */
import { crc32 } from 'node:zlib';

export const FRAME_MAGIC_0 = 0xa5;
export const FRAME_MAGIC_1 = 0x7d;
export const FRAME_HEADER_BYTES = 10;
/** No record is bigger than the largest sink record (Kinesis: 1 MiB) with room to spare. */
export const MAX_FRAME_PAYLOAD_BYTES = 4 * 1024 * 1024;

export function encodeFrame(json: string): Buffer {
  const payloadBytes = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  frame.write(json, FRAME_HEADER_BYTES, 'utf8');
  frame[0] = FRAME_MAGIC_0;
  frame[1] = FRAME_MAGIC_1;
  frame.writeUInt32LE(payloadBytes, 2);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 6);
  return frame;
}

export type FrameRead =
  | { kind: 'record'; json: string; start: number; end: number }
  /** The bytes end inside a frame: more may come (a file being written), or it is a torn tail. */
  | { kind: 'incomplete'; start: number }
  /** What is at `start` is no intact frame; the next candidate starts at `next` (or the data ends). */
  | { kind: 'corrupt'; start: number; next: number; why: string };

function headerAt(data: Buffer, at: number): number | null {
  if (data[at] !== FRAME_MAGIC_0 || data[at + 1] !== FRAME_MAGIC_1) return null;
  return data.readUInt32LE(at + 2);
}

/** The next magic at or after `from` (data.length when there is none). */
function nextMagic(data: Buffer, from: number): number {
  for (let i = from; i < data.length - 1; i++) if (data[i] === FRAME_MAGIC_0 && data[i + 1] === FRAME_MAGIC_1) return i;
  return data.length;
}

/** Reads the frame at `at` in `data` (which holds the file from its start, or from `at`). */
export function readFrame(data: Buffer, at: number): FrameRead {
  if (at + FRAME_HEADER_BYTES > data.length) return { kind: 'incomplete', start: at };
  const length = headerAt(data, at);
  if (length === null) return { kind: 'corrupt', start: at, next: nextMagic(data, at + 1), why: 'no record header' };
  if (length > MAX_FRAME_PAYLOAD_BYTES) return { kind: 'corrupt', start: at, next: nextMagic(data, at + 1), why: `record length ${length} is impossible` };
  const end = at + FRAME_HEADER_BYTES + length;
  if (end > data.length) return { kind: 'incomplete', start: at };
  const payload = data.subarray(at + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== data.readUInt32LE(at + 6)) return { kind: 'corrupt', start: at, next: nextMagic(data, at + 1), why: 'CRC mismatch' };
  return { kind: 'record', json: payload.toString('utf8'), start: at, end };
}
