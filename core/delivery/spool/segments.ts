/**
 * Segment files of a slot (`seg-<12-digit sequence>.log`), what the spool knows of each, and
 * reading records out of one: from its current read offset, a bounded number at a time, cutting
 * off a torn tail and stepping over damaged records to the next intact one.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, readFrame } from './frame.js';

const SEGMENT_NAME = /^seg-(\d{12})\.log$/;
export const segmentName = (seq: number) => `seg-${String(seq).padStart(12, '0')}.log`;

export class Segment {
  /** Bytes of complete records on disk (for a segment found at start: the file's size). */
  size = 0;
  /** Records known in it: written by us, or read so far from one found at start. */
  records = 0;
  acked = 0;
  /** Next byte the reader takes a record from. */
  readOffset = 0;
  /** No more records will be appended (rotated, or found at start). */
  sealed: boolean;
  /** The reader has reached its end (only meaningful once sealed). */
  fullyRead = false;
  /** A damaged record was found in it: moved aside rather than deleted once done. */
  corrupt = false;
  handle: FileHandle | null = null;

  constructor(readonly path: string, readonly seq: number, sealed: boolean) {
    this.sealed = sealed;
  }

  get done(): boolean {
    return this.sealed && this.fullyRead && this.acked >= this.records;
  }
}

/** The segment files in `slotDir`, oldest first. */
export async function listSegments(slotDir: string): Promise<Array<{ path: string; seq: number; size: number }>> {
  let names: string[];
  try {
    names = await readdir(slotDir);
  } catch {
    return [];
  }
  const found = names.flatMap((name) => {
    const m = SEGMENT_NAME.exec(name);
    return m ? [{ path: join(slotDir, name), seq: Number(m[1]), size: 0 }] : [];
  }).sort((a, b) => a.seq - b.seq);
  for (const f of found) f.size = await stat(f.path).then((st) => st.size, () => 0);
  return found;
}

export function hasSegmentsSync(slotDir: string): boolean {
  try {
    return readdirSync(slotDir).some((name) => SEGMENT_NAME.test(name));
  } catch {
    return false;
  }
}

export interface ReadBatch {
  jsons: string[];
  /** Damaged spans stepped over: [offset, why]. */
  damage: Array<[number, string]>;
  /** A sealed segment ended inside a record: the bytes from here on were cut off. */
  tornAt: number | null;
}

/** Bytes read per disk read (a bigger record is read whole). */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Up to `max` records of `segment` from its read offset (which it advances). For a segment still
 * being written, only the first `segment.size` bytes (complete writes) are read.
 */
export async function readRecords(segment: Segment, max: number): Promise<ReadBatch> {
  const batch: ReadBatch = { jsons: [], damage: [], tornAt: null };
  const handle = await open(segment.path, 'r');
  try {
    const limit = segment.sealed ? (await handle.stat()).size : segment.size;
    let wanted = READ_CHUNK_BYTES;
    while (batch.jsons.length < max && segment.readOffset < limit) {
      const length = Math.min(wanted, limit - segment.readOffset);
      const data = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(data, 0, length, segment.readOffset);
      const view = data.subarray(0, bytesRead);
      let at = 0;
      let progressed = false;
      while (batch.jsons.length < max && at < view.length) {
        const frame = readFrame(view, at);
        if (frame.kind === 'record') {
          batch.jsons.push(frame.json);
          at = frame.end;
          progressed = true;
        } else if (frame.kind === 'corrupt') {
          batch.damage.push([segment.readOffset + at, frame.why]);
          at = frame.next;
          progressed = true;
        } else {
          break;
        }
      }
      segment.readOffset += at;
      if (progressed || batch.jsons.length >= max) {
        wanted = READ_CHUNK_BYTES;
        continue;
      }
      // Nothing whole in the chunk: a record bigger than it, the end of what is written, or a torn tail.
      const header = view.length >= FRAME_HEADER_BYTES ? view.readUInt32LE(2) + FRAME_HEADER_BYTES : 0;
      if (segment.readOffset + Math.max(header, FRAME_HEADER_BYTES) <= limit && header > wanted) {
        wanted = header;
        continue;
      }
      if (segment.sealed) {
        // A sealed file ending inside a record: cut off, unless an intact record follows (then it is damage).
        const rest = Buffer.allocUnsafe(limit - segment.readOffset);
        await handle.read(rest, 0, rest.length, segment.readOffset);
        let next = -1;
        for (let i = 1; i < rest.length - 1 && next < 0; i++) if (readFrame(rest, i).kind === 'record') next = i;
        if (next < 0) {
          batch.tornAt = segment.readOffset;
          segment.readOffset = limit;
        } else {
          batch.damage.push([segment.readOffset, 'record cut short']);
          segment.readOffset += next;
          continue;
        }
      }
      break;
    }
    if (segment.sealed && segment.readOffset >= limit) {
      segment.fullyRead = true;
      segment.size = limit;
    }
  } finally {
    await handle.close();
  }
  return batch;
}
