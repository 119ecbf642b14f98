/**
 * Kinesis sink against kinesalite (in-process): 10,000 events from a real Express app arrive,
 * each exactly once, in PutRecords calls within the service limits; partition keys are the
 * account ids; KPL aggregation round-trips through aws-kinesis-agg's deaggregateSync.
 */
import test from 'ava';
import { createRequire } from 'node:module';
import { auditLog } from '../../index.js';
import { kinesisSink, safePartitionKey } from '../../sinks/kinesis.js';
import { kinesisClientFor } from '../helpers/kinesalite.js';
import { auditEventFactory } from '../helpers/factories.js';
import { collectIds, drive, identifyByHeader, idCounts, kinesaliteAndUpstream, meterPutRecords, underLoad } from './_support.js';
import { publishEvent } from '../helpers/bus.js';

const require = createRequire(import.meta.url);
const { deaggregateSync } = require('aws-kinesis-agg') as {
  deaggregateSync(record: unknown, computeChecksums: boolean, cb: (err: Error | null, records?: Array<{ partitionKey: string; data: string }>) => void): void;
};

const MiB = 1024 * 1024;
const env = kinesaliteAndUpstream(test);

test.serial('10,000 events from an Express app reach the stream exactly once, every PutRecords within 500 records / 5 MiB', async (t) => {
  // ~25 s alone; app, upstream, load driver and kinesalite share one thread, so allow for a busy machine.
  t.timeout(180_000);
  await env.kinesis.createStream('audit-10k', 4);
  const client = kinesisClientFor(env.kinesis.endpoint);
  const calls = meterPutRecords(client);
  const audit = auditLog({
    sink: 'kinesis', kinesis: { streamName: 'audit-10k', client },
    identify: identifyByHeader, recordOutsideRequests: false, handleSignals: false,
    delivery: { lingerMs: 50 },
  });
  const ids = collectIds(audit);
  await underLoad(audit, env.upstream.url, (url) => drive(url, 10_000, 50));
  const records = await env.kinesis.readAll('audit-10k');
  const counts = idCounts(records.map((r) => r.Data!));
  t.is(ids.length, 10_000);
  t.is(records.length, 10_000);
  t.true(ids.every((id) => counts.get(id) === 1), 'each emitted id exactly once');
  t.deepEqual(audit.stats(), { queued: 0, sent: 10_000, retried: 0, dropped: 0, failed: 0, spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
  t.true(calls.length >= 20);
  t.true(calls.every((c) => c.records <= 500 && c.bytes <= 5 * MiB), JSON.stringify(calls.slice(0, 5)));
  t.is(calls.reduce((n, c) => n + c.records, 0), 10_000);
  // Partition key = account id.
  const byKey = new Map(records.map((r) => [JSON.parse(Buffer.from(r.Data!).toString()).account_id as string, r.PartitionKey]));
  for (const [account, key] of byKey) t.is(key, account);
  t.log(`${calls.length} PutRecords calls, max ${Math.max(...calls.map((c) => c.records))} records / ${Math.max(...calls.map((c) => c.bytes))} bytes per call`);
});

test.serial('big events are shrunk to fit 1 MiB with the partition key; batches of big events stay under 5 MiB', async (t) => {
  await env.kinesis.createStream('audit-big', 1);
  const client = kinesisClientFor(env.kinesis.endpoint);
  const calls = meterPutRecords(client);
  const audit = auditLog({ sink: kinesisSink({ streamName: 'audit-big', client }), handleSignals: false, delivery: { lingerMs: 10 } });
  const longKey = 'k'.repeat(256);
  for (let i = 0; i < 12; i++) {
    publishEvent(audit, auditEventFactory({ account_id: longKey, response_body: 'x'.repeat(2 * MiB), request_body: 'y'.repeat(600 * 1024) }));
  }
  await audit.close();
  const records = await env.kinesis.readAll('audit-big');
  t.is(records.length, 12);
  for (const r of records) {
    t.true(r.Data!.byteLength + Buffer.byteLength(r.PartitionKey!) <= MiB);
    const e = JSON.parse(Buffer.from(r.Data!).toString());
    t.true(e.response_body_truncated);
  }
  t.true(calls.every((c) => c.records <= 500 && c.bytes <= 5 * MiB));
  t.true(calls.length >= 3, 'twelve ~1 MiB records need at least three calls');
});

test('partition keys: account id, MD5 for keys over 256 characters or non-ASCII, random without an account', (t) => {
  t.is(safePartitionKey('acme'), 'acme');
  t.is(safePartitionKey('k'.repeat(257)).length, 32);
  t.regex(safePartitionKey('ünïcode'), /^[0-9a-f]{32}$/);
});

test.serial('aggregate: true packs events KPL-style; every record ≤ 1 MiB and deaggregateSync recovers each event and its partition key', async (t) => {
  await env.kinesis.createStream('audit-agg', 2);
  const client = kinesisClientFor(env.kinesis.endpoint);
  const calls = meterPutRecords(client);
  const sink = kinesisSink({ streamName: 'audit-agg', client, aggregate: true });
  const audit = auditLog({ sink, handleSignals: false, delivery: { lingerMs: 20 } });
  const sent = new Map<string, string>();
  for (let i = 0; i < 5_000; i++) {
    const e = auditEventFactory({ account_id: `acct-${i % 13}`, response_body: 'r'.repeat(i % 50 === 0 ? 200_000 : 400) });
    sent.set(e.id, e.account_id!);
    publishEvent(audit, e);
  }
  await audit.close();
  t.deepEqual(audit.stats(), { queued: 0, sent: 5_000, retried: 0, dropped: 0, failed: 0, spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
  const records = await env.kinesis.readAll('audit-agg');
  t.true(records.length < 100, `${records.length} Kinesis records for 5,000 events`);
  const seen = new Map<string, number>();
  for (const r of records) {
    t.true(r.Data!.byteLength + Buffer.byteLength(r.PartitionKey!) <= MiB);
    // The shape Lambda hands a Kinesis-triggered function as event.Records[i].env.kinesis.
    const payload = { data: Buffer.from(r.Data!).toString('base64'), partitionKey: r.PartitionKey, sequenceNumber: r.SequenceNumber, approximateArrivalTimestamp: 0 };
    deaggregateSync(payload, true, (err, users) => {
      t.falsy(err);
      for (const u of users!) {
        const e = JSON.parse(Buffer.from(u.data, 'base64').toString('utf8'));
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        t.is(u.partitionKey, sent.get(e.id) as string);
      }
    });
  }
  t.is(seen.size, 5_000);
  t.true([...seen.values()].every((n) => n === 1));
  t.true(calls.every((c) => c.records <= 500 && c.bytes <= 5 * MiB));
  t.log(`${calls.length} PutRecords calls, ${records.length} aggregated records for 5,000 events`);
});
