/**
 * The package installed as a user installs it: `npm pack`, then for each row of
 * docs/dependencies.md's "What to install for each entry point" table a fresh project with the
 * tarball and exactly the packages that row names, where the entry point is imported and run.
 * Peers are installed at the versions this repository's lockfile holds, so npm's cache (filled by
 * `npm ci`) serves them. Each check prints one JSON line; nothing of this repository is on the
 * project's module path.
 */
import { generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'audit-install-'));
let tarball = '';
let s3: RunningS3rver;

interface Row { entry: string; packages: string[] }

/** The table's rows: `| entry point | \`npm install http-audit-log …\` |`. */
function documentedRows(): Row[] {
  const text = readFileSync(join(root, 'docs', 'dependencies.md'), 'utf8');
  const section = text.slice(text.indexOf('### What to install for each entry point'));
  return [...section.matchAll(/^\| (.+?) \| `npm install http-audit-log([^`]*)` \|$/gm)]
    .map((m) => ({ entry: m[1]!, packages: m[2]!.trim().split(/\s+/).filter(Boolean) }));
}

const installedVersion = (name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const OUTBOUND_POST = `
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"ok":true}')); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  await fetch('http://127.0.0.1:' + server.address().port + '/orders', { method: 'POST', body: '{"n":1}' });
  server.close();`;

/** The script each row runs in its project (an ES module), or the CLI arguments it runs. */
const CHECKS: Record<string, { script?: string; cli?: (env: { rawDir: string; s3Endpoint: string; keyFile: string }) => string[][] }> = {
  'the library with the memory, file or stdout sink; `/express`, `/koa`, `/schema`, `/sinks/file`': { script: `
    import http from 'node:http';
    import { auditLog, memorySink } from 'http-audit-log';
    import { expressMiddleware } from 'http-audit-log/express';
    import { koaMiddleware } from 'http-audit-log/koa';
    import { validateAuditEvent } from 'http-audit-log/schema';
    import { fileSink } from 'http-audit-log/sinks/file';
    const mem = memorySink();
    const audit = auditLog({ sink: mem, handleSignals: false });
    ${OUTBOUND_POST}
    await audit.flush();
    validateAuditEvent(mem.events[0]);
    const file = auditLog({ sink: 'file', file: { dir: process.env.CHECK_DIR }, handleSignals: false });
    await file.close();
    await audit.close();
    console.log(JSON.stringify({ events: mem.events.length, method: mem.events[0].method, body: mem.events[0].request_body,
      exports: [typeof expressMiddleware, typeof koaMiddleware, typeof fileSink] }));` },
  'the Kinesis sink (`sink: \'kinesis\'`, `/sinks/kinesis`)': { script: `
    import { auditLog } from 'http-audit-log';
    import { kinesisSink } from 'http-audit-log/sinks/kinesis';
    const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 'audit' }, handleSignals: false, onError: (e) => { console.error(e); process.exitCode = 1; } });
    await audit.close();
    console.log(JSON.stringify({ exports: [typeof kinesisSink], stats: audit.stats() }));` },
  'the Kinesis sink with `aggregate: true`': { script: `
    import { auditLog } from 'http-audit-log';
    const audit = auditLog({ sink: 'kinesis', kinesis: { streamName: 'audit', aggregate: true }, handleSignals: false, onError: (e) => { console.error(e); process.exitCode = 1; } });
    await audit.close();
    console.log(JSON.stringify({ stats: audit.stats() }));` },
  'the Firehose sink (`sink: \'firehose\'`, `/sinks/firehose`)': { script: `
    import { auditLog } from 'http-audit-log';
    import { firehoseSink } from 'http-audit-log/sinks/firehose';
    const audit = auditLog({ sink: 'firehose', firehose: { deliveryStreamName: 'audit' }, handleSignals: false, onError: (e) => { console.error(e); process.exitCode = 1; } });
    await audit.close();
    console.log(JSON.stringify({ exports: [typeof firehoseSink], stats: audit.stats() }));` },
  '`/lambdas/kinesis-to-s3`': { script: `
    import { createHandler, handler } from 'http-audit-log/lambdas/kinesis-to-s3';
    const puts = [];
    const s3 = { send: async (command) => { puts.push(command.input.Key); return {}; } };
    const event = { id: '0190d2e4-7c4a-7000-8000-000000000001', time: '2026-11-24T10:00:00.000Z', account_id: 'acme', user_id: null, request_id: null,
      method: 'POST', url: 'https://x.example/a', status: 200, duration_ms: 1, request_headers: {}, request_body: null, request_body_truncated: false,
      response_headers: {}, response_body: null, response_body_truncated: false, error: null, client: 'fetch', schema_version: 1 };
    const record = { eventID: 'shardId-000000000000:1', kinesis: { sequenceNumber: '1', data: Buffer.from(JSON.stringify(event)).toString('base64'), approximateArrivalTimestamp: 1 } };
    const result = await createHandler({ s3, bucket: 'audit-bucket' })({ Records: [record] });
    // Each object create-only with its manifest beside it (lambdas/integrity).
    console.log(JSON.stringify({ result, puts: puts.filter((k) => !k.startsWith('integrity/')), manifests: puts.filter((k) => k.startsWith('integrity/manifests/account_id=acme/')).length, exports: [typeof handler] }));` },
  '`/lambdas/partition-loader`': { script: `
    import { createHandler, handler } from 'http-audit-log/lambdas/partition-loader';
    const athena = { send: async () => { throw new Error('no query expected'); } };
    await createHandler({ athena, database: 'db', table: 'audit_events_raw', prefix: 'audit/' })({ Records: [] });
    console.log(JSON.stringify({ exports: [typeof handler] }));` },
  '`/lambdas/compactor`': { script: `
    import { createHandler, handler } from 'http-audit-log/lambdas/compactor';
    const s3 = { send: async () => ({ Contents: [], CommonPrefixes: [] }) };
    const report = await createHandler({ s3, bucket: 'audit-bucket' })();
    console.log(JSON.stringify({ report, exports: [typeof handler] }));` },
  '`/lambdas/digest`': { script: `
    import { generateKeyPairSync } from 'node:crypto';
    import { KMSClient } from '@aws-sdk/client-kms';
    import { createHandler, handler, kmsSigner, localSigner } from 'http-audit-log/lambdas/digest';
    const s3 = { send: async () => ({ Contents: [], CommonPrefixes: [] }) };
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const digestReport = await createHandler({ s3, integrityBucket: 'audit-bucket', signer: localSigner(privateKey.export({ type: 'pkcs8', format: 'pem' })) })();
    const kms = await kmsSigner(new KMSClient({}), 'arn:aws:kms:us-east-1:111122223333:key/k');
    console.log(JSON.stringify({ digestReport, exports: [typeof handler, typeof kms.sign] }));` },
  'the CLI: every `--help`, `athena ddl`': { cli: () => [['--help'], ['athena', 'ddl', '--help'], ['athena', 'ddl'], ['athena', 'query', '--help'], ['local', 'query', '--help'], ['compact', '--help'], ['verify', '--help']] },
  'the CLI: `verify --local`': { cli: ({ rawDir, keyFile }) => [['verify', '--local', rawDir, '--prefix', '', '--public-key', keyFile, '--all-accounts', '--from', '2026-11-24', '--to', '2026-11-24']] },
  'the CLI: `verify`': { cli: ({ s3Endpoint, keyFile }) => [['verify', '--bucket', 'install-bucket', '--endpoint', s3Endpoint, '--public-key', keyFile, '--all-accounts', '--from', '2026-11-24', '--to', '2026-11-24']] },
  'the CLI: `local query`': { cli: ({ rawDir }) => [['local', 'query', 'requests-per-method', '--dir', rawDir, '-p', 'account_id=acme', '-p', 'dt=2026-11-24', '--format', 'json']] },
  'the CLI: `athena query`, `athena ddl --apply`': { cli: () => [['athena', 'query', 'errors', '-p', 'dt=2026-11-24', '--region', 'us-east-1', '--timeout', '5']] },
  'the CLI: `compact`': { cli: ({ s3Endpoint }) => [['compact', '--bucket', 'install-bucket', '--all-closed', '--endpoint', s3Endpoint]] },
};

