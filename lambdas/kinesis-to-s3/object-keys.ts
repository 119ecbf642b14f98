/**
 * Object names. A name is derived only from the records it holds — shard id, then the first and
 * last (sequence number, sub-sequence number) of the group — so running the same batch again
 * overwrites the same objects with the same bytes instead of adding duplicates. Kinesis batches
 * are contiguous ranges of a shard, so two batches that agree on a group's first and last record
 * hold the same records in between.
 */
import { partitionPath } from '../../core/schema.js';
import type { EventGroup, MalformedRecord, RecordPosition } from './decode-records.js';

export const OBJECT_SUFFIX = '.json.gz';

/** Longest sequence number Kinesis hands out is 56 digits today; 128 leaves room. */
const MAX_SEQUENCE_DIGITS = 128;
/** Upper bound of an object name's length: shard id (≤128) + two positions + separators + suffix. */
export const MAX_OBJECT_NAME_BYTES = 128 + 2 * (MAX_SEQUENCE_DIGITS + 1 + 10) + 2 + OBJECT_SUFFIX.length;

function positionLabel(position: RecordPosition): string {
  return `${position.sequenceNumber}.${position.subSequenceNumber}`;
}

function rangeName(shardId: string, first: RecordPosition, last: RecordPosition): string {
  return `${shardId}_${positionLabel(first)}_${positionLabel(last)}${OBJECT_SUFFIX}`;
}

/** `<prefix>account_id=<id>/dt=<date>/<shard>_<firstSeq>.<sub>_<lastSeq>.<sub>.json.gz` */
export function groupObjectKey(prefix: string, group: EventGroup): string {
  return `${prefix}${partitionPath(group.partition)}${rangeName(group.shardId, group.first, group.last)}`;
}

/**
 * `<errorPrefix>dt=<arrival date>/<shard>_<first>_<last>.json.gz` for one shard's malformed
 * records. The date is the first record's arrival date (records have no trustworthy event time),
 * which keeps the name stable across retries.
 */
export function malformedObjectKey(errorPrefix: string, records: readonly MalformedRecord[]): string {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new RangeError('malformedObjectKey needs at least one record');
  const arrival = new Date(first.approximateArrivalTimestamp * 1000);
  const dt = Number.isNaN(arrival.getTime()) ? 'unknown' : arrival.toISOString().slice(0, 10);
  return `${errorPrefix}dt=${dt}/${rangeName(first.shardId, first, last)}`;
}
