/**
 * `verify` for one or more accounts: the chain first (verify-chain.ts), then the objects of the
 * date range against what it lists (verify-objects.ts). Findings stream out through `report` as
 * they are found; the summary says how much was checked, so "no findings" can be told from
 * "nothing looked at".
 */
import type { KeyObject } from 'node:crypto';
import type { Finding, VerifyProgress } from './finding.js';
import { hourOf } from './object-manifest.js';
import type { ObjectStore } from './object-store.js';
import { walkChain } from './verify-chain.js';
import { checkObjects, coveredBy } from './verify-objects.js';

export type { Finding, FindingKind, VerifyProgress } from './finding.js';

/** How long after an hour ends its digest must exist in a live bucket: the hourly run at :15, its grace, and an hour of slack. */
const LIVE_SEAL_LAG_MS = 150 * 60_000;

export interface VerifyOptions {
  data: ObjectStore;
  integrity: ObjectStore;
  integrityPrefix: string;
  dataPrefixes: readonly string[];
  /** account_id values as in the paths (encoded). */
  accounts: readonly string[];
  from: string;
  to: string;
  publicKey: KeyObject;
  /** A live bucket: the chain must reach the last hour that should be sealed by `now`. A local copy ends where it was copied. */
  live: boolean;
  now: Date;
  report: (finding: Finding) => void;
  progress?: (progress: VerifyProgress) => void;
}

export interface AccountVerification {
  account_id: string;
  digests: number;
  firstHour: string | null;
  lastHour: string | null;
  objects: number;
  intact: number;
  compactedAway: number;
  superseded: number;
  findings: number;
}

/** Accounts with a chain or with data under any data prefix. */
export async function listAccounts(data: ObjectStore, integrity: ObjectStore, integrityPrefix: string, dataPrefixes: readonly string[]): Promise<string[]> {
  const folders = new Set(await integrity.listFolders(`${integrityPrefix}digests/`));
  for (const prefix of dataPrefixes) for (const f of await data.listFolders(prefix)) folders.add(f);
  return [...folders].filter((f) => f.startsWith('account_id=')).map((f) => f.slice('account_id='.length)).sort();
}

export async function verifyAccounts(options: VerifyOptions): Promise<AccountVerification[]> {
  const results: AccountVerification[] = [];
  const lastDue = hourOf(new Date(Math.min(Date.parse(`${options.to}T23:00:00Z`), options.now.getTime() - LIVE_SEAL_LAG_MS)));
  for (const account of options.accounts) {
    let findings = 0;
    const report = (finding: Finding) => {
      findings += 1;
      options.report(finding);
    };
    const walk = await walkChain({
      store: options.integrity, integrityPrefix: options.integrityPrefix, account, publicKey: options.publicKey,
      ...(options.live ? { expectSealedThrough: lastDue } : {}), report, progress: options.progress,
      keepEntry: coveredBy({ account, from: options.from, to: options.to, dataPrefixes: options.dataPrefixes }),
    });
    const objects = await checkObjects({
      data: options.data, integrity: options.integrity, account, from: options.from, to: options.to,
      dataPrefixes: options.dataPrefixes, entries: walk.entries, report, progress: options.progress,
    });
    results.push({ account_id: account, digests: walk.digests, firstHour: walk.firstHour, lastHour: walk.lastHour, objects: objects.present, intact: objects.intact, compactedAway: objects.compactedAway, superseded: objects.superseded, findings });
  }
  return results;
}
