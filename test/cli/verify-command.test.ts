/**
 * `http-audit-log verify` against s3rver in S3 mode (a live bucket: the latest hours must be
 * sealed) with manifests and digests in a separate integrity bucket, and its usage errors.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../../cli/cli.js';
import { createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { S3ObjectStore } from '../../lambdas/integrity/s3-object-store.js';
import { sealAll } from '../../lambdas/integrity/seal.js';
import { localSigner } from '../../lambdas/integrity/signer.js';
import { eventRecords } from '../helpers/integrity.js';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

let s3rver: RunningS3rver;
let dir: string;
let keyFile: string;
const TODAY = new Date().toISOString().slice(0, 10);

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => { stdout += s; return true; } }, stderr: { write: (s: string) => { stderr += s; return true; } } } as never);
  return { code, stdout, stderr };
}

test.before(async () => {
  s3rver = await startS3rver(['data-b', 'integrity-b']);
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  dir = await mkdtemp(join(tmpdir(), 'verify-cli-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  keyFile = join(dir, 'public-key.pem');
  await writeFile(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  // Written three hours ago, sealed now: a live bucket whose chain is up to date.
  const written = new Date(Date.now() - 3 * 3_600_000);
  const handler = createKinesisToS3({ s3: s3rver.client, bucket: 'data-b', integrityBucket: 'integrity-b', now: () => written });
  await handler({ Records: eventRecords('acme', 4, 'shardId-000000000000', TODAY) });
  const sealed = await sealAll({ store: new S3ObjectStore(s3rver.client, 'integrity-b'), integrityPrefix: 'integrity/', signer: localSigner(privateKey.export({ type: 'pkcs8', format: 'pem' })), now: new Date() });
  if (sealed.some((a) => a.error)) throw new Error(JSON.stringify(sealed));
});
test.after.always(async () => {
  await s3rver?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('verify --bucket --integrity-bucket --endpoint: a live, sealed bucket is intact (exit 0)', async (t) => {
  const run = await cli('verify', '--bucket', 'data-b', '--integrity-bucket', 'integrity-b', '--endpoint', s3rver.endpoint, '--public-key', keyFile, '--account', 'acme', '--from', TODAY, '--to', TODAY);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /^acme: \d+ digests .*1 objects, 1 intact, 0 findings$/m);
  t.regex(run.stdout, /^verify: intact: 1 account\(s\)/m);
});

test('verify without the integrity bucket finds no chain: the object is "inserted" (exit 1)', async (t) => {
  const run = await cli('verify', '--bucket', 'data-b', '--endpoint', s3rver.endpoint, '--public-key', keyFile, '--all-accounts', '--from', TODAY, '--to', TODAY, '--json');
  t.is(run.code, 1);
  t.deepEqual(run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind), ['inserted']);
});

test('verify usage errors exit 2 and name what is wrong', async (t) => {
  const base = ['verify', '--local', dir, '--account', 'a'];
  const cases: Array<[string[], RegExp]> = [
    [[...base, '--from', TODAY, '--to', TODAY], /--public-key is required/],
    [[...base, '--public-key', keyFile, '--from', '2026-12-02', '--to', '2026-12-01'], /--from 2026-12-02 is after --to 2026-12-01/],
    [[...base, '--public-key', keyFile, '--from', '2026-13-01', '--to', TODAY], /--from must be a day YYYY-MM-DD/],
    [[...base, '--public-key', keyFile, '--all-accounts', '--from', TODAY, '--to', TODAY], /either --account A or --all-accounts/],
    [[...base, '--public-key', keyFile, '--bucket', 'b', '--from', TODAY, '--to', TODAY], /either --bucket B \(S3\) or --local DIR/],
    [[...base, '--public-key', join(dir, 'missing.pem'), '--from', TODAY, '--to', TODAY], /--public-key .*missing\.pem: ENOENT/],
    [[...base, '--public-key', keyFile, '--from', TODAY, '--to', TODAY, '--prefix', 'audit'], /--prefix must end with "\/"/],
  ];
  for (const [args, message] of cases) {
    const run = await cli(...args);
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, message);
  }
  t.is((await cli('verify', '--help')).code, 0);
});
