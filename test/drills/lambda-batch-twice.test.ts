/**
 * Drill: Lambda delivers a Kinesis batch twice (at-least-once event source). App → Kinesis →
 * kinesis-to-s3 → S3, then every batch the handler saw is delivered again. Policy: object names
 * depend only on the records they hold and gzip is deterministic, so the second delivery rewrites
 * the same objects with the same bytes: same object set, same contents, no duplicate id in S3.
 */
import test from 'ava';
import { appToStream, BUCKET, pipelineEnv, quietly, runLambda, snapshot, storedIds } from './_pipeline.js';
import { reportDrill, tally } from './_report.js';
import { createHandler } from '../../lambdas/kinesis-to-s3/index.js';

const env = pipelineEnv(test);

test('a Lambda batch delivered twice: same S3 object set and bytes, no duplicate ids in S3', async (t) => {
  const { ids } = await appToStream(env.kinesis, env.upstream.url, 'twice', { count: 400, shards: 2 });
  const prefix = 'twice/';
  const first = await runLambda({ kinesis: env.kinesis.client, streamName: 'twice', s3: env.s3.client, prefix, batchSize: 100 });
  const before = await snapshot(env.s3.client, prefix);
  // The redelivery: every batch again, to a fresh handler (another container), in the same order.
  const again = createHandler({ s3: env.s3.client, bucket: BUCKET, prefix });
  const { value: responses } = await quietly(async () => {
    const out = [];
    for (const { event } of first.invocations) out.push(await again(event));
    return out;
  });
  const after = await snapshot(env.s3.client, prefix);
  const r = tally(ids, await storedIds(env.s3.client, prefix));
  reportDrill(t, {
    drill: 'lambda-batch-twice', sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'a redelivered batch rewrites the same keys with the same bytes', duplicates: r.duplicates,
    extra: { batches: first.invocations.length, deliveredTwice: first.invocations.length, objects: after.size },
  });
  t.is(ids.length, 400);
  t.true(first.invocations.length >= 4, 'several batches');
  t.true(responses.every((res) => res.batchItemFailures.length === 0));
  t.deepEqual([...after.keys()], [...before.keys()], 'same object set');
  for (const [key, bytes] of before) t.true(after.get(key)!.equals(bytes), `${key}: same bytes`);
  t.is(r.lost, 0);
  t.is(r.duplicates, 0, 'no duplicate ids in S3');
});
