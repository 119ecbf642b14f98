/**
 * Turns the records of one Kinesis invocation into validated schema-v1 events grouped by
 * (shard, account, date), and sets aside every record that cannot be stored as an event
 * (bad base64, bad KPL aggregate, invalid UTF-8, not JSON, not a v1 event) with the reason.
 * A malformed record is never an invocation failure: retrying it would block the shard.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { deaggregateSync as DeaggregateSync, UserRecord } from 'aws-kinesis-agg';
import { MissingLambdaDependencyError } from '../errors.js';
import { partitionOf, partitionPath, validateAuditEvent, type PartitionValues } from '../../core/schema.js';

/** Where one event (or sub-record of a KPL aggregate) sits in its shard. */
export interface RecordPosition {
  shardId: string;
  sequenceNumber: string;
  /** Index inside a KPL aggregate; 0 for a plain record. Sub-records share the sequence number. */
  subSequenceNumber: number;
}

/** The events of one partition from one shard: written as one object. */
export interface EventGroup {
  shardId: string;
  partition: PartitionValues;
  /** Each event re-serialized as one JSON line (no trailing newline), in shard order. */
  lines: string[];
  /** The event id of each line, in the same order: the object's manifest hashes them. */
  ids: string[];
  first: RecordPosition;
  last: RecordPosition;
  /** Every Kinesis sequence number that contributed, for the partial batch response. */
  sequenceNumbers: Set<string>;
}

export interface MalformedRecord extends RecordPosition {
  reason: string;
  /** The record's data as it arrived (base64) or, for a bad sub-record, the sub-record's data. */
  data: string;
  approximateArrivalTimestamp: number;
}

export interface DecodedBatch {
  groups: EventGroup[];
  malformed: MalformedRecord[];
  events: number;
}

const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const SAFE_SHARD_ID = /^[A-Za-z0-9_-]{1,128}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `shardId-000000000003:4959…` → `shardId-000000000003` (kept only if safe for a key). */
export function shardIdOf(record: Pick<KinesisStreamRecord, 'eventID'>): string {
  const shardId = record.eventID?.split(':')[0] ?? '';
  return SAFE_SHARD_ID.test(shardId) ? shardId : 'unknown-shard';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type Deaggregator = typeof DeaggregateSync;

let loadedDeaggregator: Deaggregator | undefined;

/**
 * aws-kinesis-agg, loaded on the first batch that holds a KPL aggregate: most streams never carry
 * one (only `kinesis.aggregate: true` makes them), so importing this module must not need the
 * package. The deployed zip bundles it. Missing, it fails the batch (Lambda retries it, nothing is
 * lost) with an error that names the package, instead of storing aggregates as malformed.
 */
export async function loadDeaggregator(): Promise<Deaggregator> {
  if (loadedDeaggregator) return loadedDeaggregator;
  try {
    const agg = (await import('aws-kinesis-agg')) as { deaggregateSync?: Deaggregator; default?: { deaggregateSync: Deaggregator } };
    loadedDeaggregator = agg.deaggregateSync ?? agg.default?.deaggregateSync;
  } catch (error) {
    if (/Cannot find (package|module) 'aws-kinesis-agg'/.test((error as Error).message)) throw new MissingLambdaDependencyError('aws-kinesis-agg', 'decoding KPL-aggregated Kinesis records');
    throw error;
  }
  if (!loadedDeaggregator) throw new Error('aws-kinesis-agg has no deaggregateSync export');
  return loadedDeaggregator;
}

const isAggregate = (bytes: Buffer) => bytes.length >= KPL_MAGIC.length && bytes.subarray(0, KPL_MAGIC.length).equals(KPL_MAGIC);

/** True when some record's data starts with the KPL magic: then loadDeaggregator() is needed first. */
export function holdsAggregates(records: readonly KinesisStreamRecord[]): boolean {
  // The magic is 4 bytes: the first 8 base64 characters (6 bytes) hold it whole.
  return records.some((r) => typeof r.kinesis.data === 'string' && isAggregate(Buffer.from(r.kinesis.data.slice(0, 8), 'base64')));
}

/** The sub-records of a KPL aggregate; throws when the aggregate is corrupt (bad protobuf or MD5). */
function deaggregate(record: KinesisStreamRecord, deaggregateSync: Deaggregator): UserRecord[] {
  let failure: unknown;
  let userRecords: UserRecord[] = [];
  // The callback runs synchronously, possibly more than once (once per bad sub-record, then at
  // the end): any error marks the whole aggregate as malformed.
  deaggregateSync(record.kinesis, true, (error, records) => {
    if (error) failure ??= error;
    else userRecords = records ?? [];
  });
  if (failure !== undefined) throw new Error(`KPL aggregated record could not be decoded: ${errorMessage(failure)}`);
  return userRecords;
}

/** Parses and validates one payload; returns the event's partition and its JSON line, or the reason it is malformed. */
function parseEvent(bytes: Buffer): { partition: PartitionValues; line: string; id: string } | { reason: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'data is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `data is not JSON: ${errorMessage(error)}` };
  }
  try {
    const event = validateAuditEvent(value);
    // The text as it came when it is already one line (what the sinks send): no second copy.
    // Re-serialized only when a pretty-printed input must become exactly one NDJSON line.
    return { partition: partitionOf(event), id: event.id, line: text.includes('\n') || text.includes('\r') ? JSON.stringify(event) : text };
  } catch (error) {
    return { reason: `not a schema v1 audit event: ${errorMessage(error)}` };
  }
}