test.before(async () => {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  s3 = await startS3rver(['install-bucket']);
});
test.after.always(async () => {
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('docs/dependencies.md names an install line for every entry point, and this test checks each', (t) => {
  const rows = documentedRows();
  t.deepEqual(rows.map((r) => r.entry).sort(), Object.keys(CHECKS).sort());
});

async function project(name: string, packages: string[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  const specs = packages.map((p) => `${p}@${installedVersion(p)}`);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...specs], { cwd: dir, timeout: 180_000 });
  return dir;
}

/** Environment for the checks: offline AWS (no credentials lookup beyond these, no real endpoint). */
const CHECK_ENV = {
  ...process.env, NODE_NO_WARNINGS: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
  // Athena's endpoint points nowhere: the check proves the CLI loads its peer and reaches the network step.
  AWS_ENDPOINT_URL_ATHENA: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1',
};

async function cli(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(dir, 'node_modules', '.bin', 'http-audit-log');
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: dir, env: CHECK_ENV, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

for (const [index, row] of documentedRows().entries()) {
  test(`installed from the tarball with only ${['http-audit-log', ...row.packages].join(' ')}: ${row.entry}`, async (t) => {
    t.timeout(240_000);
    const check = CHECKS[row.entry];
    if (!check) return t.fail(`no check for the documented row "${row.entry}"`);
    const dir = await project(`p${index}`, row.packages);
    if (check.script) {
      writeFileSync(join(dir, 'check.mjs'), check.script);
      await mkdir(join(dir, 'file-sink'));
      const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: dir, env: { ...CHECK_ENV, CHECK_DIR: join(dir, 'file-sink') }, timeout: 60_000 });
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      t.log(JSON.stringify(report).slice(0, 300));
      if ('events' in report) t.like(report, { events: 1, method: 'POST', body: '{"n":1}' });
      if ('exports' in report) t.true((report.exports as string[]).every((x) => x === 'function'));
      if ('result' in report) t.deepEqual(report.result, { batchItemFailures: [] });
      if ('puts' in report) t.deepEqual(report.puts, ['audit/account_id=acme/dt=2026-11-24/shardId-000000000000_1.0_1.0.json.gz']);
      if ('manifests' in report) t.is(report.manifests, 1);
      if ('digestReport' in report) t.deepEqual(report.digestReport, { accounts: [] });
      if ('stats' in report) t.like(report.stats, { dropped: 0, failed: 0 });
      if ('report' in report) t.deepEqual(report.report, { compacted: [], skipped: [], failed: [] });
      return;
    }
    const rawDir = join(dir, 'raw', 'account_id=acme', 'dt=2026-11-24');
    await mkdir(rawDir, { recursive: true });
    const event = { id: '0190d2e4-7c4a-7000-8000-000000000002', time: '2026-11-24T10:00:00.000Z', account_id: 'acme', user_id: null, request_id: null, method: 'PUT', url: 'https://x.example/a', status: 200, duration_ms: 2, request_headers: {}, request_body: null, request_body_truncated: false, response_headers: {}, response_body: null, response_body_truncated: false, error: null, client: 'fetch', schema_version: 1 };
    await writeFile(join(rawDir, 'a.json.gz'), gzipSync(`${JSON.stringify(event)}\n`));
    const keyFile = join(dir, 'public-key.pem');
    await writeFile(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    for (const args of check.cli!({ rawDir: join(dir, 'raw'), s3Endpoint: s3.endpoint, keyFile })) {
      const r = await cli(dir, args);
      const what = `${args.join(' ')} → exit ${r.code}\n${r.stderr}`;
      t.notRegex(r.stderr, /needs the package|Cannot find (package|module)/, what);
      if (args[0] === 'athena' && args[1] === 'query' && !args.includes('--help')) {
        // No Athena here: the call itself fails (exit 1), after the peer loaded and the query was bound.
        t.is(r.code, 1, what);
        continue;
      }
      if (args[0] === 'verify' && args.includes('--local')) {
        // An object that no digest lists: found and named, exit 1.
        t.is(r.code, 1, what);
        t.regex(r.stdout, /^INSERTED +account_id=acme\/dt=2026-11-24\/a\.json\.gz: /m, what);
        continue;
      }
      t.is(r.code, 0, what);
      if (args[0] === 'verify' && !args.includes('--help')) t.regex(r.stdout, /^verify: intact: 0 account\(s\)/m, what);
      if (args.includes('requests-per-method')) t.like(JSON.parse(r.stdout.trim()), { method: 'PUT', requests: 1 });
      if (args[0] === 'compact' && !args.includes('--help')) t.regex(r.stdout, /^0 compacted, 0 skipped, 0 failed$/m);
    }
  });
}
