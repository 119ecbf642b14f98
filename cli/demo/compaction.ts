/**
 * The demo's compaction step: runs the compactor over every day the demo wrote (its clock set to
 * the end of the lateness of today, so that today counts as closed too), downloads the compacted
 * prefix, and measures what each named query reads before and after.
 */
import { type S3Client } from '@aws-sdk/client-s3';
import { type CompactionReport, createHandler } from '../../lambdas/compactor/index.js';
import { DEFAULT_LATENESS_MS } from '../../lambdas/compactor/defaults.js';
import { runLocalNamedQuery, type LocalLayout } from '../local-runner.js';
import type { QueryRun } from './queries.js';

export interface QueryBytes {
  name: string;
  before: number | null;
  after: number | null;
  /** The same rows before and after (the view's meaning does not depend on the layout). */
  sameRows: boolean;
}

/** Tomorrow (UTC) plus the lateness: the moment today closes. */
function todayClosesAt(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) + DEFAULT_LATENESS_MS);
}

export async function compactEveryDay(s3: S3Client, bucket: string, prefix: string, compactedPrefix: string, days: number): Promise<{ report: CompactionReport; asOf: Date }> {
  const asOf = todayClosesAt();
  const compact = createHandler({ s3, bucket, prefix, compactedPrefix, lookbackDays: days + 1, now: () => asOf });
  return { report: await compact(), asOf };
}

/** Runs each query of `before` again over `after`, and pairs the bytes each read. */
export async function compareQueryBytes(before: readonly QueryRun[], after: LocalLayout): Promise<QueryBytes[]> {
  const pairs: QueryBytes[] = [];
  for (const run of before) {
    const again = await runLocalNamedQuery({ ...after, name: run.name, params: run.params });
    pairs.push({
      name: run.name,
      before: run.result.bytesRead,
      after: again.bytesRead,
      sameRows: JSON.stringify(again.rows) === JSON.stringify(run.result.rows),
    });
  }
  return pairs;
}

export function formatQueryBytes(pairs: readonly QueryBytes[]): string {
  const kb = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024).toFixed(1)} KiB`);
  const rows = pairs.map((p) => {
    const ratio = p.before && p.after !== null ? `${((p.after / p.before) * 100).toFixed(1)} %` : 'n/a';
    return `  ${p.name.padEnd(20)} ${kb(p.before).padStart(12)} ${kb(p.after).padStart(12)} ${ratio.padStart(8)}${p.sameRows ? '' : '  ROWS DIFFER'}`;
  });
  return `  ${'query'.padEnd(20)} ${'raw'.padStart(12)} ${'compacted'.padStart(12)} ${'ratio'.padStart(8)}\n${rows.join('\n')}\n`;
}
