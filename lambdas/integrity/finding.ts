/**
 * What `verify` reports: one finding per thing that is not as sealed, each naming the object (or
 * digest) it is about. The JSON output prints exactly these fields, one finding per line.
 */
export type FindingKind =
  /** An object's content differs from its manifest (same lines count), or a manifest or digest differs from what sealed it. */
  | 'modified'
  /** An object (or manifest) a digest lists is gone. */
  | 'deleted'
  /** An object is present that no digest lists. */
  | 'inserted'
  /** Lines were added to or removed from an object. */
  | 'lines'
  /** A digest's signature, hash link, Merkle root or sequence does not hold. */
  | 'chain'
  /** An hour has no digest. */
  | 'gap';

export interface Finding {
  kind: FindingKind;
  key: string;
  detail: string;
}

export interface VerifyProgress {
  account: string;
  phase: 'digests' | 'objects';
  done: number;
  total: number;
}
