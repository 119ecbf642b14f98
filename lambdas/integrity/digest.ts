/**
 * A digest seals what one account's writers stored in one hour: it lists that hour's manifests
 * (key, SHA-256 of the manifest's bytes, the data object it speaks for), commits to them with an
 * RFC 6962 Merkle root, and chains to the digest before it (key, hash, signature), so that
 * removing, replacing or reordering any digest breaks every later link. Digests are numbered per
 * account and written create-only under their number, so two sealers can never fork the chain:
 * the second write of a number fails.
 *
 *   <integrityPrefix>digests/account_id=<A>/<sequence, 10 digits>.json
 *
 * The object is two lines: the body (JSON), then `{"signature": base64 DER ECDSA P-256 over the
 * body's exact bytes with SHA-256}`. Signing the stored bytes, not a re-serialization, means a
 * verifier needs no canonical JSON. The hour kind covers one hour (also when it had no data); the
 * backfill kind lists manifests that arrived for hours already sealed.
 */
import { merkleRoot } from './merkle.js';
import { sha256Hex } from './object-manifest.js';

export const DIGEST_FORMAT = 'http-audit-log/digest@1';
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

export interface DigestEntry {
  manifest: string;
  /** SHA-256 of the manifest object's bytes, hex. */
  sha256: string;
  /** The data object the manifest speaks for. */
  object: string;
}

export interface ChainLink {
  key: string;
  /** SHA-256 of the previous digest's body line, hex. */
  sha256: string;
  signature: string;
}

export interface DigestBody {
  format: typeof DIGEST_FORMAT;
  account_id: string;
  sequence: number;
  kind: 'hour' | 'backfill';
  /** The hour sealed (`YYYY-MM-DDTHH`); for a backfill, the last hour sealed before it. */
  hour: string;
  sealedAt: string;
  entries: DigestEntry[];
  merkleRoot: string;
  previous: ChainLink | null;
  signing: { keyId: string; algorithm: typeof SIGNING_ALGORITHM };
}

/** A digest as read back: its body, the exact body line that was signed, and the signature. */
export interface StoredDigest {
  key: string;
  body: DigestBody;
  bodyLine: string;
  signature: string;
}

export function digestFolder(integrityPrefix: string, account: string): string {
  return `${integrityPrefix}digests/account_id=${account}/`;
}

export function digestKey(integrityPrefix: string, account: string, sequence: number): string {
  return `${digestFolder(integrityPrefix, account)}${String(sequence).padStart(10, '0')}.json`;
}

/** The sequence number of a digest key, or null for a key that is not one. */
export function sequenceOfKey(key: string): number | null {
  const match = /\/(\d{10})\.json$/.exec(key);
  return match ? Number(match[1]) : null;
}

/** What the Merkle tree's leaves are: one line per entry, fields in this order. */
export function entryLeaf(entry: DigestEntry): string {
  return `${entry.manifest}\n${entry.sha256}\n${entry.object}`;
}

export function entriesRoot(entries: readonly DigestEntry[]): string {
  return merkleRoot(entries.map(entryLeaf));
}

export function linkTo(digest: StoredDigest): ChainLink {
  return { key: digest.key, sha256: sha256Hex(digest.bodyLine), signature: digest.signature };
}

export function serializeDigest(bodyLine: string, signature: string): string {
  return `${bodyLine}\n${JSON.stringify({ signature })}\n`;
}

/** Parses a stored digest; throws naming what is wrong (the verifier reports it as a broken chain). */
export function parseDigest(key: string, text: string): StoredDigest {
  const lines = text.split('\n');
  if (lines.length !== 3 || lines[2] !== '') throw new Error('is not two lines (body, signature)');
  const bodyLine = lines[0]!;
  let body: DigestBody;
  let signature: unknown;
  try {
    body = JSON.parse(bodyLine) as DigestBody;
    signature = (JSON.parse(lines[1]!) as { signature?: unknown }).signature;
  } catch (error) {
    throw new Error(`is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (body?.format !== DIGEST_FORMAT) throw new Error(`is not an ${DIGEST_FORMAT}`);
  if (typeof signature !== 'string') throw new Error('has no signature');
  if (!Array.isArray(body.entries) || typeof body.hour !== 'string' || typeof body.sequence !== 'number') throw new Error('lacks entries, hour or sequence');
  return { key, body, bodyLine, signature };
}
