/**
 * End to end: the kinesis-to-s3 handler writes to s3rver (in-process, 127.0.0.1:0); s3rver
 * emits an S3-shaped notification for each object created; those notifications are fed as they
 * are to the partition loader, with Athena via aws-sdk-client-mock. s3rver does not URL-encode
 * keys the way S3 does; the layout's keys read the same either way, and the loader's decoding
 * is covered in partition-loader.test.ts.
 */
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import test from 'ava';
import type { KinesisStreamEvent, KinesisStreamRecord, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeAccountId } from '../../core/schema.js';
import { createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { createHandler as createPartitionLoader } from '../../lambdas/partition-loader/index.js';
import { auditEventFactory, kinesisRecordFactory } from '../helpers/factories.js';
import { startS3rver } from '../helpers/s3rver.js';

test('objects written by kinesis-to-s3 announce their partitions to the loader via s3rver events (Athena via aws-sdk-client-mock)', async (t) => {
  const s3 = await startS3rver(['audit-bucket']);
  const original = console.log;
  const logs: string[] = [];
  console.log = (line: string) => logs.push(line);
  try {
    const writer = createKinesisToS3({ s3: s3.client, bucket: 'audit-bucket', prefix: 'audit/' });
    const events = [
      auditEventFactory({ account_id: 'acme', time: '2026-04-01T08:00:00.000Z' }),
      auditEventFactory({ account_id: 'acme', time: '2026-04-02T08:00:00.000Z' }),
      auditEventFactory({ account_id: "o'brien/..", time: '2026-04-01T09:00:00.000Z' }),
      auditEventFactory({ account_id: null, time: '2026-04-01T10:00:00.000Z' }),
    ];
    const records = [...events.map((e) => JSON.stringify(e)), 'not json'].map((data) => kinesisRecordFactory({ data }) as KinesisStreamRecord);
    t.deepEqual(await writer({ Records: records } as KinesisStreamEvent), { batchItemFailures: [] });
    const created = s3.events.flatMap((e) => e.Records).filter((r) => r.eventName.startsWith('ObjectCreated'));
    t.is(created.filter((r) => !r.s3.object.key.startsWith('integrity/')).length, 5, 'four data objects and one errors object');
    // Their manifests (tamper evidence) are notified too; the loader must leave them out.
    t.is(created.filter((r) => r.s3.object.key.startsWith('integrity/manifests/')).length, 4);

    const athena = new AthenaClient({ region: 'us-east-1' });
    const mock = mockClient(athena);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const loader = createPartitionLoader({
      athena, database: 'audit_db', table: 'http_audit', workgroup: 'audit', prefix: 'audit/', timing: { initialDelayMs: 1 },
    });
    await loader({ Records: created } as S3Event);
    await loader({ Records: created } as S3Event);

    const sql = mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);
    t.is(sql.length, 1, 'the second delivery of the same notifications is a cache hit');
    const partitions = [...sql[0]!.matchAll(/PARTITION \(account_id = '([^']+)', dt = '([^']+)'\) LOCATION '([^']+)'/g)].map((m) => [m[1], m[2], m[3]]);
    const expected = [
      ['acme', '2026-04-01'], ['acme', '2026-04-02'], [encodeAccountId("o'brien/.."), '2026-04-01'], ['_none', '2026-04-01'],
    ].map(([a, dt]) => [a, dt, `s3://audit-bucket/audit/account_id=${a}/dt=${dt}/`]);
    t.deepEqual(partitions.sort(), expected.sort());
    const loaderLog = JSON.parse(logs.at(-2)!) as Record<string, number>;
    t.like(loaderLog, { lambda: 'partition-loader', records: 9, ignored: 5, partitions: 4, added: 4 } as Record<string, unknown>); // 4 data objects, 1 errors object, 4 manifests: the errors object and the manifests ignored
  } finally {
    console.log = original;
    await s3.stop();
  }
});
