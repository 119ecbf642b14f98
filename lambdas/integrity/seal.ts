/**
 * The digest step: for each account, extends its chain by one digest per hour that has ended
 * (plus a grace for writes in flight), also for hours without data, and by a backfill digest
 * for manifests that arrived under an hour already sealed. Run by one writer at a time (the
 * template gives the digest Lambda a reserved concurrency of 1); should two run anyway, the
 * create-only write of a sequence number lets only one extend the chain, and the other stops
 * for that account with ConflictingObjectError (from the store) and leaves it to the next run.
 */
import { mapWithConcurrencyLimit } from '../map-with-concurrency-limit.js';
import { digestFolder, digestKey, entriesRoot, linkTo, parseDigest, sequenceOfKey, serializeDigest, SIGNING_ALGORITHM, DIGEST_FORMAT, type DigestBody, type DigestEntry, type StoredDigest } from './digest.js';
import { hourOf, manifestFolder, parseManifest, sha256Hex } from './object-manifest.js';
import type { ObjectStore } from './object-store.js';
import type { DigestSigner } from './signer.js';

export const DEFAULT_GRACE_MINUTES = 10;
export const DEFAULT_BACKFILL_HOURS = 6;
/** Hours one run seals per account at most (a chain that fell far behind catches up over runs, within the Lambda's timeout). */
export const MAX_HOURS_PER_RUN = 240;

const HOUR_MS = 3_600_000;

export interface SealOptions {
  store: ObjectStore;
  integrityPrefix: string;
  signer: DigestSigner;
  now: Date;
  graceMinutes?: number;
  backfillHours?: number;
}

export interface AccountSeal {
  account_id: string;
  /** Digests written this run: hours sealed and backfills. */
  hours: number;
  backfills: number;
  manifests: number;
  /** The last hour sealed, after this run. */
  sealedThrough: string | null;
  error?: string;
}

function nextHour(hour: string, by = 1): string {
  return hourOf(new Date(Date.parse(`${hour}:00:00Z`) + by * HOUR_MS));
}

async function readDigest(store: ObjectStore, key: string): Promise<StoredDigest> {
  const stored = await store.get(key);
  if (stored === null) throw new Error(`${store.name}/${key} disappeared while sealing`);
  try {
    return parseDigest(key, stored.body.toString('utf8'));
  } catch (error) {
    throw new Error(`${store.name}/${key} ${(error as Error).message}: the chain is not extended past a digest it cannot read`, { cause: error });
  }
}

/** The entries of one hour's manifests, in key order, skipping those already sealed. */
async function entriesOf(store: ObjectStore, keys: readonly string[]): Promise<DigestEntry[]> {
  const entries: DigestEntry[] = [];
  for (const key of keys) {
    const stored = await store.get(key);
    if (stored === null) continue;
    const manifest = parseManifest(stored.body.toString('utf8'), key);
    entries.push({ manifest: key, sha256: sha256Hex(stored.body), object: manifest.key });
  }
  return entries;
}

class Chain {
  constructor(private readonly options: SealOptions, readonly account: string, public head: StoredDigest | null) {}

  async append(kind: DigestBody['kind'], hour: string, entries: DigestEntry[]): Promise<void> {
    const { store, integrityPrefix, signer } = this.options;
    const sequence = this.head === null ? 0 : this.head.body.sequence + 1;
    const body: DigestBody = {
      format: DIGEST_FORMAT,
      account_id: this.account,
      sequence,
      kind,
      hour,
      sealedAt: this.options.now.toISOString(),
      entries,
      merkleRoot: entriesRoot(entries),
      previous: this.head === null ? null : linkTo(this.head),
      signing: { keyId: signer.keyId, algorithm: SIGNING_ALGORITHM },
    };
    const bodyLine = JSON.stringify(body);
    const signature = await signer.sign(Buffer.from(bodyLine, 'utf8'));
    const key = digestKey(integrityPrefix, this.account, sequence);
    const text = serializeDigest(bodyLine, signature);
    // The hash of the whole object, signature included: ECDSA signatures are randomized, so the same
    // bytes already there can only be this very PUT retried by the SDK after its answer was lost;
    // another sealer's digest for this number always differs and fails with ConflictingObjectError.
    await store.putCreateOnly(key, text, { contentType: 'application/json', metadata: { sha256: sha256Hex(text) } });
    this.head = { key, body, bodyLine, signature };
  }
}

