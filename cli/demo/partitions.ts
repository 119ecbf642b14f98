/**
 * The partition loader's half of the pipeline, without Athena: s3rver's object-created
 * notifications go through the loader's own key parsing (partitionsFromS3Event) and statement
 * builder (addPartitionsStatements), and the demo prints the ALTER TABLE it would run.
 *
 * s3rver hands out the raw object key; S3 notifications carry it URL-encoded with `+` for space.
 * The key is encoded here the way S3 does, so the loader's decoding is exercised as in production.
 */
import type { S3Event } from 'aws-lambda';
import { addPartitionsStatements, type AddPartitionsStatement } from '../../lambdas/partition-loader/add-partitions-sql.js';
import { partitionsFromS3Event, type AnnouncedPartition } from '../../lambdas/partition-loader/s3-event-partitions.js';

/** How S3 writes a key into an event notification: form-style URL encoding. */
export function s3NotificationKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+');
}

export interface PartitionCollector {
  /** The listener to hand to s3rver. */
  onObjectEvent(event: S3Event): void;
  /** Notifications seen, records in them, records ignored (outside the data prefix or layout). */
  readonly counts: { notifications: number; records: number; ignored: number };
  /** Every partition announced so far, sorted by account and day (for reading; the loader keeps arrival order). */
  partitions(): AnnouncedPartition[];
  /** The statements the loader would run to add every partition announced so far. */
  statements(database: string, table: string): AddPartitionsStatement[];
}

export function collectPartitions(prefix: string): PartitionCollector {
  const byLocation = new Map<string, AnnouncedPartition>();
  const counts = { notifications: 0, records: 0, ignored: 0 };
  const sorted = () => [...byLocation.values()].sort((a, b) => a.location.localeCompare(b.location));
  return {
    counts,
    onObjectEvent(event) {
      const encoded: S3Event = {
        Records: (event.Records ?? []).map((r) => ({ ...r, s3: { ...r.s3, object: { ...r.s3.object, key: s3NotificationKey(r.s3.object.key) } } })),
      };
      const announced = partitionsFromS3Event(encoded, prefix);
      counts.notifications += 1;
      counts.records += announced.records;
      counts.ignored += announced.ignored;
      // The deployed loader remembers partitions per container; this map plays that cache.
      for (const partition of announced.partitions) {
        if (!byLocation.has(partition.location)) byLocation.set(partition.location, partition);
      }
    },
    partitions: sorted,
    statements: (database, table) => addPartitionsStatements(database, table, sorted()),
  };
}