export interface DecodeOptions {
  /** Data prefix; used to check that the resulting S3 key stays within S3's 1,024-byte limit. */
  prefix: string;
  /** Bytes a key may spend below `<prefix><partition path>` on the object name. */
  objectNameBytes: number;
  /** From loadDeaggregator(); needed when holdsAggregates(records). */
  deaggregator?: Deaggregator;
}

const MAX_S3_KEY_BYTES = 1024;

export function decodeKinesisRecords(records: readonly KinesisStreamRecord[], options: DecodeOptions): DecodedBatch {
  const groups = new Map<string, EventGroup>();
  const malformed: MalformedRecord[] = [];
  let events = 0;

  for (const record of records) {
    const shardId = shardIdOf(record);
    const { sequenceNumber, data, approximateArrivalTimestamp } = record.kinesis;
    const markMalformed = (subSequenceNumber: number, reason: string, rawData: string) =>
      malformed.push({ shardId, sequenceNumber, subSequenceNumber, reason, data: rawData, approximateArrivalTimestamp });

    const bytes = Buffer.from(typeof data === 'string' ? data : '', 'base64');
    // Node's decoder skips characters it does not know; only a round trip proves the data was
    // (canonical) base64. Kinesis always sends canonical base64. Much faster than a regex on 1 MB.
    if (typeof data !== 'string' || bytes.toString('base64') !== data) {
      markMalformed(0, 'data is not valid base64', typeof data === 'string' ? data : '');
      continue;
    }
    let payloads: Array<{ subSequenceNumber: number; bytes: Buffer; raw: string }>;
    if (isAggregate(bytes)) {
      if (!options.deaggregator) throw new Error('decodeKinesisRecords: a KPL aggregate needs options.deaggregator (loadDeaggregator())');
      try {
        payloads = deaggregate(record, options.deaggregator).map((user, index) => ({
          subSequenceNumber: user.subSequenceNumber ?? index,
          bytes: Buffer.from(user.data, 'base64'),
          raw: user.data,
        }));
      } catch (error) {
        markMalformed(0, errorMessage(error), data);
        continue;
      }
    } else {
      payloads = [{ subSequenceNumber: 0, bytes, raw: data }];
    }

    for (const payload of payloads) {
      const parsed = parseEvent(payload.bytes);
      if ('reason' in parsed) {
        markMalformed(payload.subSequenceNumber, parsed.reason, payload.raw);
        continue;
      }
      const folderBytes = Buffer.byteLength(options.prefix + partitionPath(parsed.partition));
      if (folderBytes + options.objectNameBytes > MAX_S3_KEY_BYTES) {
        markMalformed(payload.subSequenceNumber, `account_id is too long for an S3 key (${folderBytes} bytes before the object name)`, payload.raw);
        continue;
      }
      const position = { shardId, sequenceNumber, subSequenceNumber: payload.subSequenceNumber };
      const groupKey = `${shardId}/${partitionPath(parsed.partition)}`;
      let group = groups.get(groupKey);
      if (!group) {
        group = { shardId, partition: parsed.partition, lines: [], ids: [], first: position, last: position, sequenceNumbers: new Set() };
        groups.set(groupKey, group);
      }
      group.lines.push(parsed.line);
      group.ids.push(parsed.id);
      group.last = position;
      group.sequenceNumbers.add(sequenceNumber);
      events += 1;
    }
  }
  return { groups: [...groups.values()], malformed, events };
}
