/**
 * The S3 client the CLI's commands use: AWS by default, or any S3-compatible endpoint
 * (path-style), e.g. a local s3rver. @aws-sdk/client-s3 is an optional peer, imported only here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from './usage-error.js';

export async function s3Client(command: string, endpoint: string | undefined, region: string | undefined): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  if (endpoint === undefined) return new S3Client(region ? { region } : {});
  if (!/^https?:\/\//.test(endpoint)) throw new UsageError(`${command}: --endpoint must be an http(s):// URL, got "${endpoint}"`);
  // S3-compatible servers (s3rver, older MinIO) reject the SDK's default flexible checksums on
  // streamed bodies; the compactor sends Content-MD5 on every PUT, and verify hashes what it reads.
  return new S3Client({
    endpoint, forcePathStyle: true, region: region ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
