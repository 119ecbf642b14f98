// `npm run demo -- --short` end to end, in a child process as a user runs it: kinesalite and
// s3rver in-process (real local stand-ins, nothing mocked), the named queries through DuckDB.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import test from 'ava';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_MS = 60_000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[]): Promise<Finished> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import=tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  // A demo that does not end by itself (a server or timer left running) fails here, not by ava's timeout.
  const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let keep: string;
test.before(async () => { keep = join(await mkdtemp(join(tmpdir(), 'demo-keep-')), 'copy'); });
test.after.always(async () => { if (keep) await rm(join(keep, '..'), { recursive: true, force: true }); });

test.serial('demo --short --keep DIR: runs the whole pipeline, prints every query as a table, loses nothing, verifies intact, names the object it tampered with, and exits 0 by itself within 60 s', async (t) => {
  t.timeout(LIMIT_MS + 10_000);
  const demo = await run(['cli/demo.ts', '--short', '--keep', keep]);
  const context = `exit ${demo.code} signal ${demo.signal} after ${demo.ms} ms\n--- stdout\n${demo.stdout}\n--- stderr\n${demo.stderr}`;
  t.is(demo.signal, null, context);
  t.is(demo.code, 0, context);
  t.true(demo.ms < LIMIT_MS, context);

  // The partition loader's statement, with the encoded account among the partitions.
  t.regex(demo.stdout, /ALTER TABLE `http_audit_log`\.`audit_events_raw` ADD IF NOT EXISTS\n {2}PARTITION \(account_id = '/);
  t.true(demo.stdout.includes("account_id = '~"), 'an encoded account id partition');
  t.true(demo.stdout.includes("o'hara & sons"), 'the account id that needs encoding, decoded in the output');

  // Every named query, printed as a table with its column headers.
  const tables: Record<string, RegExp> = {
    'requests-per-method': /^method +\| requests \| errors \| avg_duration_ms \| max_duration_ms$/m,
    errors: /^account_id +\| time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| error +\| duration_ms$/m,
    'slowest-calls': /^time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| duration_ms +\| error$/m,
    'account-window': /^time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| duration_ms +\| error +\| request_body +\| response_body$/m,
    'request-trail': /^time +\| id +\| user_id +\| method +\| url +\| status +\| duration_ms +\| error +\| request_body +\|.*\| client$/m,
  };
  for (const [name, header] of Object.entries(tables)) {
    t.true(demo.stdout.includes(`── ${name}  (`), `query ${name} announced`);
    t.regex(demo.stdout, header, `table header of ${name}`);
  }
  t.notRegex(demo.stdout, /^\(0 rows\)$/m, 'no empty table');

  // The verdict line: every event stored once per copy, compacted and queried exactly once.
  const verdict = /^(\d+) events sent, (\d+) lines stored \((\d+) of them duplicates\), (\d+) compacted, (\d+) queried$/m.exec(demo.stdout);
  t.truthy(verdict, context);
  const [sent, stored, duplicates, compacted, queried] = verdict!.slice(1).map(Number) as [number, number, number, number, number];
  t.true(sent > 100, `sent ${sent}`);
  t.true(duplicates > 0, 'duplicates were injected');
  t.is(stored, sent + duplicates);
  t.is(compacted, sent);
  t.is(queried, sent);
  t.regex(demo.stdout, new RegExp(`the view over the raw layout: ${sent} rows \\(${sent} distinct event ids`));
  t.regex(demo.stdout, new RegExp(`→ ${sent} rows, ${duplicates} duplicates dropped, 0 failed`));

  // Bytes per named query before and after compaction, for all five, with the same rows both times.
  for (const name of Object.keys(tables)) t.regex(demo.stdout, new RegExp(`^  ${name} +[\\d.]+ KiB +[\\d.]+ KiB +[\\d.]+ %$`, 'm'), name);
  t.notRegex(demo.stdout, /ROWS DIFFER/);
  t.false(demo.stdout.includes('DEMO FAILED'));

  // Tamper evidence: intact first, then the one changed object named as "lines".
  t.regex(demo.stdout, /verify \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d, all accounts: intact: \d+ objects checked/);
  t.regex(demo.stdout, /verify again: 1 finding\(s\), exit code 1:\n +\{"kind":"lines","key":"audit\/account_id=/);
});

test.serial('the copy --keep left verifies offline with http-audit-log verify --local (all accounts, one, --json), and a changed object in it is found', async (t) => {
  t.true((await readdir(keep)).includes('public-key.pem'));
  const range = ['--from', '2026-01-01', '--to', '2030-12-31'];
  const base = ['cli/main.ts', 'verify', '--local', keep, '--public-key', join(keep, 'public-key.pem'), ...range];
  const all = await run([...base, '--all-accounts']);
  t.is(all.code, 0, all.stdout + all.stderr);
  t.regex(all.stdout, /^verify: intact: \d+ account\(s\)/m);
  const one = await run([...base, '--account', "o'hara & sons", '--json']);
  t.is(one.code, 0, one.stdout + one.stderr);
  t.is(one.stdout, '');
  const folder = join(keep, 'audit', 'account_id=acme');
  const dayFolder = join(folder, (await readdir(folder))[0]!);
  const victim = (await readdir(dayFolder))[0]!;
  await writeFile(join(dayFolder, victim), gzipSync('{"id":"forged"}\n'));
  const found = await run([...base, '--all-accounts', '--json']);
  t.is(found.code, 1);
  const findings = found.stdout.trim().split('\n').map((line) => JSON.parse(line) as { kind: string; key: string; detail: string });
  t.is(findings.length, 1);
  t.like(findings[0], { key: `audit/account_id=acme/${dayFolder.slice(folder.length + 1)}/${victim}` });
  t.true(['lines', 'modified'].includes(findings[0]!.kind));
});
