/**
 * The demo's verdict: it must prove the pipeline lost nothing and counted nothing twice, not only
 * print tables. Every count along the way has to agree with what the apps' audit log says it
 * delivered, and with the duplicates the demo put into the stream on purpose.
 */
export interface Counts {
  /** audit.stats().sent: events Kinesis accepted. */
  sent: number;
  /** Events the audit log dropped or gave up on. */
  dropped: number;
  auditErrors: readonly string[];
  /** Records the demo put into the stream a second time (at-least-once delivery). */
  injectedDuplicates: number;
  /** Records the poller handed to the kinesis-to-s3 handler. */
  polled: number;
  /** NDJSON lines in the bucket's raw prefix: every copy. */
  stored: number;
  /** Rows of the view over the raw layout alone, before compaction (duplicates dropped by the view). */
  queriedBeforeCompaction: number;
  /** Rows the compactor wrote, summed over the days, and the copies it dropped. */
  compactedRows: number;
  duplicatesDropped: number;
  /** Days the compactor failed, as "account/dt: error". */
  compactionFailures: readonly string[];
  /** Account-days in the raw layout, and Parquet objects in the compacted one. */
  accountDays: number;
  compactedObjects: number;
  /** Rows of the view over both layouts, after compaction. */
  queried: number;
  distinctIds: number;
  /** Named queries whose rows differ between before and after compaction. */
  queriesThatChanged: readonly string[];
  /** Objects under the Lambda's `-errors/` prefix (malformed records). */
  malformedObjects: number;
  partitionsAnnounced: number;
  /** Named queries that returned no rows. */
  emptyQueries: readonly string[];
  /** Digests the digest step signed, and objects verify checked against them. */
  digests: number;
  verifiedObjects: number;
  /** verify's findings on the untouched bucket, as sentences: none expected. */
  integrityFindings: readonly string[];
  /** The object the demo changed, and what verify then reported: one "lines" finding for it expected. */
  tamperedKey: string;
  tamperFindings: ReadonlyArray<{ kind: string; key: string }>;
}

/** Every disagreement, as a sentence; empty when the run is sound. */
export function checkNothingLost(c: Counts): string[] {
  const problems: string[] = [];
  if (c.sent === 0) problems.push('the apps produced no audit events at all');
  if (c.dropped > 0) problems.push(`the audit log dropped or failed ${c.dropped} events`);
  if (c.auditErrors.length > 0) problems.push(`the audit log reported ${c.auditErrors.length} errors, first: ${c.auditErrors[0]}`);
  if (c.injectedDuplicates === 0) problems.push('no duplicate records were injected, so deduplication went untested');
  const inStream = c.sent + c.injectedDuplicates;
  if (c.polled !== inStream) problems.push(`${inStream} records in the stream (${c.sent} sent + ${c.injectedDuplicates} duplicates) but the poller read ${c.polled}`);
  if (c.stored !== inStream) problems.push(`${inStream} records in the stream but ${c.stored} lines stored in S3`);
  if (c.queriedBeforeCompaction !== c.sent) problems.push(`${c.sent} events sent but the view over the raw layout shows ${c.queriedBeforeCompaction} rows`);
  if (c.compactionFailures.length > 0) problems.push(`the compactor failed ${c.compactionFailures.length} days, first: ${c.compactionFailures[0]}`);
  if (c.compactedRows !== c.sent) problems.push(`${c.sent} events sent but the compactor wrote ${c.compactedRows} rows`);
  if (c.duplicatesDropped !== c.injectedDuplicates) problems.push(`${c.injectedDuplicates} duplicates injected but the compactor dropped ${c.duplicatesDropped}`);
  if (c.compactedObjects !== c.accountDays) problems.push(`${c.accountDays} account-days but ${c.compactedObjects} compacted Parquet objects (one each expected)`);
  if (c.queried !== c.sent) problems.push(`${c.sent} events sent but the view shows ${c.queried} rows after compaction`);
  if (c.distinctIds !== c.queried) problems.push(`${c.queried} rows but ${c.distinctIds} distinct event ids (duplicates)`);
  if (c.queriesThatChanged.length > 0) problems.push(`queries answer differently after compaction: ${c.queriesThatChanged.join(', ')}`);
  if (c.malformedObjects > 0) problems.push(`the kinesis-to-s3 handler wrote ${c.malformedObjects} objects of malformed records`);
  if (c.partitionsAnnounced === 0) problems.push('the partition loader saw no partitions');
  if (c.emptyQueries.length > 0) problems.push(`queries returned no rows: ${c.emptyQueries.join(', ')}`);
  if (c.digests === 0) problems.push('the digest step sealed nothing');
  if (c.verifiedObjects === 0) problems.push('verify checked no objects');
  if (c.integrityFindings.length > 0) problems.push(`verify found ${c.integrityFindings.length} problems in the untouched bucket, first: ${c.integrityFindings[0]}`);
  const named = c.tamperFindings.length === 1 && c.tamperFindings[0]!.kind === 'lines' && c.tamperFindings[0]!.key === c.tamperedKey;
  if (!named) problems.push(`after one line was removed from ${c.tamperedKey}, verify reported ${JSON.stringify(c.tamperFindings)} instead of one "lines" finding for it`);
  return problems;
}
