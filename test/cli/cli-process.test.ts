// The CLI as users run it: a separate node process (`node --import=tsx cli/main.ts …`).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import test from 'ava';
import type { AuditEvent } from '../../core/schema.js';
import { createFixtureDir, isErrorEvent, ODD_ACCOUNT } from '../helpers/athena-fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import=tsx', 'cli/main.ts', ...args], { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let dir = '';
let events: AuditEvent[] = [];
test.before(async () => {
  ({ dir, events } = await createFixtureDir());
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test.serial('--help lists the commands and exits 0; no arguments prints it to stderr and exits 2', async (t) => {
  const help = await cli('--help');
  t.is(help.code, 0);
  for (const command of ['athena ddl', 'athena query', 'local query', 'compact']) t.true(help.stdout.includes(command), command);
  const bare = await cli();
  t.is(bare.code, 2);
  t.true(bare.stderr.includes('Usage: http-audit-log'));
});

test.serial('--help on each command; with a query name it shows that query\'s parameters', async (t) => {
  const [ddl, athenaQuery, localQuery, oneQuery] = await Promise.all([
    cli('athena', 'ddl', '--help'), cli('athena', 'query', '--help'), cli('local', 'query', '--help'), cli('local', 'query', 'account-window', '--help'),
  ]);
  t.is(ddl.code, 0);
  t.true(ddl.stdout.includes('--projection'));
  for (const r of [athenaQuery, localQuery]) {
    t.is(r.code, 0);
    for (const name of ['account-window', 'errors', 'request-trail', 'requests-per-method', 'slowest-calls']) t.true(r.stdout.includes(name), name);
  }
  t.is(oneQuery.code, 0);
  t.regex(oneQuery.stdout, /url_like \(string, optional\)/);
  t.regex(oneQuery.stdout, /limit \(int, default 1000\)/);
});

test.serial('local query over the fixture prints a table of the right rows', async (t) => {
  const expected = events.filter((e) => e.time.startsWith('2026-02-01') && isErrorEvent(e) && e.account_id === ODD_ACCOUNT);
  const r = await cli('local', 'query', 'errors', '--dir', dir, '--param', 'dt=2026-02-01', '--param', `account_ids=${ODD_ACCOUNT}`);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^account_id +\| time +\| id +\| user_id/);
  t.is(lines.at(-1), `(${expected.length} rows)`);
  t.is(lines.length, expected.length + 3);
  for (const e of expected) t.true(r.stdout.includes(e.id), e.id);
  t.true(lines.slice(2, -1).every((l) => l.startsWith(ODD_ACCOUNT)), 'account ids are shown decoded');
});

test.serial('local query --format json prints one object per row', async (t) => {
  const r = await cli('local', 'query', 'request-trail', '--dir', dir, '-p', 'request_id=req-0-0-0', '-p', 'account_id=acme', '-p', 'dt=2026-01-30', '--format', 'json');
  t.is(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string });
  t.deepEqual(rows.map((x) => x.id).sort(), events.filter((e) => e.request_id === 'req-0-0-0').map((e) => e.id).sort());
});

test.serial('an unknown query name exits 2 and lists the known ones', async (t) => {
  const r = await cli('local', 'query', 'slowest', '--dir', dir);
  t.is(r.code, 2);
  t.is(r.stderr, 'http-audit-log: unknown query "slowest"; known queries: account-window, errors, request-trail, requests-per-method, slowest-calls\n');
});

test.serial('a missing parameter exits 2 and names it; an unknown option and unknown command too', async (t) => {
  const missing = await cli('local', 'query', 'slowest-calls', '--dir', dir, '--param', 'account_id=acme', '--param', 'from=2026-01-30');
  t.is(missing.code, 2);
  t.regex(missing.stderr, /missing parameter to \(date\)/);
  const option = await cli('local', 'query', 'errors', '--dir', dir, '--bogus');
  t.is(option.code, 2);
  t.regex(option.stderr, /Unknown option '--bogus'/);
  const command = await cli('athena', 'drop');
  t.is(command.code, 2);
  t.regex(command.stderr, /unknown command "athena drop"/);
});

test.serial('athena ddl prints the DDL with the given bucket and prefix', async (t) => {
  const r = await cli('athena', 'ddl', '--bucket', 'audit-bucket', '--prefix', 'audit/');
  t.is(r.code, 0, r.stderr);
  t.true(r.stdout.includes("LOCATION 's3://audit-bucket/audit/'"));
  t.true(r.stdout.includes('PARTITIONED BY (`account_id` string, `dt` string)'));
});
