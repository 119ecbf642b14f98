/**
 * A fixture dataset for the named queries: several accounts (one whose id needs encoding and
 * holds a quote, plus calls made outside any account) over three days, with 2xx/4xx/5xx
 * responses and network errors, written in the exact storage layout.
 *
 * writeFixture is the one place that knows how files are written, so it can later be swapped for
 * the real kinesis-to-s3 Lambda handler; the tests only see (dir, events).
 */
import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LocalLayout } from '../../cli/local-layout.js';
import { type AuditEvent, partitionOf, partitionPath, validateAuditEvent } from '../../core/schema.js';
import { deduplicate, eventContent } from '../../lambdas/compactor/deduplicate.js';
import { availableCodec, writeParquetFile } from '../../lambdas/compactor/parquet-file.js';
import { auditEventFactory } from './factories.js';

/** Needs encoding (slash, space, unicode) and would break out of a naively quoted literal. */
export const ODD_ACCOUNT = "Team/Ünïcode 'quote'";
export const FIXTURE_ACCOUNTS: ReadonlyArray<string | null> = ['acme', 'globex', ODD_ACCOUNT, null];
export const FIXTURE_DAYS = ['2026-01-30', '2026-01-31', '2026-02-01'] as const;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['orders', 'customers', 'payments'];
const OUTCOMES: ReadonlyArray<Pick<AuditEvent, 'status' | 'error'>> = [
  { status: 200, error: null },
  { status: 201, error: null },
  { status: 204, error: null },
  { status: 404, error: null },
  { status: 429, error: null },
  { status: 200, error: null },
  { status: 500, error: null },
  { status: 503, error: null },
  { status: null, error: 'ECONNRESET: socket hang up' },
  { status: 200, error: 'response body incomplete: timed out after 30000 ms' },
];
const EVENTS_PER_FILE = 5;

/**
 * The fixture's events, deterministic but for the UUIDs. Durations are multiples of 0.25 so sums
 * and averages are exact in binary floating point, whatever order an engine adds them in.
 */
export function fixtureEvents(): AuditEvent[] {
  const events: AuditEvent[] = [];
  FIXTURE_ACCOUNTS.forEach((account, a) => {
    FIXTURE_DAYS.forEach((day, d) => {
      const count = 12 + a * 3 + d;
      for (let i = 0; i < count; i++) {
        const outcome = OUTCOMES[(i * 3 + a + d) % OUTCOMES.length] as Pick<AuditEvent, 'status' | 'error'>;
        events.push(auditEventFactory({
          time: new Date(Date.parse(`${day}T08:00:00.000Z`) + i * 97_000 + a * 13).toISOString(),
          account_id: account,
          user_id: i % 5 === 4 ? null : i % 3 === 0 ? 'user-2' : 'user-1',
          request_id: `req-${a}-${d}-${Math.floor(i / 4)}`,
          method: METHODS[(i + a) % METHODS.length] as string,
          url: `https://api.example.com/${PATHS[i % PATHS.length]}/${i}`,
          duration_ms: ((i * 37 + a * 11 + d * 5) % 500) + 0.25 * (i % 4),
          request_body: i % 2 === 0 ? null : `{"n":${i},"note":"it's"}`,
          response_body: `{"i":${i}}`,
          ...outcome,
        }));
      }
    });
  });
  // Calls either side of midnight UTC: they land in two dt partitions.
  events.push(auditEventFactory({ account_id: 'acme', time: '2026-01-30T23:59:59.999Z', request_id: 'req-midnight', status: 502, duration_ms: 900 }));
  events.push(auditEventFactory({ account_id: 'acme', time: '2026-01-31T00:00:00.000Z', request_id: 'req-midnight', status: 200, duration_ms: 1 }));
  return events.map((e) => validateAuditEvent(e));
}

/**
 * Writes `events` below `dir` as gzip NDJSON in the storage layout,
 * `account_id=<encoded>/dt=<day>/shardId-000-<n>.json.gz`, several files per partition.
 * Returns the paths written.
 */
