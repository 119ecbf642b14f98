/**
 * Tamper evidence against s3rver (create-only writes through the If-None-Match stand-in, named
 * in test/helpers/integrity.ts) with a local P-256 key: each kind of tampering is found and named
 * with its key; the untouched log verifies clean.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import test from 'ava';
import { digestKey, parseDigest, serializeDigest, entriesRoot } from '../../lambdas/integrity/digest.js';
import { verifyAccounts } from '../../lambdas/integrity/verify.js';
import { listKeys, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';
import { eventRecords, INTEGRITY_PREFIX, sealedLog, type SealedLog } from '../helpers/integrity.js';

let s3rver: RunningS3rver;
test.before(async () => { s3rver = await startS3rver([]); });
test.after.always(async () => { await s3rver?.stop(); });

async function written(): Promise<{ log: SealedLog; objects: string[] }> {
  const log = await sealedLog(s3rver.client);
  await log.write([...eventRecords('acme', 6), ...eventRecords('globex', 4), ...eventRecords('acme', 3, 'shardId-000000000000', '2026-11-30')]);
  await log.write(eventRecords('acme', 5, 'shardId-000000000001'));
  const sealed = await log.seal();
  if (sealed.some((a) => a.error)) throw new Error(JSON.stringify(sealed));
  return { log, objects: (await listKeys(s3rver.client, log.bucket, 'audit/')).filter((k) => k.endsWith('.json.gz')) };
}

const lines = (body: Buffer) => gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
const kinds = (findings: Array<{ kind: string }>) => findings.map((f) => f.kind);

test('an untouched log verifies clean: every object intact, hours 10 and 11 sealed for both accounts', async (t) => {
  const { log, objects } = await written();
  const { findings, accounts } = await log.verify();
  t.deepEqual(findings, []);
  t.is(objects.length, 4);
  t.is(accounts.reduce((n, a) => n + a.intact, 0), 4);
  t.deepEqual(accounts.map((a) => [a.account_id, a.firstHour, a.lastHour, a.digests]), [['acme', '2026-12-01T10', '2026-12-01T11', 2], ['globex', '2026-12-01T10', '2026-12-01T11', 2]]);
});

test('a line removed from an object, and one added to another: kind "lines", with the key', async (t) => {
  const { log, objects } = await written();
  const [first, second] = objects as [string, string];
  const a = lines(await readObjectBytes(s3rver.client, log.bucket, first));
  await log.put(first, gzipSync(`${a.slice(1).join('\n')}\n`));
  const b = lines(await readObjectBytes(s3rver.client, log.bucket, second));
  await log.put(second, gzipSync(`${[...b, b[0]].join('\n')}\n`));
  const { findings } = await log.verify();
  t.deepEqual(findings.map((f) => [f.kind, f.key]).sort(), [['lines', first], ['lines', second]].sort());
  t.regex(findings.find((f) => f.key === first)!.detail, /1 line\(s\) removed/);
  t.regex(findings.find((f) => f.key === second)!.detail, /1 line\(s\) added/);
});

test('a field changed inside an event: kind "modified"; the object deleted: "deleted"; an object added: "inserted"', async (t) => {
  const { log, objects } = await written();
  const [changed, removed] = objects as [string, string];
  const a = lines(await readObjectBytes(s3rver.client, log.bucket, changed));
  await log.put(changed, gzipSync(`${[a[0]!.replace(/"status":\d+/, '"status":200'), ...a.slice(1)].join('\n')}\n`));
  await log.remove(removed);
  const inserted = 'audit/account_id=acme/dt=2026-12-01/shardId-000000000009_1.0_2.0.json.gz';
  await log.put(inserted, gzipSync(`${a[0]}\n`));
  const { findings } = await log.verify();
  t.deepEqual(findings.map((f) => [f.kind, f.key]).sort(), [['deleted', removed], ['inserted', inserted], ['modified', changed]].sort());
});

test('a digest edited (an entry dropped, Merkle root recomputed): kind "chain", the signature no longer verifies, and the next digest no longer links to it', async (t) => {
  const { log } = await written();
  const key = digestKey(INTEGRITY_PREFIX, 'acme', 0);
  const digest = parseDigest(key, (await readObjectBytes(s3rver.client, log.bucket, key)).toString('utf8'));
  const entries = digest.body.entries.slice(1);
  t.true(digest.body.entries.length > 1);
  await log.put(key, serializeDigest(JSON.stringify({ ...digest.body, entries, merkleRoot: entriesRoot(entries) }), digest.signature));
  const { findings } = await log.verify();
  const chain = findings.filter((f) => f.kind === 'chain');
  t.true(chain.some((f) => f.key === key && /signature does not verify/.test(f.detail)), JSON.stringify(findings));
  t.true(chain.some((f) => f.key === digestKey(INTEGRITY_PREFIX, 'acme', 1) && /does not link/.test(f.detail)), JSON.stringify(findings));
  // The object it no longer lists is now one no digest lists.
  t.true(findings.some((f) => f.kind === 'inserted' && f.key === digest.body.entries[0]!.object));
});

test('a digest deleted from the middle: "chain" naming the missing number; the latest ones deleted: "gap" in a live bucket', async (t) => {
  const { log } = await written();
  await log.seal(new Date('2026-12-01T16:00:00Z'));
  await log.remove(digestKey(INTEGRITY_PREFIX, 'globex', 1));
  for (const n of [3, 4]) await log.remove(digestKey(INTEGRITY_PREFIX, 'acme', n));
  const { findings } = await log.verify({ now: new Date('2026-12-01T17:00:00Z') });
  t.true(findings.some((f) => f.kind === 'chain' && f.key === digestKey(INTEGRITY_PREFIX, 'globex', 1)), JSON.stringify(findings));
  t.true(findings.some((f) => f.kind === 'gap' && /ends at hour 2026-12-01T12/.test(f.detail)), JSON.stringify(findings));
});

test('a missing hour in a chain signed with the right key (a sealer that skipped one): kind "gap"', async (t) => {
  const { log } = await written();
  const key = digestKey(INTEGRITY_PREFIX, 'acme', 1);
  const digest = parseDigest(key, (await readObjectBytes(s3rver.client, log.bucket, key)).toString('utf8'));
  const bodyLine = JSON.stringify({ ...digest.body, hour: '2026-12-01T12' });
  await log.put(key, serializeDigest(bodyLine, await log.signer.sign(Buffer.from(bodyLine))));
  const { findings } = await log.verify();
  t.deepEqual(kinds(findings), ['gap']);
  t.regex(findings[0]!.detail, /no digest for 1 hour\(s\) from 2026-12-01T11/);
});

test('a manifest changed to match a changed object: the manifest is "modified" (the digest holds its hash)', async (t) => {
  const { log } = await written();
  const manifests = await listKeys(s3rver.client, log.bucket, `${INTEGRITY_PREFIX}manifests/account_id=globex/`);
  t.is(manifests.length, 1);
  const text = (await readObjectBytes(s3rver.client, log.bucket, manifests[0]!)).toString('utf8');
  await log.put(manifests[0]!, text.replace(/"lines":\d+/, '"lines":3'));
  const { findings } = await log.verify();
  t.deepEqual(findings.map((f) => [f.kind, f.key]), [['modified', manifests[0]]]);
});

test('verified with another key than the one that signed: "chain" for every digest of both accounts', async (t) => {
  const { log } = await written();
  const other = await sealedLog(s3rver.client);
  const findings: Array<{ kind: string; detail: string }> = [];
  await verifyAccounts({ data: log.store, integrity: log.store, integrityPrefix: INTEGRITY_PREFIX, dataPrefixes: ['audit/'], accounts: ['acme', 'globex'], from: '2026-11-30', to: '2026-12-01', publicKey: other.publicKey, live: false, now: new Date(), report: (f) => findings.push(f) });
  t.is(findings.length, 4);
  t.true(findings.every((f) => f.kind === 'chain' && /signature does not verify/.test(f.detail)));
});
