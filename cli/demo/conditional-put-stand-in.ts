/**
 * s3rver ignores `If-None-Match: *` on PutObject (a second create-only PUT of a key succeeds and
 * replaces it), and S3 honours it. Where the demo and the tests run against s3rver, this
 * stand-in gives the client S3's answer: before a create-only PUT it asks HeadObject, and when
 * the key exists it fails the PUT the way S3 does (412 PreconditionFailed) without sending it.
 * Unlike S3 it is not atomic (two PUTs racing between the HEAD and the PUT both succeed), which
 * the tests that race writers say in their names.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const CONDITIONAL_PUT_STAND_IN = 'conditionalPutStandIn';

function preconditionFailed(key: string): Error {
  return Object.assign(new Error(`At least one of the pre-conditions you specified did not hold (stand-in for S3's If-None-Match on s3rver: ${key} exists)`), {
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
  });
}

/** Adds the stand-in to `client` (once). */
export function addConditionalPutStandIn(client: S3Client): void {
  if (client.middlewareStack.identify().some((name) => name.startsWith(CONDITIONAL_PUT_STAND_IN))) return;
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as { Bucket?: string; Key?: string; IfNoneMatch?: string };
    if (context.commandName === 'PutObjectCommand' && input.IfNoneMatch === '*') {
      const exists = await client.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key })).then(() => true, (error: unknown) => {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      });
      if (exists) throw preconditionFailed(String(input.Key));
    }
    return next(args);
  }, { step: 'initialize', name: CONDITIONAL_PUT_STAND_IN });
}
