/**
 * Signing digests, and checking signatures. ECDSA P-256 with SHA-256, DER-encoded: what AWS KMS
 * `Sign` returns for an ECC_NIST_P256 key with ECDSA_SHA_256, and what node:crypto makes with a
 * local key, so one verifier checks both with only the public key. Asymmetric on purpose: an
 * HMAC key (KMS GenerateMac) would let anyone who can verify also forge.
 */
import { createHash, createPrivateKey, createPublicKey, sign as signWithKey, verify as verifyWithKey, type KeyObject } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';

export interface DigestSigner {
  /** Named in every digest: the KMS key ARN, or `local:<sha256 of the public key>`. */
  readonly keyId: string;
  /** Base64 DER signature over `message`. */
  sign(message: Buffer): Promise<string>;
}

/** The public key's fingerprint, for a local key's keyId. */
function fingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** A signer with a private key in PEM (a local key file, for local runs and tests). */
export function localSigner(privateKeyPem: string | Buffer): DigestSigner {
  const key = createPrivateKey(privateKeyPem);
  return {
    keyId: `local:${fingerprint(createPublicKey(key))}`,
    sign: async (message) => signWithKey('sha256', message, key).toString('base64'),
  };
}

/** A signer with an AWS KMS key (ECC_NIST_P256, SIGN_VERIFY): the digest's SHA-256 goes to KMS, the key never leaves it. */
export async function kmsSigner(kms: KMSClient, keyId: string): Promise<DigestSigner> {
  const { SignCommand } = await import('@aws-sdk/client-kms');
  return {
    keyId,
    async sign(message) {
      const answer = await kms.send(new SignCommand({
        KeyId: keyId,
        Message: createHash('sha256').update(message).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }));
      if (!answer.Signature) throw new Error(`KMS Sign with ${keyId} returned no signature`);
      return Buffer.from(answer.Signature).toString('base64');
    },
  };
}

/** A public key from PEM or DER (SPKI, what KMS GetPublicKey returns). */
export function readPublicKey(bytes: Buffer): KeyObject {
  const text = bytes.toString('utf8');
  return text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
}

export function signatureHolds(publicKey: KeyObject, message: Buffer, signature: string): boolean {
  try {
    return verifyWithKey('sha256', message, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
