/**
 * The demo's verdict: it must prove the pipeline lost nothing, not only print tables. Every
 * count along the way has to agree with what the apps' audit log says it delivered.
 */
export interface Counts {
  /** audit.stats().sent: events Kinesis accepted. */
  sent: number;
  /** Events the audit log dropped or gave up on. */
  dropped: number;
  auditErrors: readonly string[];
  /** Records the poller handed to the kinesis-to-s3 handler. */
  polled: number;
  /** NDJSON lines in the bucket's data prefix. */
  stored: number;
  /** Rows DuckDB read from the downloaded copy. */
  queried: number;
  distinctIds: number;
  /** Objects under the Lambda's `-errors/` prefix (malformed records). */
  malformedObjects: number;
  partitionsAnnounced: number;
  /** Named queries that returned no rows. */
  emptyQueries: readonly string[];
}

/** Every disagreement, as a sentence; empty when the run is sound. */
export function checkNothingLost(c: Counts): string[] {
  const problems: string[] = [];
  if (c.sent === 0) problems.push('the apps produced no audit events at all');
  if (c.dropped > 0) problems.push(`the audit log dropped or failed ${c.dropped} events`);
  if (c.auditErrors.length > 0) problems.push(`the audit log reported ${c.auditErrors.length} errors, first: ${c.auditErrors[0]}`);
  if (c.polled !== c.sent) problems.push(`${c.sent} events sent to Kinesis but the poller read ${c.polled} records`);
  if (c.stored !== c.sent) problems.push(`${c.sent} events sent but ${c.stored} lines stored in S3`);
  if (c.queried !== c.stored) problems.push(`${c.stored} lines stored but DuckDB read ${c.queried} rows`);
  if (c.distinctIds !== c.queried) problems.push(`${c.queried} rows but ${c.distinctIds} distinct event ids (duplicates)`);
  if (c.malformedObjects > 0) problems.push(`the kinesis-to-s3 handler wrote ${c.malformedObjects} objects of malformed records`);
  if (c.partitionsAnnounced === 0) problems.push('the partition loader saw no partitions');
  if (c.emptyQueries.length > 0) problems.push(`queries returned no rows: ${c.emptyQueries.join(', ')}`);
  return problems;
}
