/**
 * Scenario: the compactor's time and peak RSS for one account-day of 100,000 events (plus 4 %
 * stored twice, in 40 + 2 raw objects, ~185 MB of event JSON) against s3rver in this process.
 * Baseline, same run: the floor, the least any correct compactor must do with that day (list,
 * GET, inflate, parse and check every line, keeping nothing). Each run is a child process with
 * the flags Lambda's Node.js bootstrap passes a 1,024 MB function (--expose-gc, semi-space 51 MB,
 * old space 922 MB); compact and floor alternate round by round. Target (issue 14): peak RSS
 * ≤ 512 MB for 100,000 events.
 *
 *   node --import=tsx bench/compactor-cost.ts [--events 100000] [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { listObjects } from '../lambdas/compactor/s3-layout.js';
import { mapWithConcurrencyLimit } from '../lambdas/map-with-concurrency-limit.js';
import { rawDay } from '../test/helpers/compaction-dataset.js';
import { bundleLambdaDriver } from '../test/helpers/lambda-bundle.js';
import { startS3rver } from '../test/helpers/s3rver.js';
import { median, numericFlags, round } from './common.js';

const { events: EVENTS, rounds: ROUNDS } = numericFlags({ events: 100_000, rounds: 3 });
const BUCKET = 'bench-bucket';
const DAY = { account: 'acme', dt: '2026-11-24' };
const PEAK_RSS_TARGET_MB = 512;
const LAMBDA_NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922', '--no-deprecation'];

const driverSource = fileURLToPath(new URL('../test/lambdas/fixtures/compact-one-day.ts', import.meta.url));
// Inside the repository so that the external @aws-sdk/* resolve; gitignored (see lambda-kinesis-to-s3.ts).
const driverBundle = fileURLToPath(new URL('./results/.build/compact-one-day.mjs', import.meta.url));

interface ChildRun { mode: string; report: { lines?: number; compacted?: Array<{ rows: number; duplicatesDropped: number }> }; durationMs: number; peakRssMb: number; rssBeforeMb: number }

async function runChild(mode: 'compact' | 'floor', endpoint: string): Promise<ChildRun> {
  const { stdout } = await promisify(execFile)(process.execPath, [...LAMBDA_NODE_FLAGS, driverBundle], {
    env: { ...process.env, MODE: mode, S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, ACCOUNT: DAY.account, DT: DAY.dt },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildRun;
}

async function main() {
  await bundleLambdaDriver(driverSource, driverBundle);
  const s3 = await startS3rver([BUCKET]);
  const runs: Record<'compact' | 'floor', ChildRun[]> = { compact: [], floor: [] };
  const day = rawDay('audit/', { ...DAY, events: EVENTS, objects: 40, duplicateEvery: 25 });
  try {
    await mapWithConcurrencyLimit(day.objects, 4, (o) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: o.key, Body: o.body })));
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['floor', 'compact'] as const) : (['compact', 'floor'] as const);
      for (const mode of order) {
        // Each compaction starts from no previous output, so every round does the same work.
        const compacted = await listObjects(s3.client, BUCKET, 'audit-compacted/');
        if (compacted.length > 0) await s3.client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: compacted.map((o) => ({ Key: o.key })) } }));
        const run = await runChild(mode, s3.endpoint);
        const rows = run.report.compacted?.[0]?.rows;
        if (mode === 'compact' && rows !== EVENTS) throw new Error(`compaction wrote ${rows} rows, not ${EVENTS}: ${JSON.stringify(run.report)}`);
        if (mode === 'floor' && run.report.lines !== EVENTS + day.duplicates) throw new Error(`floor read ${run.report.lines} lines`);
        runs[mode].push(run);
      }
    }
  } finally {
    await s3.stop();
  }
  const summary = (list: ChildRun[]) => ({ ms: median(list.map((r) => r.durationMs)), peakRssMb: median(list.map((r) => r.peakRssMb)), rssBeforeMb: median(list.map((r) => r.rssBeforeMb)) });
  const compact = summary(runs.compact);
  const floor = summary(runs.floor);
  const per100k = 100_000 / EVENTS;
  console.log(JSON.stringify({
    scenario: 'compactor-cost',
    node: process.version,
    dataset: { events: EVENTS, duplicates: day.duplicates, objects: day.objects.length, jsonMb: round(day.jsonBytes / 1e6) },
    rounds: ROUNDS,
    results: {
      compact: { ...compact, msPer100kEvents: Math.round(compact.ms * per100k) },
      floor: { ...floor, msPer100kEvents: Math.round(floor.ms * per100k) },
      timeRatio: round(compact.ms / floor.ms, 2),
      peakRssRatio: round(compact.peakRssMb / floor.peakRssMb, 2),
      spreadMs: { compact: runs.compact.map((r) => r.durationMs), floor: runs.floor.map((r) => r.durationMs) },
    },
    targets: { peakRssMb: { op: '<=', target: PEAK_RSS_TARGET_MB, value: compact.peakRssMb, met: compact.peakRssMb <= PEAK_RSS_TARGET_MB } },
  }));
}

await main();
