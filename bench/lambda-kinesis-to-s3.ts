/**
 * Scenario 4: kinesis-to-s3 records/s and peak RSS for a 10,000-record invocation against s3rver
 * (in this process, 127.0.0.1, port 0), the handler in a child process so that RSS is its own.
 * Baseline: the same handler and batch with an S3 client that sends nothing (decode, group, gzip
 * only). Baseline and S3 children alternate round by round; each child runs several invocations
 * and the first (cold: JIT, SDK set-up) is reported apart from the warm ones. s3rver shares the
 * machine and stores objects on local disk: the ratio prices the SDK, HTTP and s3rver's own work,
 * an upper bound on client-side cost, not S3's latency (which 8 PUTs in flight hide in Lambda).
 *
 * The child runs as a 128 MB function would, with the flags of test/lambdas/kinesis-to-s3-memory.test.ts:
 * --max-old-space-size=96 and what the Lambda Node.js bootstrap passes (--max-semi-space-size=6
 * --expose-gc). Without the heap cap V8 grows the heap lazily and the peak says little.
 *
 *   node --import=tsx bench/lambda-kinesis-to-s3.ts [--records 10000] [--invocations 3] [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleLambdaDriver } from '../test/helpers/lambda-bundle.js';
import { startS3rver } from '../test/helpers/s3rver.js';
import { median, numericFlags, round } from './common.js';

const { records: RECORDS, invocations: INVOCATIONS, rounds: ROUNDS } = numericFlags({ records: 10_000, invocations: 3, rounds: 3 });
const BUCKET = 'bench-bucket';
/** A 10,000-record batch must fit a 128 MB function with room to spare (the memory test's bound). */
const PEAK_RSS_TARGET_MB = 128;

const childSource = fileURLToPath(new URL('./lambda-kinesis-to-s3/child.ts', import.meta.url));
// Inside the repository so that the external @aws-sdk/* resolve from node_modules; not in dist/,
// which `npm run build` empties (the capture benchmark's build may run alongside). Gitignored.
const childBundle = fileURLToPath(new URL('./results/.build/lambda-kinesis-to-s3-child.mjs', import.meta.url));

interface ChildReport { mode: string; payloadMb: number; durationsMs: number[]; failures: number; objectsWritten?: number; rssWithBatchMb: number; peakRssMb: number }

async function runChild(mode: 's3' | 'baseline', endpoint: string): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=96', '--max-semi-space-size=6', '--expose-gc', '--no-deprecation', childBundle], {
    env: { ...process.env, MODE: mode, S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, RECORDS: String(RECORDS), INVOCATIONS: String(INVOCATIONS) },
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport;
  if (report.failures > 0) throw new Error(`${mode}: ${report.failures} records reported as failed`);
  return report;
}

function summarize(reports: ChildReport[]) {
  const warm = reports.flatMap((r) => r.durationsMs.slice(1));
  const warmMs = warm.length > 0 ? median(warm) : median(reports.map((r) => r.durationsMs[0]!));
  return {
    recordsPerSec: Math.round(RECORDS / (warmMs / 1000)),
    warmInvocationMs: round(warmMs),
    coldInvocationMs: round(median(reports.map((r) => r.durationsMs[0]!))),
    peakRssMb: median(reports.map((r) => r.peakRssMb)),
    rssWithBatchMb: median(reports.map((r) => r.rssWithBatchMb)),
    objectsPerInvocation: reports[0]!.objectsWritten,
  };
}

async function main() {
  await bundleLambdaDriver(childSource, childBundle);
  const s3 = await startS3rver([BUCKET]);
  const reports: Record<'s3' | 'baseline', ChildReport[]> = { s3: [], baseline: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['baseline', 's3'] as const) : (['s3', 'baseline'] as const);
      for (const mode of order) reports[mode].push(await runChild(mode, s3.endpoint));
    }
  } finally {
    await s3.stop();
  }
  const withS3 = summarize(reports.s3);
  const baseline = summarize(reports.baseline);
  console.log(JSON.stringify({
    scenario: 'lambda-kinesis-to-s3',
    node: process.version,
    records: RECORDS,
    payloadMb: reports.s3[0]!.payloadMb,
    invocationsPerChild: INVOCATIONS,
    rounds: ROUNDS,
    results: {
      s3: withS3,
      baseline,
      // < 1: the share of the no-S3 rate that remains once objects are really PUT.
      recordsPerSecRatio: round(withS3.recordsPerSec / baseline.recordsPerSec, 3),
      peakRssRatio: round(withS3.peakRssMb / baseline.peakRssMb, 3),
    },
    targets: { peakRssMb: { op: '<', target: PEAK_RSS_TARGET_MB, value: withS3.peakRssMb, met: withS3.peakRssMb < PEAK_RSS_TARGET_MB } },
  }));
}

await main();
