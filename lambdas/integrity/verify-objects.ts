/**
 * Checking an account's stored objects in a date range against what its chain lists: each
 * listed object present with its manifest's SHA-256 (else: lines added or removed, or modified),
 * each manifest as sealed, and no object present that no digest lists. A raw object that a
 * sealed compacted object names as its input (with the same SHA-256) may be gone: the lifecycle
 * rule expires raw objects after compaction; so may a compacted object that a sealed
 * recompaction of its day replaces. Duplicate events in two objects are at-least-once delivery, not
 * tampering: each object is checked against its own manifest only.
 */
import { gunzipSync } from 'node:zlib';
import { mapWithConcurrencyLimit } from '../map-with-concurrency-limit.js';
import type { DigestEntry } from './digest.js';
import type { Finding, VerifyProgress } from './finding.js';
import { parseManifest, sha256Hex, summarizeNdjson, type ObjectManifest } from './object-manifest.js';
import type { ObjectStore } from './object-store.js';

const READ_CONCURRENCY = 16;
const DATA_SUFFIXES = ['.json.gz', '.parquet'];

export interface ObjectsCheck {
  data: ObjectStore;
  integrity: ObjectStore;
  account: string;
  /** Inclusive `YYYY-MM-DD` bounds on the objects' dt. */
  from: string;
  to: string;
  /** The data prefixes the writers use (raw, compacted). */
  dataPrefixes: readonly string[];
  entries: ReadonlyMap<string, DigestEntry>;
  report: (finding: Finding) => void;
  progress?: (progress: VerifyProgress) => void;
}

export interface ObjectsSummary {
  /** Objects present in the range. */
  present: number;
  /** Listed objects found exactly as sealed. */
  intact: number;
  /** Raw objects gone after a sealed compaction took them in. */
  compactedAway: number;
  /** Compacted objects gone after a sealed recompaction of their day replaced them. */
  superseded: number;
}

function dtOf(key: string): string | null {
  return /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1] ?? null;
}

/** `work` over every item, a few in flight; the first failed read (not a missing key) fails the check. */
async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>, progress: (done: number) => void): Promise<void> {
  let done = 0;
  const settled = await mapWithConcurrencyLimit(items, READ_CONCURRENCY, async (item) => {
    await work(item);
    progress(++done);
  });
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Whether a data key is one this check covers: below one of the account's data folders, with a dt in the range. */
export function coveredBy(check: Pick<ObjectsCheck, 'account' | 'from' | 'to' | 'dataPrefixes'>): (key: string) => boolean {
  const folders = check.dataPrefixes.map((p) => `${p}account_id=${check.account}/`);
  return (key) => {
    const dt = dtOf(key);
    return dt !== null && dt >= check.from && dt <= check.to && folders.some((f) => key.startsWith(f));
  };
}

/** What changed in content whose SHA-256 no longer matches its manifest. */
function contentFinding(key: string, body: Buffer, manifest: ObjectManifest): Finding {
  let content: Buffer = body;
  if (key.endsWith('.gz')) {
    try {
      content = gunzipSync(body);
    } catch {
      return { kind: 'modified', key, detail: 'is no longer valid gzip' };
    }
  }
  if (sha256Hex(content) === manifest.sha256) return { kind: 'modified', key, detail: 'content as sealed, but stored differently (re-compressed)' };
  if (!key.endsWith('.json.gz')) return { kind: 'modified', key, detail: `sha256 ${sha256Hex(content)}, the manifest says ${manifest.sha256}` };
  const now = summarizeNdjson(content);
  if (now.lines !== manifest.lines) {
    const difference = now.lines - manifest.lines;
    return { kind: 'lines', key, detail: `${now.lines} lines where the manifest says ${manifest.lines}: ${Math.abs(difference)} line(s) ${difference > 0 ? 'added' : 'removed'}${now.firstId !== manifest.firstId ? ' (the first line changed)' : now.lastId !== manifest.lastId ? ' (the last line changed)' : ''}` };
  }
  return { kind: 'modified', key, detail: now.idsSha256 === manifest.idsSha256 ? 'same events in the same order, but their content was changed' : `same number of lines (${now.lines}), but other events or another order` };
}

export async function checkObjects(check: ObjectsCheck): Promise<ObjectsSummary> {
  const { account, report } = check;
  const covered = coveredBy(check);
  const folders = check.dataPrefixes.map((p) => `${p}account_id=${account}/`);
  const present = new Set<string>();
  for (const folder of folders) {
    for (const key of await check.data.list(folder)) {
      const name = key.slice(key.lastIndexOf('/') + 1);
      if (!name.startsWith('_') && DATA_SUFFIXES.some((s) => name.endsWith(s)) && covered(key)) present.add(key);
    }
  }
  const listed = [...check.entries.values()].filter((e) => covered(e.object));
  const summary: ObjectsSummary = { present: present.size, intact: 0, compactedAway: 0, superseded: 0 };
  for (const key of [...present].sort()) if (!check.entries.has(key)) report({ kind: 'inserted', key, detail: 'is stored, but no digest lists it' });

  // First the manifests: compacted objects' inputs decide which missing raw objects are expected.
  const manifests = new Map<string, ObjectManifest>();
  const compactedInputs = new Map<string, string>();
  const replaced = new Set<string>();
  await eachLimited(listed, async (entry) => {
    const stored = await check.integrity.get(entry.manifest);
    if (stored === null) {
      report({ kind: 'deleted', key: entry.manifest, detail: `the manifest of ${entry.object} is gone` });
      return;
    }
    if (sha256Hex(stored.body) !== entry.sha256) {
      report({ kind: 'modified', key: entry.manifest, detail: `the manifest of ${entry.object} differs from the one sealed` });
      return;
    }
    const manifest = parseManifest(stored.body.toString('utf8'), entry.manifest);
    manifests.set(entry.object, manifest);
    for (const input of manifest.inputs ?? []) compactedInputs.set(input.key, input.sha256);
    for (const key of manifest.replaces ?? []) replaced.add(key);
  }, (done) => check.progress?.({ account, phase: 'objects', done, total: listed.length * 2 }));

  await eachLimited(listed, async (entry) => {
    const manifest = manifests.get(entry.object);
    if (!present.has(entry.object)) {
      if (compactedInputs.has(entry.object) && compactedInputs.get(entry.object) === manifest?.sha256) summary.compactedAway += 1;
      else if (replaced.has(entry.object)) summary.superseded += 1;
      else report({ kind: 'deleted', key: entry.object, detail: 'a digest lists it, but it is gone' });
      return;
    }
    if (manifest === undefined) return;
    const stored = await check.data.get(entry.object);
    if (stored === null) {
      report({ kind: 'deleted', key: entry.object, detail: 'was listed a moment ago, but is gone' });
      return;
    }
    const content = entry.object.endsWith('.gz') ? tryGunzip(stored.body) : stored.body;
    if (content !== null && sha256Hex(content) === manifest.sha256) summary.intact += 1;
    else report(contentFinding(entry.object, stored.body, manifest));
  }, (done) => check.progress?.({ account, phase: 'objects', done: listed.length + done, total: listed.length * 2 }));
  return summary;
}

function tryGunzip(body: Buffer): Buffer | null {
  try {
    return gunzipSync(body);
  } catch {
    return null;
  }
}
