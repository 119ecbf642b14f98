/**
 * The Merkle tree hash of RFC 6962 (section 2.1), over a digest's manifest entries: leaf =
 * SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right), the split at the largest power of
 * two below n. One root commits to every entry and its order; with the same construction a
 * later version can hand out inclusion proofs for a single object without the whole digest.
 */
import { createHash } from 'node:crypto';

function leafHash(entry: string): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(entry, 'utf8').digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
}

function treeHash(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return leaves[from]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
}

/** The hex root over `entries` in order; the hash of the empty string for none (RFC 6962). */
export function merkleRoot(entries: readonly string[]): string {
  if (entries.length === 0) return createHash('sha256').digest('hex');
  return treeHash(entries.map(leafHash), 0, entries.length).toString('hex');
}
