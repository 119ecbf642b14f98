/**
 * Writing and sealing against s3rver (create-only writes through the If-None-Match stand-in):
 * re-runs and concurrent writers of one account-day keep one manifest per object and a valid
 * chain; at-least-once duplicates are not tampering; hours without data are sealed; late
 * manifests go into a chained backfill digest; a key holding other content is never replaced.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import test from 'ava';
import { mockClient } from 'aws-sdk-client-mock';
import { digestKey, parseDigest } from '../../lambdas/integrity/digest.js';
import type { ObjectStore } from '../../lambdas/integrity/object-store.js';
import { sealAll } from '../../lambdas/integrity/seal.js';
import { kmsSigner, signatureHolds } from '../../lambdas/integrity/signer.js';
import { auditEventFactory, kinesisRecordFactory } from '../helpers/factories.js';
import { eventRecords, INTEGRITY_PREFIX, SEAL_TIME, sealedLog } from '../helpers/integrity.js';
import { listKeys, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

let s3rver: RunningS3rver;
test.before(async () => { s3rver = await startS3rver([]); });
test.after.always(async () => { await s3rver?.stop(); });

const manifestCount = async (bucket: string) => (await listKeys(s3rver.client, bucket, `${INTEGRITY_PREFIX}manifests/`)).length;

test('a batch run again, an hour later and after sealing: the same objects, no second manifest, the chain verifies', async (t) => {
  const log = await sealedLog(s3rver.client);
  const batch = [...eventRecords('acme', 8), ...eventRecords('globex', 2)];
  await log.write(batch);
  const manifests = await manifestCount(log.bucket);
  await log.seal();
  t.deepEqual((await log.write(batch, new Date('2026-12-01T13:30:00Z'))).batchItemFailures, []);
  t.is(await manifestCount(log.bucket), manifests);
  await log.seal(new Date('2026-12-01T15:00:00Z'));
  t.deepEqual((await log.verify({ now: new Date('2026-12-01T15:00:00Z') })).findings, []);
});

test('concurrent writers of one account-day (two shards, and one batch twice at once): every object sealed once, verify clean', async (t) => {
  const log = await sealedLog(s3rver.client);
  const shard0 = eventRecords('acme', 10, 'shardId-000000000000');
  const shard1 = eventRecords('acme', 10, 'shardId-000000000001');
  const results = await Promise.all([log.write(shard0), log.write(shard1), log.write(shard0), log.write(shard1)]);
  t.deepEqual(results.flatMap((r) => r.batchItemFailures), []);
  t.is(await manifestCount(log.bucket), 2);
  await log.seal();
  const { findings, accounts } = await log.verify();
  t.deepEqual(findings, []);
  t.is(accounts[0]!.intact, 2);
});

test('two sealers racing (the second listed the chain before the first wrote): the create-only sequence number lets one extend it, the other stops for that account', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write(eventRecords('acme', 2));
  // The late sealer's view: the digest folder as listed before the first sealer wrote.
  const stale: ObjectStore = Object.create(log.store, { list: { value: async (prefix: string) => (prefix.includes('/digests/') ? [] : log.store.list(prefix)) } });
  t.deepEqual((await log.seal(new Date('2026-12-01T12:00:00Z'))).map((a) => a.error), [undefined]);
  const late = await sealAll({ store: stale, integrityPrefix: INTEGRITY_PREFIX, signer: log.signer, now: new Date('2026-12-01T12:01:00Z') });
  t.regex(late[0]!.error ?? '', /0000000000\.json already exists with different content/);
  t.deepEqual((await log.verify({ to: '2026-12-01', now: new Date('2026-12-01T12:00:00Z') })).findings, []);
});

test('a digest PUT whose answer was lost and that the SDK sends again finds its own bytes: the chain goes on, verify clean', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write(eventRecords('acme', 2));
  let resent = 0;
  const flaky: ObjectStore = Object.create(log.store, { putCreateOnly: { value: async (key: string, body: string, options: Parameters<ObjectStore['putCreateOnly']>[2]) => {
    await log.store.putCreateOnly(key, body, options);
    resent += 1;
    return log.store.putCreateOnly(key, body, options);
  } } });
  const runs = await sealAll({ store: flaky, integrityPrefix: INTEGRITY_PREFIX, signer: log.signer, now: SEAL_TIME });
  t.deepEqual(runs.map((a) => [a.error, a.hours]), [[undefined, 2]]);
  t.is(resent, 2);
  t.deepEqual((await log.verify()).findings, []);
});

test('a duplicate event (at-least-once: the same record put twice, stored in two objects) is not reported', async (t) => {
  const log = await sealedLog(s3rver.client);
  const event = JSON.stringify(auditEventFactory({ account_id: 'acme', time: '2026-12-01T09:00:00.000Z' }));
  await log.write([kinesisRecordFactory({ data: event }), ...eventRecords('acme', 2)]);
  await log.write([kinesisRecordFactory({ data: event })]);
  await log.seal();
  const { findings, accounts } = await log.verify();
  t.deepEqual(findings, []);
  t.is(accounts[0]!.intact, 2);
});

test('hours without data get a digest; a manifest written under an hour already sealed goes into a chained backfill digest', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write(eventRecords('acme', 3));
  await log.seal(new Date('2026-12-01T12:00:00Z'));
  // A slow write: its clock read 10:55, the PUT landed after hour 10 was sealed.
  await log.write(eventRecords('acme', 2, 'shardId-000000000003'), new Date('2026-12-01T10:55:00Z'));
  await log.seal(new Date('2026-12-01T14:00:00Z'));
  const digests = await Promise.all([0, 1, 2, 3].map(async (n) => {
    const key = digestKey(INTEGRITY_PREFIX, 'acme', n);
    return parseDigest(key, (await readObjectBytes(s3rver.client, log.bucket, key)).toString('utf8')).body;
  }));
  t.deepEqual(digests.map((d) => [d.kind, d.hour, d.entries.length]), [['hour', '2026-12-01T10', 1], ['backfill', '2026-12-01T10', 1], ['hour', '2026-12-01T11', 0], ['hour', '2026-12-01T12', 0]]);
  t.deepEqual((await log.verify({ now: new Date('2026-12-01T14:00:00Z') })).findings, []);
});

// Serial: it swaps console.log to read the handler's log line, which concurrent tests would interleave.
test.serial('a key that already holds other content is never replaced: the batch fails and names it', async (t) => {
  const log = await sealedLog(s3rver.client);
  const batch = eventRecords('acme', 3);
  await log.write(batch);
  const [key] = (await listKeys(s3rver.client, log.bucket, 'audit/'));
  const other = gzipSync('{"other":true}\n');
  // Overwritten outside the writer (metadata gone, as after tampering): the re-run must not restore or replace it silently.
  await log.put(key!, other);
  const result = await log.write(batch);
  t.is(result.batchItemFailures.length, 3);
  t.regex(result.logs.join('\n'), /already exists with different content/);
  t.deepEqual(await readObjectBytes(s3rver.client, log.bucket, key!), other);
});

test('the sealer refuses to extend a chain whose head it cannot read, and says so for that account only', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write([...eventRecords('acme', 2), ...eventRecords('globex', 2)]);
  await log.seal(new Date('2026-12-01T12:00:00Z'));
  await log.put(digestKey(INTEGRITY_PREFIX, 'acme', 0), 'garbage');
  const runs = await log.seal(SEAL_TIME);
  t.regex(runs.find((a) => a.account_id === 'acme')!.error ?? '', /not extended past a digest it cannot read/);
  t.is(runs.find((a) => a.account_id === 'globex')!.hours, 1);
});

test('KMS signer (aws-sdk-client-mock: no local KMS): sends the SHA-256 as a DIGEST with ECDSA_SHA_256, and its DER answer verifies with the public key', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = Buffer.from('{"format":"http-audit-log/digest@1"}');
  const kms = mockClient(KMSClient);
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => {
    // What KMS does with MessageType DIGEST: sign the hash given; here signed over the body it must be the hash of.
    if (!Buffer.from(input.Message).equals(createHash('sha256').update(body).digest())) throw new Error('not the SHA-256 of the body');
    return { Signature: sign('sha256', body, privateKey), KeyId: 'arn:aws:kms:us-east-1:1:key/k' };
  });
  const signer = await kmsSigner(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:1:key/k');
  const signature = await signer.sign(body);
  const call = kms.commandCalls(SignCommand)[0]!.args[0].input;
  t.like(call, { KeyId: 'arn:aws:kms:us-east-1:1:key/k', MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
  t.true(signatureHolds(publicKey, body, signature));
  t.false(signatureHolds(publicKey, Buffer.from('{}'), signature));
  kms.restore();
});
