/**
 * Scenario 6: partition pruning in the local query path (cli/local-runner, DuckDB). Writes a
 * dataset in the storage layout (`account_id=<id>/dt=<day>/…json.gz`, gzip NDJSON) and runs the
 * same aggregate over one account and one day, and over the whole table (the baseline).
 *
 * What was read is measured two ways, both from outside the query result (a filtered result
 * cannot tell pruned files from files read and discarded):
 *  - DuckDB's own profile (PRAGMA enable_profiling='json'): the scan's "Total Files Read";
 *  - the bytes this process read from files, /proc/self/io `rchar` before and after (Linux).
 * Layout and file sizes mirror what kinesis-to-s3 writes: one object per partition per invocation.
 *
 *   node --import=tsx bench/duckdb-pruning.ts [--accounts 20] [--days 10] [--events 500] [--files 2] [--rounds 5]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { auditEventsViewSql, bytesReadByProcess, listAuditDataFiles } from '../cli/local-runner.js';
import { partitionOf, partitionPath } from '../core/schema.js';
import { auditEventFactory } from '../test/helpers/factories.js';
import { median, numericFlags, round } from './common.js';

const { accounts: ACCOUNTS, days: DAYS, events: EVENTS, files: FILES, rounds: ROUNDS } = numericFlags({ accounts: 20, days: 10, events: 500, files: 2, rounds: 5 });
/**
 * This benchmark's own bound (the issue sets none): a one-account-one-day query reads at most 1.5×
 * one partition's share of the table's bytes, i.e. pruning works and the rest is overhead.
 */
const TARGET_BYTES_RATIO = 1 / (ACCOUNTS * DAYS) * 1.5;

const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);

/** ACCOUNTS × DAYS partitions of EVENTS events each, split in FILES files. Returns the bytes written. */
async function writeDataset(dir: string): Promise<number> {
  let bytes = 0;
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let d = 0; d < DAYS; d++) {
      const events = Array.from({ length: EVENTS }, (_, i) => auditEventFactory({
        account_id: `tenant-${a}`,
        time: new Date(Date.parse(`${day(d)}T00:00:00.000Z`) + i * 60_000).toISOString(),
        status: i % 10 === 0 ? 503 : 200,
        duration_ms: (i % 100) + 0.5,
      }));
      const folder = join(dir, partitionPath(partitionOf(events[0]!)));
      await mkdir(folder, { recursive: true });
      const perFile = Math.ceil(EVENTS / FILES);
      for (let f = 0; f < FILES; f++) {
        const body = gzipSync(events.slice(f * perFile, (f + 1) * perFile).map((e) => `${JSON.stringify(e)}\n`).join(''));
        await writeFile(join(folder, `shardId-000000000000-${f}.json.gz`), body);
        bytes += body.length;
      }
    }
  }
  return bytes;
}

interface ProfileNode { operator_type?: string; extra_info?: Record<string, string>; children?: ProfileNode[] }

/** "Total Files Read" summed over the plan's table scans. */
function filesReadFromProfile(node: ProfileNode): number {
  const own = node.operator_type === 'TABLE_SCAN' ? Number(node.extra_info?.['Total Files Read'] ?? 0) : 0;
  return own + (node.children ?? []).reduce((sum, child) => sum + filesReadFromProfile(child), 0);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-duckdb-pruning-'));
  const profilePath = join(dir, 'profile.json');
  try {
    const datasetBytes = await writeDataset(join(dir, 'data'));
    const files = listAuditDataFiles(join(dir, 'data'));
    const instance = await DuckDBInstance.create();
    const connection = await instance.connect();
    // The same view the CLI's local queries run against.
    await connection.run(auditEventsViewSql(files));
    await connection.run(`PRAGMA enable_profiling = 'json'`);
    await connection.run(`PRAGMA profiling_output = '${profilePath}'`);

    const aggregate = 'SELECT count(*) AS calls, count(*) FILTER (WHERE status >= 500) AS errors, avg(duration_ms) AS avg_ms FROM audit_events';
    const queries = {
      oneAccountOneDay: `${aggregate} WHERE account_id = 'tenant-${Math.floor(ACCOUNTS / 2)}' AND dt = '${day(Math.floor(DAYS / 2))}'`,
      wholeTable: aggregate,
    };
    const samples: Record<keyof typeof queries, { ms: number; filesRead: number; bytesRead: number | null; calls: number }[]> = { oneAccountOneDay: [], wholeTable: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const order = (r % 2 === 0 ? ['oneAccountOneDay', 'wholeTable'] : ['wholeTable', 'oneAccountOneDay']) as (keyof typeof queries)[];
      for (const name of order) {
        const readBefore = bytesReadByProcess();
        const t0 = performance.now();
        const reader = await connection.runAndReadAll(queries[name]);
        const ms = performance.now() - t0;
        const readAfter = bytesReadByProcess();
        const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as ProfileNode;
        const calls = Number(reader.getRowObjectsJS()[0]?.calls);
        samples[name].push({ ms, filesRead: filesReadFromProfile(profile), bytesRead: readBefore === null || readAfter === null ? null : readAfter - readBefore, calls });
      }
    }
    connection.closeSync();
    instance.closeSync();

    const summary = (name: keyof typeof queries) => {
      const s = samples[name];
      const bytes = s.map((x) => x.bytesRead).filter((x): x is number => x !== null);
      return { queryMs: round(median(s.map((x) => x.ms))), filesRead: median(s.map((x) => x.filesRead)), bytesRead: bytes.length ? median(bytes) : null, rows: s[0]!.calls };
    };
    const one = summary('oneAccountOneDay');
    const whole = summary('wholeTable');
    const bytesRatio = one.bytesRead !== null && whole.bytesRead ? round(one.bytesRead / whole.bytesRead, 4) : null;
    console.log(JSON.stringify({
      scenario: 'duckdb-pruning',
      node: process.version,
      dataset: { accounts: ACCOUNTS, days: DAYS, eventsPerPartition: EVENTS, filesPerPartition: FILES, files: files.length, gzipBytes: datasetBytes },
      rounds: ROUNDS,
      results: {
        oneAccountOneDay: one,
        wholeTable: whole,
        filesRatio: round(one.filesRead / whole.filesRead, 4),
        bytesRatio,
        timeRatio: round(one.queryMs / whole.queryMs, 3),
        expectedRatio: round(1 / (ACCOUNTS * DAYS), 4),
      },
      targets: { bytesRatio: { op: '<=', target: round(TARGET_BYTES_RATIO, 4), value: bytesRatio, met: bytesRatio !== null && bytesRatio <= TARGET_BYTES_RATIO } },
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
