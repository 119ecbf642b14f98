// `http-audit-log compact` as users run it: a separate node process against s3rver, then
// `local query --compacted-dir` over the downloaded compacted prefix.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import test from 'ava';
import type { AuditEvent } from '../../core/schema.js';
import { auditEventFactory } from '../helpers/factories.js';
import { listKeys, readObjectBytes, startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUCKET = 'audit-bucket';
// Far in the past: closed whatever day the test runs.
const DAY = '2025-06-01';

function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import=tsx', 'cli/main.ts', ...args], { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function putRaw(s3: RunningS3rver, key: string, events: readonly AuditEvent[]): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipSync(events.map((e) => `${JSON.stringify(e)}\n`).join('')) }));
}

const eventsOf = (n: number, account: string) => Array.from({ length: n }, (_, i) => auditEventFactory({
  account_id: account, time: new Date(Date.parse(`${DAY}T08:00:00.000Z`) + i * 1000).toISOString(),
}));

test('compact --account --dt compacts one day (duplicates dropped), a re-run is up to date, --all-closed takes the rest; local query reads the result', async (t) => {
  const s3 = await startS3rver([BUCKET]);
  const dir = await mkdtemp(join(tmpdir(), 'compact-cli-'));
  try {
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const odd = 'o\'hara & sons';
    const acme = eventsOf(6, 'acme');
    await putRaw(s3, `audit/account_id=acme/dt=${DAY}/a.json.gz`, acme.slice(0, 4));
    await putRaw(s3, `audit/account_id=acme/dt=${DAY}/b.json.gz`, acme.slice(2));
    const oddEvents = eventsOf(3, odd);
    await putRaw(s3, `audit/account_id=~${Buffer.from(odd).toString('base64url')}/dt=${DAY}/a.json.gz`, oddEvents);
    const common = ['--bucket', BUCKET, '--endpoint', s3.endpoint];

    const one = await cli(env, 'compact', ...common, '--account', 'acme', '--dt', DAY);
    t.is(one.code, 0, one.stderr);
    t.regex(one.stdout, new RegExp(`^compacted acme/${DAY}: 2 objects → 6 rows \\(2 duplicates dropped\\) audit-compacted/account_id=acme/dt=${DAY}/events-[0-9a-f]{12}-00000\\.parquet$`, 'm'));
    t.regex(one.stdout, /^1 compacted, 0 skipped, 0 failed$/m);

    const again = await cli(env, 'compact', ...common, '--account', 'acme', '--dt', DAY, '--format', 'json');
    t.is(again.code, 0, again.stderr);
    t.deepEqual(JSON.parse(again.stdout), { compacted: [], skipped: [{ account_id: 'acme', dt: DAY, reason: 'up to date' }], failed: [] });

    const all = await cli(env, 'compact', ...common, '--all-closed', '--lookback-days', '100000');
    t.is(all.code, 0, all.stderr);
    t.regex(all.stdout, /^compacted ~[A-Za-z0-9_-]+\/2025-06-01: 1 objects → 3 rows/m);
    t.regex(all.stdout, /^skipped {3}acme\/2025-06-01: up to date$/m);

    // Download the compacted prefix and query it through the view.
    for (const key of await listKeys(s3.client, BUCKET, 'audit-compacted/')) {
      const path = join(dir, key.slice('audit-compacted/'.length));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await readObjectBytes(s3.client, BUCKET, key));
    }
    const q = await cli({}, 'local', 'query', 'requests-per-method', '--compacted-dir', dir, '--param', 'account_id=acme', '--param', `dt=${DAY}`, '--format', 'json');
    t.is(q.code, 0, q.stderr);
    t.like(JSON.parse(q.stdout.trim()), { method: 'POST', requests: 6 });
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('compact: usage errors exit 2 and name what is wrong', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['compact'], /--bucket is required/],
    [['compact', '--bucket', 'b-1'], /either --account and --dt, or --all-closed/],
    [['compact', '--bucket', 'b-1', '--account', 'acme'], /--account and --dt go together/],
    [['compact', '--bucket', 'b-1', '--all-closed', '--dt', DAY], /either --account and --dt, or --all-closed/],
    [['compact', '--bucket', 'Bad_Bucket', '--all-closed'], /AUDIT_LOG_BUCKET \(option "bucket"\) must be an S3 bucket name/],
    [['compact', '--bucket', 'b-1', '--account', 'acme', '--dt', '2026-02-30', '--endpoint', 'http://127.0.0.1:9'], /dt must be a date written YYYY-MM-DD/],
    [['compact', '--bucket', 'b-1', '--all-closed', '--lateness-minutes=1.5'], /--lateness-minutes must be a whole number/],
    [['compact', '--bucket', 'b-1', '--all-closed', '--endpoint', 'localhost:9000'], /--endpoint must be an http\(s\):\/\/ URL/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli({}, ...args)));
  results.forEach((r, i) => {
    t.is(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, cases[i]![1]);
  });
  const help = await cli({}, 'compact', '--help');
  t.is(help.code, 0);
  t.regex(help.stdout, /--all-closed/);
});
