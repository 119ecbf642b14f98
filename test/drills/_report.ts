/**
 * One line per drill: `drill <name>: sent N, stored M, lost K (policy allows L: <why>), duplicates D`,
 * logged through t.log and, when DRILL_REPORT=<path> is set, appended to that file as one JSON
 * object per line (with the date and Node version) so a runner can build docs/drills.md.
 */
import { appendFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';

export interface DrillFigures {
  drill: string;
  /** Events (or partitions) that entered the system under test. */
  sent: number;
  /** Measured where the data ends up: stream, bucket, Athena statement. */
  stored: number;
  lost: number;
  /** What the documented policy allows to be lost in this drill, and why. */
  allowed: number;
  why: string;
  duplicates: number;
  /** Further figures worth keeping (retries, throttled entries, poison records…). */
  extra?: Record<string, number | string>;
}

export function drillLine(f: DrillFigures): string {
  return `drill ${f.drill}: sent ${f.sent}, stored ${f.stored}, lost ${f.lost} (policy allows ${f.allowed}: ${f.why}), duplicates ${f.duplicates}`;
}

export function reportDrill(t: ExecutionContext, f: DrillFigures): void {
  const line = drillLine(f);
  t.log(line);
  if (f.extra !== undefined) t.log(`  ${Object.entries(f.extra).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const path = process.env.DRILL_REPORT;
  if (path) appendFileSync(path, `${JSON.stringify({ ...f, line, node: process.version, date: new Date().toISOString() })}\n`);
}

/** Tallies ids as found at the destination: distinct ids, copies beyond the first, and which of `sent` are missing. */
export function tally(sent: readonly string[], found: Iterable<string>): { stored: number; lost: number; duplicates: number; missing: string[] } {
  const counts = new Map<string, number>();
  for (const id of found) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missing = sent.filter((id) => !counts.has(id));
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return { stored: sent.length - missing.length, lost: missing.length, duplicates, missing };
}
