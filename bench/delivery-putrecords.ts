/**
 * PutRecords calls and bytes per 10,000 events, without and with KPL aggregation, against
 * kinesalite (in-process), counted by client middleware on the wire input.
 *
 *   node --import=tsx bench/delivery-putrecords.ts [--events 10000]
 */
import { resolveCoreOptions } from '../core/index.js';
import { AuditInstance } from '../instance.js';
import { kinesisSink } from '../sinks/kinesis.js';
import { kinesisClientFor, startKinesalite } from '../test/helpers/kinesalite.js';
import { meterPutRecords } from '../test/sinks/_support.js';
import { benchEvent, flag, printResult } from './delivery-common.js';

const total = flag('events', 10_000);
const kinesis = await startKinesalite();

async function run(aggregate: boolean) {
  const stream = aggregate ? 'bench-agg' : 'bench-plain';
  await kinesis.createStream(stream, 4);
  const client = kinesisClientFor(kinesis.endpoint);
  const calls = meterPutRecords(client);
  const sink = kinesisSink({ streamName: stream, client, aggregate });
  const pipeline = new AuditInstance(resolveCoreOptions({ onError: (e) => console.error(e), delivery: { maxBufferEvents: total } }), sink);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) pipeline.bus.emit('event', benchEvent(i));
  await pipeline.close();
  const ms = performance.now() - t0;
  const stats = pipeline.stats();
  if (stats.sent !== total) throw new Error(`lost events: ${JSON.stringify(stats)}`);
  const records = await kinesis.readAll(stream);
  const wireBytes = calls.reduce((n, c) => n + c.bytes, 0);
  return {
    putRecordsCalls: calls.length,
    kinesisRecords: calls.reduce((n, c) => n + c.records, 0),
    recordsInStream: records.length,
    wireBytes,
    maxRecordsPerCall: Math.max(...calls.map((c) => c.records)),
    maxBytesPerCall: Math.max(...calls.map((c) => c.bytes)),
    ms: Math.round(ms),
  };
}

const plain = await run(false);
const aggregated = await run(true);
await kinesis.stop();
printResult('delivery-putrecords', {
  events: total,
  plain,
  aggregated,
  callsRatio: Number((aggregated.putRecordsCalls / plain.putRecordsCalls).toFixed(3)),
  kinesisRecordsRatio: Number((aggregated.kinesisRecords / plain.kinesisRecords).toFixed(4)),
  bytesRatio: Number((aggregated.wireBytes / plain.wireBytes).toFixed(3)),
});
