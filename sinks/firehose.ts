/**
 * Amazon Data Firehose sink: PutRecordBatch of ≤ 500 records and ≤ 4 MiB, each record one
 * event plus '\n' (newline-delimited JSON, what Athena's JSON SerDes read), ≤ 1,000 KiB each.
 * Failed entries (FailedPutCount, RequestResponses[i].ErrorCode) are reported back so the
 * dispatcher resends only those.
 *
 *   import { firehoseSink } from 'http-audit-log/sinks/firehose';
 *   auditLog({ sink: firehoseSink({ deliveryStreamName: 'audit' }) });
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { Sink, SinkRecord, SinkWriteContext } from '../core/index.js';
import { FIREHOSE_LIMITS, resolveFirehoseOptions, type FirehoseSinkOptions } from './config.js';
import { cutIntoCalls, outcomesOf, sendCalls, type WireEntry } from './aws-batch.js';

export type { FirehoseSinkOptions } from './config.js';

interface FirehoseEntry extends WireEntry {
  readonly data: Buffer;
}

export interface FirehoseSink extends Sink {
  readonly deliveryStreamName: string;
}

export function firehoseSink(options: FirehoseSinkOptions = {}): FirehoseSink {
  const o = resolveFirehoseOptions(options);
  const ownClient = o.client === undefined;
  const client = o.client ?? new FirehoseClient({});
  return {
    name: 'firehose',
    deliveryStreamName: o.deliveryStreamName,
    limits: FIREHOSE_LIMITS,
    write(records: readonly SinkRecord[], context?: SinkWriteContext) {
      const entries: FirehoseEntry[] = records.map((r, i) => ({ data: Buffer.from(`${r.json}\n`, 'utf8'), bytes: r.bytes + 1, members: [i] }));
      const calls = cutIntoCalls(entries, FIREHOSE_LIMITS.maxBatchRecords, FIREHOSE_LIMITS.maxBatchBytes);
      return sendCalls(calls, async (call) => {
        const out = await client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: o.deliveryStreamName, Records: call.map((e) => ({ Data: e.data })) }),
          { abortSignal: context?.signal },
        );
        return outcomesOf(call.length, out.FailedPutCount, out.RequestResponses);
      });
    },
    close() {
      if (ownClient) client.destroy();
    },
  };
}
