/**
 * Firehose sink against aws-sdk-client-mock (no Firehose stand-in exists on npm or in Debian):
 * newline-delimited records, PutRecordBatch within 500 records / 4 MiB / 1,000 KiB per record,
 * FailedPutCount + RequestResponses[i].ErrorCode resent entry by entry, whole-call failures retried.
 */
import test from 'ava';
import { mockClient } from 'aws-sdk-client-mock';
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { auditLog, validateAuditEvent, type AuditLog } from '../../index.js';
import { firehoseSink } from '../../sinks/firehose.js';
import { auditEventFactory } from '../helpers/factories.js';
import { publishEvent } from '../helpers/bus.js';

const MiB = 1024 * 1024;

function mockedFirehose() {
  const client = new FirehoseClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const calls: Array<{ records: number; bytes: number }> = [];
  const delivered = new Map<string, number>();
  const accept = (input: PutRecordBatchCommandInput, fail: (i: number) => string | null) => {
    const records = input.Records ?? [];
    calls.push({ records: records.length, bytes: records.reduce((n, r) => n + r.Data!.byteLength, 0) });
    let failed = 0;
    const responses = records.map((r, i) => {
      const code = fail(i);
      if (code !== null) {
        failed++;
        return { ErrorCode: code, ErrorMessage: 'try again' };
      }
      const text = Buffer.from(r.Data!).toString('utf8');
      if (!text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) throw new Error('record is not one newline-terminated line');
      const id = validateAuditEvent(JSON.parse(text)).id;
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
      return { RecordId: `r-${calls.length}-${i}` };
    });
    return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
  };
  return { client, mock, calls, delivered, accept };
}

function emit(audit: AuditLog, n: number, bodyBytes: (i: number) => number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = auditEventFactory({ response_body: 'b'.repeat(bodyBytes(i)) });
    ids.push(e.id);
    publishEvent(audit, e);
  }
  return ids;
}

test('firehose (aws-sdk-client-mock): newline-delimited records in calls of ≤ 500 records and ≤ 4 MiB; big events cut to ≤ 1,000 KiB', async (t) => {
  const f = mockedFirehose();
  f.mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => f.accept(input, () => null));
  const audit = auditLog({ sink: 'firehose', firehose: { deliveryStreamName: 'audit', client: f.client }, handleSignals: false, delivery: { lingerMs: 5, maxBufferBytes: 128 * MiB } });
  // Small events (the 500-record limit binds), ~30 KB events (the 4 MiB limit binds), a few 3 MB ones.
  const ids = emit(audit, 3_000, (i) => (i % 500 === 7 ? 3 * MiB : i >= 1_500 ? 30_000 : 100));
  await audit.close();
  t.is(f.delivered.size, 3_000);
  t.true(ids.every((id) => f.delivered.get(id) === 1));
  t.true(f.calls.every((c) => c.records <= 500 && c.bytes <= 4 * MiB), JSON.stringify(f.calls.filter((c) => c.records > 500 || c.bytes > 4 * MiB)));
  t.true(f.calls.some((c) => c.records === 500), 'the record limit was reached');
  t.true(f.calls.some((c) => c.bytes > 3.5 * MiB), 'the byte limit was approached');
  t.true(f.mock.commandCalls(PutRecordBatchCommand).every((c) => c.args[0].input.Records!.every((r) => r.Data!.byteLength <= 1000 * 1024)));
  t.is(f.mock.commandCalls(PutRecordBatchCommand)[0]!.args[0].input.DeliveryStreamName, 'audit');
});

test('firehose (aws-sdk-client-mock): FailedPutCount → only the failed entries are resent; whole-call failures retried; nothing lost', async (t) => {
  const f = mockedFirehose();
  let n = 0;
  let x = 7;
  f.mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
    if (++n <= 2) throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailableException' });
    return f.accept(input, () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % 10 < 3 ? 'ServiceUnavailableException' : null));
  });
  const errors: unknown[] = [];
  const audit = auditLog({
    sink: firehoseSink({ deliveryStreamName: 'audit', client: f.client }), handleSignals: false, onError: (e) => errors.push(e),
    delivery: { lingerMs: 5, retryBaseDelayMs: 5, retryMaxDelayMs: 50, maxAttempts: 40 },
  });
  const ids = emit(audit, 2_000, () => 200);
  await audit.close();
  const stats = audit.stats();
  t.true(ids.every((id) => f.delivered.get(id) === 1), 'each event delivered exactly once');
  t.is(stats.sent, 2_000);
  t.is(stats.failed + stats.dropped, 0);
  const resentEntries = f.calls.reduce((s, c) => s + c.records, 0) - 2_000;
  t.true(resentEntries > 400);
  t.true(stats.retried >= resentEntries, 'the two failed calls were retried whole, the failed entries one by one');
  t.is(errors.length, 2, 'whole-call failures are reported through onError');
});

test('firehose (aws-sdk-client-mock): entries still failing after the retry budget go to onDrop and are counted as failed', async (t) => {
  const f = mockedFirehose();
  f.mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => f.accept(input, (i) => (i % 2 === 0 ? 'InternalFailure' : null)));
  const dropped: string[] = [];
  const audit = auditLog({
    sink: firehoseSink({ deliveryStreamName: 'audit', client: f.client }), handleSignals: false,
    onDrop: (events, reason) => {
      t.regex(reason, /InternalFailure.*gave up after 3 attempts/);
      dropped.push(...events.map((e) => e.id));
    },
    delivery: { lingerMs: 5, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxAttempts: 3 },
  });
  const ids = emit(audit, 100, () => 10);
  await audit.close();
  const stats = audit.stats();
  t.is(stats.sent + stats.failed, 100);
  t.is(stats.failed, dropped.length);
  t.true(dropped.length > 0);
  t.deepEqual([...f.delivered.keys(), ...dropped].sort(), [...ids].sort());
});
