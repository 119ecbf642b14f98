/**
 * At-least-once delivery, on purpose: re-puts every Nth record already in the stream, as the
 * Kinesis sink does when a PutRecords succeeded but its answer was lost (a 3-second outage drill
 * left 100 of 2,500 events twice in the stream). The copies carry the same event ids, so the
 * view must count each once and the compactor must drop them.
 */
import {
  DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, PutRecordsCommand, type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';

/** One record in this many is sent twice: 4 %, the outage drill's rate. */
export const DUPLICATE_EVERY = 25;
const PUT_BATCH = 500;

async function shardRecords(client: KinesisClient, streamName: string, shardId: string): Promise<KinesisRecord[]> {
  let { ShardIterator: iterator } = await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const records: KinesisRecord[] = [];
  while (iterator !== undefined) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    records.push(...(page.Records ?? []));
    if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
    iterator = page.NextShardIterator;
  }
  return records;
}

/** Puts every DUPLICATE_EVERY-th record of the stream again; returns how many were put. Throws if Kinesis refused any. */
export async function injectDuplicates(client: KinesisClient, streamName: string): Promise<number> {
  const shards = (await client.send(new DescribeStreamCommand({ StreamName: streamName }))).StreamDescription?.Shards ?? [];
  const all = (await Promise.all(shards.map((s) => shardRecords(client, streamName, s.ShardId as string)))).flat();
  const again = all.filter((_, i) => i % DUPLICATE_EVERY === 0);
  for (let start = 0; start < again.length; start += PUT_BATCH) {
    const batch = again.slice(start, start + PUT_BATCH);
    const answer = await client.send(new PutRecordsCommand({
      StreamName: streamName,
      Records: batch.map((r) => ({ Data: r.Data, PartitionKey: r.PartitionKey })),
    }));
    if ((answer.FailedRecordCount ?? 0) > 0) throw new Error(`kinesalite refused ${answer.FailedRecordCount} of ${batch.length} duplicate records`);
  }
  return again.length;
}
