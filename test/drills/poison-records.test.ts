/**
 * Drill: poison records in the stream, between real events. App → Kinesis (+ records put
 * directly: not JSON, not UTF-8, not a schema-v1 event, a corrupt KPL aggregate) → kinesis-to-s3
 * → S3. Policy: every valid event is stored; each poison record lands under the `-errors/`
 * sibling prefix with a reason and its raw data; none is reported in batchItemFailures (it would
 * block the shard), so nothing is re-read.
 */
import test from 'ava';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { auditEventFactory, kplAggregatedRecordFactory } from '../helpers/factories.js';
import { drive } from '../sinks/_support.js';
import { appToStream, pipelineEnv, runLambda, storedIds, storedLines } from './_pipeline.js';
import { reportDrill, tally } from './_report.js';

const env = pipelineEnv(test);

async function poison(): Promise<Array<{ data: Buffer; reason: RegExp }>> {
  const kpl = await kplAggregatedRecordFactory([JSON.stringify(auditEventFactory())]);
  const corrupt = Buffer.from(kpl.kinesis.data, 'base64');
  corrupt[corrupt.length - 1]! ^= 0xff;
  return [
    { data: Buffer.from('{"id": oops'), reason: /not JSON/ },
    { data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: /UTF-8/ },
    { data: Buffer.from(JSON.stringify({ ...auditEventFactory(), status: '200' })), reason: /schema v1.*"status"/ },
    { data: Buffer.from('[1,2,3]'), reason: /schema v1/ },
    { data: corrupt, reason: /KPL aggregated record could not be decoded/ },
  ];
}

test('poison records: valid events stored, poison ones in the errors prefix with reasons, no batchItemFailures', async (t) => {
  const bad = await poison();
  const { ids } = await appToStream(env.kinesis, env.upstream.url, 'poison', {
    load: async (url) => {
      await drive(url, 150, 20, 6);
      await env.kinesis.client.send(new PutRecordsCommand({ StreamName: 'poison', Records: bad.map((p, i) => ({ Data: p.data, PartitionKey: `poison-${i}` })) }));
      await drive(url, 150, 20, 6);
    },
  });
  const run = await runLambda({ kinesis: env.kinesis.client, streamName: 'poison', s3: env.s3.client, prefix: 'audit/', batchSize: 100 });
  const r = tally(ids, await storedIds(env.s3.client, 'audit/'));
  const rejected = (await storedLines(env.s3.client, 'audit-errors/')) as Array<{ reason: string; data: string; sequenceNumber: string }>;
  const failures = run.invocations.flatMap((i) => i.response.batchItemFailures);
  reportDrill(t, {
    drill: 'poison-records', sent: ids.length, stored: r.stored, lost: r.lost, allowed: 0,
    why: `valid events are never held back by poison; ${bad.length} poison records quarantined, not counted as events`, duplicates: r.duplicates,
    extra: { poisonPut: bad.length, poisonInErrorsPrefix: rejected.length, batchItemFailures: failures.length, recordsReRead: run.stats.retriedRecords },
  });
  t.is(ids.length, 300);
  t.is(r.lost, 0);
  t.is(r.duplicates, 0);
  t.deepEqual(failures, [], 'no batchItemFailures for poison records');
  t.is(run.stats.retriedRecords, 0, 'nothing re-read');
  t.is(rejected.length, bad.length);
  for (const p of bad) {
    const found = rejected.find((x) => x.data === p.data.toString('base64'));
    t.truthy(found, `poison record ${p.reason} is in the errors prefix with its raw data`);
    t.regex(found!.reason, p.reason);
  }
});
