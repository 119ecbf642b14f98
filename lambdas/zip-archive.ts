/**
 * A minimal ZIP writer (deflate, no external `zip` tool needed on the build machine), enough
 * for a Lambda deployment package. Timestamps are fixed at 1980-01-01 so the same code gives
 * the same bytes, and CloudFormation sees no change when nothing changed.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, with "/" separators. */
  name: string;
  data: Buffer;
  /** Unix permission bits; 0o644 by default. */
  mode?: number;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
const DEFLATE = 8;
const VERSION_NEEDED = 20;
/** "Made by" Unix (3) so that the external attributes carry permission bits. */
const VERSION_MADE_BY_UNIX = (3 << 8) | 20;

/**
 * The run of fields the local header and the central directory entry share, from the flags to
 * the name length; `at` is where the flags sit (6 in a local header, 8 in a central entry).
 * Extra-field length (and in the local header nothing else) follows as 0 from Buffer.alloc.
 */
function writeSharedFields(header: Buffer, at: number, f: { crc: number; compressedSize: number; size: number; nameLength: number }): void {
  header.writeUInt16LE(0x0800, at); // UTF-8 names
  header.writeUInt16LE(DEFLATE, at + 2);
  header.writeUInt16LE(DOS_TIME_MIDNIGHT, at + 4);
  header.writeUInt16LE(DOS_DATE_1980_01_01, at + 6);
  header.writeUInt32LE(f.crc, at + 8);
  header.writeUInt32LE(f.compressedSize, at + 12);
  header.writeUInt32LE(f.size, at + 16);
  header.writeUInt16LE(f.nameLength, at + 20);
}

export function createZipArchive(entries: readonly ZipEntry[]): Buffer {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    writeSharedFields(local, 6, { crc, compressedSize: compressed.length, size: entry.data.length, nameLength: name.length });

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    writeSharedFields(central, 8, { crc, compressedSize: compressed.length, size: entry.data.length, nameLength: name.length });
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE((((entry.mode ?? 0o644) | 0o100000) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    localParts.push(local, name, compressed);
    centralParts.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, centralDirectory, end]);
}
