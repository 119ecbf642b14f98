/**
 * An S3 client for s3rver, in a module of its own: Lambda driver scripts run in child processes
 * import it to measure their memory, and importing test/helpers/s3rver.ts would load s3rver
 * itself (Koa and its XML stack, ~14 MB of RSS) into a process that Lambda never burdens with it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { addConditionalPutStandIn } from '../../cli/demo/conditional-put-stand-in.js';

/** With the stand-in for S3's `If-None-Match: *`, which s3rver ignores (cli/demo/conditional-put-stand-in.ts). */
export function s3ClientFor(endpoint: string): S3Client {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver cannot verify the SDK's default flexible checksums on streamed bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  addConditionalPutStandIn(client);
  return client;
}
