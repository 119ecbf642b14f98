/**
 * The compactor's writes under tamper evidence, against s3rver (If-None-Match stand-in): its
 * Parquet files are create-only with manifests naming their inputs, so raw objects expired after
 * compaction and files replaced by a recompaction are expected absences, not deletions; a
 * repeated compaction of the same inputs writes the same bytes under the same name.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import test from 'ava';
import { createHandler as createCompactor } from '../../lambdas/compactor/index.js';
import { eventRecords, PREFIXES, sealedLog, type SealedLog } from '../helpers/integrity.js';
import { listKeys, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

let s3rver: RunningS3rver;
test.before(async () => { s3rver = await startS3rver([]); });
test.after.always(async () => { await s3rver?.stop(); });

const DAY_CLOSED = new Date('2026-12-02T03:00:00Z');
const compactor = (log: SealedLog, at: Date) => createCompactor({ s3: log.s3, bucket: log.bucket, prefix: PREFIXES[0], compactedPrefix: PREFIXES[1], now: () => at });
const parquetKeys = async (log: SealedLog) => (await listKeys(s3rver.client, log.bucket, PREFIXES[1])).filter((k) => k.endsWith('.parquet'));

test('raw objects expired after a sealed compaction, and Parquet files replaced by a sealed recompaction, verify clean; a changed Parquet file is "modified"', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write(eventRecords('acme', 6));
  await log.write(eventRecords('acme', 4, 'shardId-000000000001'));
  t.deepEqual((await compactor(log, DAY_CLOSED)({ account_id: 'acme', dt: '2026-12-01' })).failed, []);
  const [first] = await parquetKeys(log);
  // A late object: the day is compacted again under a new name, the old file deleted.
  await log.write(eventRecords('acme', 2, 'shardId-000000000002'), new Date('2026-12-02T03:10:00Z'));
  const again = await compactor(log, new Date('2026-12-02T03:20:00Z'))({ account_id: 'acme', dt: '2026-12-01' });
  t.is(again.compacted[0]!.rows, 12);
  const [second] = await parquetKeys(log);
  t.not(second, first);
  await log.seal(new Date('2026-12-02T06:00:00Z'));
  // The lifecycle rule expires the raw objects the compaction took in.
  for (const key of await listKeys(s3rver.client, log.bucket, PREFIXES[0])) await s3rver.client.send(new DeleteObjectCommand({ Bucket: log.bucket, Key: key }));
  const now = new Date('2026-12-02T06:00:00Z');
  const clean = await log.verify({ now });
  t.deepEqual(clean.findings, []);
  t.like(clean.accounts[0], { compactedAway: 3, superseded: 1, intact: 1 });

  const bytes = await readObjectBytes(s3rver.client, log.bucket, second!);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
  await log.put(second!, bytes);
  t.deepEqual((await log.verify({ now })).findings.map((f) => [f.kind, f.key]), [['modified', second]]);
});

test('a compaction repeated from the same inputs (its manifest lost after the file was written) writes the same bytes under the same name', async (t) => {
  const log = await sealedLog(s3rver.client);
  await log.write(eventRecords('acme', 5));
  await compactor(log, DAY_CLOSED)({ account_id: 'acme', dt: '2026-12-01' });
  const [file] = await parquetKeys(log);
  const bytes = await readObjectBytes(s3rver.client, log.bucket, file!);
  await s3rver.client.send(new DeleteObjectCommand({ Bucket: log.bucket, Key: `${PREFIXES[1]}account_id=acme/dt=2026-12-01/_manifest.json` }));
  const rerun = await compactor(log, new Date('2026-12-02T04:00:00Z'))({ account_id: 'acme', dt: '2026-12-01' });
  t.deepEqual(rerun.failed, []);
  t.deepEqual(await parquetKeys(log), [file]);
  t.deepEqual(await readObjectBytes(s3rver.client, log.bucket, file!), bytes);
});
