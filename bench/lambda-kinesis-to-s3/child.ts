/**
 * Child process of bench/lambda-kinesis-to-s3.ts, bundled with esbuild and run by plain node so
 * its RSS is the handler's (under tsx the TypeScript loader alone costs ~50 MB that Lambda never
 * pays). Runs INVOCATIONS invocations of one RECORDS-record batch through kinesis-to-s3 and
 * prints one JSON line: the duration of each invocation and the process's peak RSS.
 *
 * MODE=s3: the real handler against the s3rver at S3_ENDPOINT.
 * MODE=baseline: the same handler with an S3 client whose send() resolves at once, so the batch
 * is decoded, grouped and gzipped exactly the same but nothing is sent: the ratio isolates S3.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { createHandler } from '../../lambdas/kinesis-to-s3/index.js';
import { kinesisBatchFactory } from '../../test/helpers/factories.js';
import { s3ClientFor } from '../../test/helpers/s3-client.js';

const { MODE, S3_ENDPOINT, S3_BUCKET } = process.env;
const RECORDS = Number(process.env.RECORDS ?? 10_000);
const INVOCATIONS = Number(process.env.INVOCATIONS ?? 3);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// test/helpers/s3-client.ts, not s3rver.ts: importing that module loads s3rver itself, whose
// memory would count in this process's RSS.
const s3 = MODE === 's3'
  ? s3ClientFor(S3_ENDPOINT ?? '')
  : ({ send: async () => ({}), destroy() {} } as unknown as S3Client);
const handler = createHandler({ s3, bucket: S3_BUCKET ?? 'bench-bucket', prefix: 'bench/' });

// 6 MB of base64 for 10,000 records, 100 objects per invocation (see kinesisBatchFactory).
const Records = kinesisBatchFactory(RECORDS) as KinesisStreamRecord[];
const payloadMb = mb(Records.reduce((sum, r) => sum + r.kinesis.data.length, 0));
// Drop the garbage of generating the batch (the Lambda runtime's own parse garbage is its own).
(globalThis as { gc?: () => void }).gc?.();
const rssWithBatchMb = mb(process.memoryUsage().rss);

// The handler logs one line per invocation; stdout's last line must be this child's result.
const print = console.log;
const logs: string[] = [];
console.log = (line: string) => logs.push(line);
const durationsMs: number[] = [];
let failures = 0;
for (let i = 0; i < INVOCATIONS; i++) {
  const t0 = performance.now();
  const result = await handler({ Records } as KinesisStreamEvent);
  durationsMs.push(performance.now() - t0);
  failures += result.batchItemFailures.length;
}
console.log = print;
s3.destroy();

const last = JSON.parse(logs.at(-1) ?? '{}') as { objectsWritten?: number };
print(JSON.stringify({
  mode: MODE,
  records: RECORDS,
  payloadMb,
  durationsMs,
  failures,
  objectsWritten: last.objectsWritten,
  rssWithBatchMb,
  peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
}));
