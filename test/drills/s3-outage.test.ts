/**
 * Drill: S3 goes down in the middle of a kinesis-to-s3 batch. App → Kinesis → kinesis-to-s3 → S3
 * (s3rver), the S3 client failing every PutObject from the third one of the first invocation until
 * that invocation returns (injected in the client's middleware, before the request is sent).
 * Policy: the handler returns a partial batch response naming every record of each failed object;
 * the poller (as Lambda does) re-reads the shard from the lowest one, and the retry stores
 * everything: 0 lost end to end. Records after the lowest failure that were already stored are
 * stored again in another object: duplicates, reported (at least once; de-duplicate on `id`).
 */
import test from 'ava';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { s3ClientFor } from '../helpers/s3rver.js';
import { appToStream, pipelineEnv, runLambda, storedIds } from './_pipeline.js';
import { reportDrill, tally } from './_report.js';

const env = pipelineEnv(test);

test('S3 outage mid-batch: partial batch response, the retry of the reported records stores everything; duplicates reported', async (t) => {
  const { ids } = await appToStream(env.kinesis, env.upstream.url, 's3-outage', { count: 400 });
  const outage = { on: false, armed: true, putsBefore: 0, refused: 0 };
  const client = s3ClientFor(env.s3.endpoint);
  client.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'PutObjectCommand') {
      if (outage.armed && ++outage.putsBefore > 2) outage.on = true;
      if (outage.on) {
        outage.refused++;
        throw Object.assign(new Error('connect ECONNREFUSED (drill: S3 outage)'), { name: 'Error', code: 'ECONNREFUSED' });
      }
    }
    return next(args);
  }, { step: 'initialize', name: 'drillS3Outage' });
  const responses: KinesisStreamBatchResponse[] = [];
  const run = await runLambda({
    kinesis: env.kinesis.client, streamName: 's3-outage', s3: client, prefix: 'audit/', batchSize: 150,
    wrap: (handler) => async (event, context) => {
      const response = await handler(event, context);
      responses.push(response);
      // The outage ends when the first invocation has returned.
      outage.armed = false;
      outage.on = false;
      return response;
    },
  });
  client.destroy();
  const r = tally(ids, await storedIds(env.s3.client, 'audit/'));
  const firstFailures = responses[0]!.batchItemFailures.length;
  reportDrill(t, {
    drill: 's3-outage', sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: 'failed objects are reported as batchItemFailures and re-read by the event source', duplicates: r.duplicates,
    extra: { putsRefused: outage.refused, batchItemFailures: firstFailures, recordsReRead: run.stats.retriedRecords, invocations: run.stats.invocations },
  });
  t.is(ids.length, 400);
  t.true(outage.refused > 0, 'the outage refused PUTs');
  t.true(firstFailures > 0, 'the first invocation returned a partial batch response');
  const seqs = responses[0]!.batchItemFailures.map((f) => BigInt(f.itemIdentifier));
  t.deepEqual(seqs, [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'lowest first');
  t.true(run.stats.retriedRecords >= firstFailures, 'the reported records were re-read');
  t.true(responses.slice(1).every((res) => res.batchItemFailures.length === 0), 'the retry succeeded');
  t.is(r.lost, 0, '0 lost end to end');
  t.is(r.stored + r.lost, ids.length);
  t.true(r.duplicates <= run.stats.retriedRecords, 'duplicates only from re-read records (at least once)');
});