async function openChain(options: SealOptions, account: string): Promise<{ chain: Chain; digestKeys: string[] }> {
  const digestKeys = (await options.store.list(digestFolder(options.integrityPrefix, account))).filter((k) => sequenceOfKey(k) !== null);
  const last = digestKeys[digestKeys.length - 1];
  return { chain: new Chain(options, account, last === undefined ? null : await readDigest(options.store, last)), digestKeys };
}

/** Manifests under sealed hours within the backfill window that no digest lists yet. */
async function lateManifests(options: SealOptions, account: string, head: StoredDigest, digestKeys: readonly string[]): Promise<string[]> {
  const hours = options.backfillHours ?? DEFAULT_BACKFILL_HOURS;
  const oldest = nextHour(head.body.hour, -(hours - 1));
  const sealed = new Set<string>();
  // Walk back over the digests that can list manifests of those hours (backfills come after their hours).
  for (let i = digestKeys.length - 1; i >= 0; i--) {
    const digest = i === digestKeys.length - 1 ? head : await readDigest(options.store, digestKeys[i]!);
    for (const entry of digest.body.entries) sealed.add(entry.manifest);
    if (digest.body.kind === 'hour' && digest.body.hour < oldest) break;
  }
  const late: string[] = [];
  for (let hour = oldest; hour <= head.body.hour; hour = nextHour(hour)) {
    for (const key of await options.store.list(manifestFolder(options.integrityPrefix, account, hour))) if (!sealed.has(key)) late.push(key);
  }
  return late;
}

/** Seals one account's ended hours and its late manifests. */
export async function sealAccount(options: SealOptions, account: string): Promise<AccountSeal> {
  const report: AccountSeal = { account_id: account, hours: 0, backfills: 0, manifests: 0, sealedThrough: null };
  try {
    const { chain, digestKeys } = await openChain(options, account);
    const through = hourOf(new Date(options.now.getTime() - HOUR_MS - (options.graceMinutes ?? DEFAULT_GRACE_MINUTES) * 60_000));
    if (chain.head !== null) {
      const late = await lateManifests(options, account, chain.head, digestKeys);
      if (late.length > 0) {
        const entries = await entriesOf(options.store, late);
        await chain.append('backfill', chain.head.body.hour, entries);
        report.backfills += 1;
        report.manifests += entries.length;
      }
    }
    let hour: string;
    if (chain.head !== null) hour = nextHour(chain.head.body.hour);
    else {
      // A new chain starts at the account's first hour of manifests.
      const first = (await options.store.listFolders(`${options.integrityPrefix}manifests/account_id=${account}/`)).find((f) => f.startsWith('hour='));
      if (first === undefined) return report;
      hour = first.slice('hour='.length);
    }
    for (let n = 0; hour <= through && n < MAX_HOURS_PER_RUN; hour = nextHour(hour), n++) {
      const entries = await entriesOf(options.store, await options.store.list(manifestFolder(options.integrityPrefix, account, hour)));
      await chain.append('hour', hour, entries);
      report.hours += 1;
      report.manifests += entries.length;
    }
    report.sealedThrough = chain.head?.body.hour ?? null;
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  return report;
}

/** The accounts that have manifests or a chain. */
export async function accountsToSeal(store: ObjectStore, integrityPrefix: string): Promise<string[]> {
  const folders = new Set([
    ...await store.listFolders(`${integrityPrefix}manifests/`),
    ...await store.listFolders(`${integrityPrefix}digests/`),
  ]);
  return [...folders].filter((f) => f.startsWith('account_id=')).map((f) => f.slice('account_id='.length)).sort();
}

/** Accounts sealed at once: each is its own chain, so they are independent; 4 keep a 1,000-account run near a minute. */
const ACCOUNT_CONCURRENCY = 4;

/** Seals every account; one account's error does not stop the others (sealAccount never throws). */
export async function sealAll(options: SealOptions): Promise<AccountSeal[]> {
  const accounts = await accountsToSeal(options.store, options.integrityPrefix);
  const settled = await mapWithConcurrencyLimit(accounts, ACCOUNT_CONCURRENCY, (account) => sealAccount(options, account));
  return settled.map((s, i) => (s.status === 'fulfilled' ? s.value : { account_id: accounts[i]!, hours: 0, backfills: 0, manifests: 0, sealedThrough: null, error: String(s.reason) }));
}