function byPartition(events: readonly AuditEvent[]): Map<string, AuditEvent[]> {
  const partitions = new Map<string, AuditEvent[]>();
  for (const event of events) {
    const folder = partitionPath(partitionOf(event));
    partitions.set(folder, [...(partitions.get(folder) ?? []), event]);
  }
  return partitions;
}

export async function writeFixture(dir: string, events: readonly AuditEvent[], filePrefix = 'shardId-000'): Promise<string[]> {
  const written: string[] = [];
  let fileNumber = 0;
  for (const [folder, partitionEvents] of byPartition(events)) {
    await mkdir(join(dir, folder), { recursive: true });
    for (let start = 0; start < partitionEvents.length; start += EVENTS_PER_FILE) {
      const lines = partitionEvents.slice(start, start + EVENTS_PER_FILE).map((e) => `${JSON.stringify(e)}\n`).join('');
      const path = join(dir, folder, `${filePrefix}-${fileNumber++}.json.gz`);
      await writeFile(path, gzipSync(lines));
      written.push(path);
    }
  }
  return written;
}

/** A fresh temporary folder holding the fixture; the events are returned for computing expectations. */
export async function createFixtureDir(): Promise<{ dir: string; events: AuditEvent[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-athena-fixture-'));
  const events = fixtureEvents();
  await writeFixture(dir, events);
  return { dir, events };
}

/** Writes `events` below `dir` in the compacted layout, one Parquet file per partition, as the compactor does. */
export async function writeCompactedFixture(dir: string, events: readonly AuditEvent[]): Promise<void> {
  const codec = availableCodec();
  for (const [folder, partitionEvents] of byPartition(events)) {
    await mkdir(join(dir, folder), { recursive: true });
    await writeFile(join(dir, folder, 'events-00000.parquet'), writeParquetFile(deduplicate([...partitionEvents], eventContent).kept, codec));
  }
}

/** The layouts the named queries must answer the same over: the answer never depends on where a day is stored. */
export const FIXTURE_LAYOUTS = ['raw', 'raw with duplicates', 'compacted', 'compacted and raw'] as const;
export type FixtureLayout = (typeof FIXTURE_LAYOUTS)[number];

/**
 * The fixture in each of FIXTURE_LAYOUTS below one temporary folder:
 *   raw                  the gzip NDJSON layout;
 *   raw with duplicates  the same plus every third event again in other objects (at-least-once delivery);
 *   compacted            one Parquet file per partition;
 *   compacted and raw    the second day compacted, and the raw layout (with duplicates) still holding
 *                        every day, as between compaction and the raw objects' expiry.
 */
export async function createFixtureLayouts(): Promise<{ root: string; events: AuditEvent[]; layouts: Record<FixtureLayout, LocalLayout> }> {
  const root = mkdtempSync(join(tmpdir(), 'audit-athena-layouts-'));
  const events = fixtureEvents();
  const again = events.filter((_, i) => i % 3 === 0);
  await writeFixture(join(root, 'raw'), events);
  await writeFixture(join(root, 'duplicated'), events);
  await writeFixture(join(root, 'duplicated'), again, 'shardId-001');
  await writeCompactedFixture(join(root, 'compacted'), events);
  await writeCompactedFixture(join(root, 'compacted-one-day'), events.filter((e) => e.time.startsWith(FIXTURE_DAYS[1])));
  return {
    root,
    events,
    layouts: {
      raw: { dir: join(root, 'raw') },
      'raw with duplicates': { dir: join(root, 'duplicated') },
      compacted: { compactedDir: join(root, 'compacted') },
      'compacted and raw': { dir: join(root, 'duplicated'), compactedDir: join(root, 'compacted-one-day') },
    },
  };
}

/** `a` before `b` by time, then id: the order the named queries use. */
export function byTimeThenId(a: AuditEvent, b: AuditEvent): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** An error in the sense of the `errors` query: a status ≥ 400 or an `error` set. */
export function isErrorEvent(e: AuditEvent): boolean {
  return (e.status !== null && e.status >= 400) || e.error !== null;
}
