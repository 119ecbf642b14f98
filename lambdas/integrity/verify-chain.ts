/**
 * Walking one account's chain of digests from its first: every number present, each body signed
 * by the key given, each linked to the one before by hash and signature, each Merkle root
 * matching its entries, and every hour from the first to the last covered. What the chain lists
 * (manifest → object) is handed on to verify-objects.ts.
 */
import type { KeyObject } from 'node:crypto';
import { mapWithConcurrencyLimit } from '../map-with-concurrency-limit.js';
import { digestFolder, digestKey, entriesRoot, linkTo, parseDigest, sequenceOfKey, type DigestEntry, type StoredDigest } from './digest.js';
import type { Finding, VerifyProgress } from './finding.js';
import { hourOf } from './object-manifest.js';
import type { ObjectStore } from './object-store.js';
import { signatureHolds } from './signer.js';

const HOUR_MS = 3_600_000;
/** Digests read at once. */
const READ_CONCURRENCY = 16;

export interface ChainWalk {
  /** Every entry of every readable digest, by data object key. */
  entries: Map<string, DigestEntry>;
  firstHour: string | null;
  lastHour: string | null;
  digests: number;
}

function nextHour(hour: string): string {
  return hourOf(new Date(Date.parse(`${hour}:00:00Z`) + HOUR_MS));
}

function hoursBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}:00:00Z`) - Date.parse(`${from}:00:00Z`)) / HOUR_MS);
}

/** Every digest's bytes (null when gone), a few reads in flight; a failed read (not a missing key) fails the walk. */
async function readAll(store: ObjectStore, keys: readonly string[], progress: (done: number) => void): Promise<Array<Buffer | null>> {
  let done = 0;
  const settled = await mapWithConcurrencyLimit(keys, READ_CONCURRENCY, async (key) => {
    const stored = await store.get(key);
    progress(++done);
    return stored?.body ?? null;
  });
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}

export interface ChainCheck {
  store: ObjectStore;
  integrityPrefix: string;
  account: string;
  publicKey: KeyObject;
  /** When set, hours up to this one must be sealed (a live bucket); a local copy ends where it was copied. */
  expectSealedThrough?: string;
  /** Which data objects' entries to keep (those verify will check): a chain of years need not be held whole. */
  keepEntry?: (objectKey: string) => boolean;
  report: (finding: Finding) => void;
  progress?: (progress: VerifyProgress) => void;
}

export async function walkChain(check: ChainCheck): Promise<ChainWalk> {
  const { store, integrityPrefix, account, report } = check;
  const folder = digestFolder(integrityPrefix, account);
  const listed = await store.list(folder);
  const keys: string[] = [];
  for (const key of listed) {
    const sequence = sequenceOfKey(key);
    if (sequence === null || key.slice(folder.length).includes('/')) report({ kind: 'inserted', key, detail: 'is in the digest folder but is not a digest' });
    else keys.push(key);
  }
  const walk: ChainWalk = { entries: new Map(), firstHour: null, lastHour: null, digests: 0 };
  if (keys.length === 0) return walk;
  const bodies = await readAll(store, keys, (done) => check.progress?.({ account, phase: 'digests', done, total: keys.length }));

  let previous: StoredDigest | null = null;
  let expected = 0;
  let lastSealedHour: string | null = null;
  for (const [index, key] of keys.entries()) {
    const sequence = sequenceOfKey(key)!;
    for (; expected < sequence; expected++) report({ kind: 'chain', key: digestKey(integrityPrefix, account, expected), detail: `digest ${expected} is missing: the chain is broken between ${expected - 1} and ${sequence}` });
    expected = sequence + 1;
    const bytes = bodies[index];
    if (bytes === null || bytes === undefined) {
      report({ kind: 'deleted', key, detail: 'listed, but could not be read' });
      previous = null;
      continue;
    }
    let digest: StoredDigest;
    try {
      digest = parseDigest(key, bytes.toString('utf8'));
    } catch (error) {
      report({ kind: 'chain', key, detail: `digest ${(error as Error).message}` });
      previous = null;
      continue;
    }
    const { body } = digest;
    walk.digests += 1;
    if (!signatureHolds(check.publicKey, Buffer.from(digest.bodyLine, 'utf8'), digest.signature)) report({ kind: 'chain', key, detail: `the signature does not verify with the public key given (signed by ${body.signing?.keyId ?? 'no key named'}): the digest was changed or signed by another key` });
    if (body.sequence !== sequence || body.account_id !== account) report({ kind: 'chain', key, detail: `says it is digest ${body.sequence} of account ${body.account_id}, but is stored as ${sequence} of ${account}` });
    if (entriesRoot(body.entries) !== body.merkleRoot) report({ kind: 'chain', key, detail: 'its Merkle root does not match its entries' });
    if (sequence === 0) {
      if (body.previous !== null) report({ kind: 'chain', key, detail: 'the first digest names a previous one' });
    } else if (previous !== null) {
      const link = linkTo(previous);
      if (body.previous === null || body.previous.key !== link.key || body.previous.sha256 !== link.sha256 || body.previous.signature !== link.signature) {
        report({ kind: 'chain', key, detail: `does not link to ${previous.key} as stored (hash or signature differ): one of the two was replaced` });
      }
    }
    if (body.kind === 'hour') {
      if (lastSealedHour !== null && body.hour <= lastSealedHour) report({ kind: 'chain', key, detail: `seals hour ${body.hour} again (already sealed through ${lastSealedHour})` });
      else if (lastSealedHour !== null && body.hour !== nextHour(lastSealedHour)) {
        report({ kind: 'gap', key, detail: `no digest for ${hoursBetween(lastSealedHour, body.hour) - 1} hour(s) from ${nextHour(lastSealedHour)} until this one (${body.hour})` });
      }
      if (lastSealedHour === null || body.hour > lastSealedHour) lastSealedHour = body.hour;
      walk.firstHour ??= body.hour;
    }
    for (const entry of body.entries) {
      if ((check.keepEntry?.(entry.object) ?? true) && !walk.entries.has(entry.object)) walk.entries.set(entry.object, entry);
    }
    previous = digest;
  }
  walk.lastHour = lastSealedHour;
  if (check.expectSealedThrough !== undefined && (lastSealedHour === null || lastSealedHour < check.expectSealedThrough)) {
    report({ kind: 'gap', key: keys[keys.length - 1]!, detail: `the chain ends at hour ${lastSealedHour ?? '(none)'}, but hours through ${check.expectSealedThrough} should be sealed by now: the sealer stopped, or the latest digests were removed` });
  }
  return walk;
}
