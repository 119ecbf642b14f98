/**
 * 10,000 records in one invocation, in a child process whose V8 heap is capped at 96 MB
 * (--max-old-space-size=96), against s3rver in this process. Proves the batch fits a 128 MB
 * Lambda: the handler must finish, store every event, and the child's peak RSS must stay under
 * 128 MB. The driver is bundled with esbuild like the deployed handler (AWS SDK external) and
 * run by plain node: under tsx the TypeScript loader alone costs ~50 MB that Lambda never pays.
 * --max-semi-space-size=6 and --expose-gc are what the Lambda Node.js bootstrap passes for a
 * 128 MB function (new space = memory / 10, split in two semi-spaces); Node's default 16 MB
 * semi-spaces would count young-generation garbage that Lambda never lets grow.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { bundleLambdaDriver } from '../helpers/lambda-bundle.js';
import { listKeys, readGzippedJsonLines, startS3rver } from '../helpers/s3rver.js';

const driverSource = fileURLToPath(new URL('./fixtures/ten-thousand-records.ts', import.meta.url));
// Inside the repository so the bundle resolves the external @aws-sdk/* from node_modules.
const driverBundle = fileURLToPath(new URL('../../dist/test-fixtures/ten-thousand-records.mjs', import.meta.url));

test('a 10,000-record invocation stores every event within 128 MB (child process, --max-old-space-size=96)', async (t) => {
  const s3 = await startS3rver(['memory-bucket']);
  try {
    await bundleLambdaDriver(driverSource, driverBundle);
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=96', '--max-semi-space-size=6', '--expose-gc', driverBundle], {
      env: { ...process.env, S3_ENDPOINT: s3.endpoint, S3_BUCKET: 'memory-bucket' },
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      result: { batchItemFailures: unknown[] };
      log: Record<string, number>;
      payloadMb: number;
      rssBeforeBatchMb: number;
      rssWithBatchMb: number;
      peakRssMb: number;
    };
    t.log(`payload ${report.payloadMb} MB base64; RSS before batch ${report.rssBeforeBatchMb} MB, with batch ${report.rssWithBatchMb} MB, peak ${report.peakRssMb} MB; ${report.log.durationMs} ms`);
    t.deepEqual(report.result.batchItemFailures, []);
    t.like(report.log, { records: 10_000, events: 10_000, groups: 100, objectsWritten: 100, malformed: 0 });
    t.true(report.payloadMb <= 6, 'a Lambda invocation carries at most 6 MB');
    t.true(report.peakRssMb < 128, `peak RSS ${report.peakRssMb} MB`);

    const keys = await listKeys(s3.client, 'memory-bucket', 'memory/');
    t.is(keys.length, 100);
    const counts = await Promise.all(keys.map(async (k) => (await readGzippedJsonLines(s3.client, 'memory-bucket', k)).length));
    t.is(counts.reduce((a, b) => a + b, 0), 10_000);
  } finally {
    await s3.stop();
  }
});
