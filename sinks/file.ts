/**
 * File sink: NDJSON in the same `account_id=<id>/dt=<YYYY-MM-DD>/` layout the kinesis-to-s3
 * Lambda writes to S3 (core's partitionOf/partitionPath), so the local folder can be queried
 * like the bucket (DuckDB, the CLI). One file per partition at a time, named
 * `<pid>-<startTime>-<n>.ndjson`, appended to per batch and rotated once it reaches
 * `maxFileBytes`. Writes are serialized, so lines never interleave.
 *
 *   import { fileSink } from 'http-audit-log/sinks/file';
 *   auditLog({ sink: fileSink({ dir: './audit-data' }) });
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { partitionOf, partitionPath, type Sink, type SinkEntryFailure, type SinkRecord, type SinkWriteResult } from '../core/index.js';
import { FILE_LIMITS, resolveFileOptions, type FileSinkOptions } from './config.js';

export type { FileSinkOptions } from './config.js';

interface PartitionFile {
  n: number;
  bytes: number;
  dirReady: boolean;
}

export interface FileSink extends Sink {
  readonly dir: string;
}

export function fileSink(options: FileSinkOptions = {}): FileSink {
  const o = resolveFileOptions(options);
  const dir = path.resolve(o.dir);
  const startTime = Date.now();
  const files = new Map<string, PartitionFile>();
  let tail: Promise<unknown> = Promise.resolve();

  async function writeBatch(records: readonly SinkRecord[]): Promise<SinkWriteResult> {
    const groups = new Map<string, number[]>();
    records.forEach((r, i) => {
      const folder = partitionPath(partitionOf(r.event));
      let g = groups.get(folder);
      if (g === undefined) groups.set(folder, (g = []));
      g.push(i);
    });
    const failed: SinkEntryFailure[] = [];
    let firstError: unknown = null;
    for (const [folder, indices] of groups) {
      let state = files.get(folder);
      if (state === undefined) files.set(folder, (state = { n: 0, bytes: 0, dirReady: false }));
      const text = indices.map((i) => `${records[i]!.json}\n`).join('');
      const bytes = Buffer.byteLength(text);
      if (state.bytes > 0 && state.bytes + bytes > o.maxFileBytes) {
        state.n++;
        state.bytes = 0;
      }
      const folderPath = path.join(dir, folder);
      try {
        if (!state.dirReady) {
          await mkdir(folderPath, { recursive: true });
          state.dirReady = true;
        }
        await appendFile(path.join(folderPath, `${process.pid}-${startTime}-${state.n}.ndjson`), text);
        state.bytes += bytes;
      } catch (err) {
        firstError ??= err;
        state.dirReady = false;
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        for (const index of indices) failed.push({ index, code, message: (err as Error).message });
      }
    }
    if (failed.length === records.length && firstError !== null) throw firstError;
    return { failed };
  }

  return {
    name: 'file',
    dir,
    limits: FILE_LIMITS,
    write(records: readonly SinkRecord[]) {
      const next = tail.then(() => writeBatch(records));
      tail = next.catch(() => {});
      return next;
    },
    async close() {
      await tail;
    },
  };
}
