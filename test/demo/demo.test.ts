// `npm run demo -- --short` end to end, in a child process as a user runs it: kinesalite and
// s3rver in-process (real local stand-ins, nothing mocked), the named queries through DuckDB.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

function runDemoShort(): Promise<Finished> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import=tsx', 'cli/demo.ts', '--short'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

test('demo --short: runs the whole pipeline, prints every query as a table, loses nothing and exits 0 by itself within 60 s', async (t) => {
  t.timeout(LIMIT_MS + 10_000);
  const run = await runDemoShort();
  const context = `exit ${run.code} signal ${run.signal} after ${run.ms} ms\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  t.is(run.signal, null, context);
  t.is(run.code, 0, context);
  t.true(run.ms < LIMIT_MS, context);

  // The partition loader's statement, with the encoded account among the partitions.
  t.regex(run.stdout, /ALTER TABLE `http_audit_log`\.`audit_events_raw` ADD IF NOT EXISTS\n {2}PARTITION \(account_id = '/);
  t.true(run.stdout.includes("account_id = '~"), 'an encoded account id partition');
  t.true(run.stdout.includes("o'hara & sons"), 'the account id that needs encoding, decoded in the output');

  // Every named query, printed as a table with its column headers.
  const tables: Record<string, RegExp> = {
    'requests-per-method': /^method +\| requests \| errors \| avg_duration_ms \| max_duration_ms$/m,
    errors: /^account_id +\| time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| error +\| duration_ms$/m,
    'slowest-calls': /^time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| duration_ms +\| error$/m,
    'account-window': /^time +\| id +\| user_id +\| request_id +\| method +\| url +\| status +\| duration_ms +\| error +\| request_body +\| response_body$/m,
    'request-trail': /^time +\| id +\| user_id +\| method +\| url +\| status +\| duration_ms +\| error +\| request_body +\|.*\| client$/m,
  };
  for (const [name, header] of Object.entries(tables)) {
    t.true(run.stdout.includes(`── ${name}  (`), `query ${name} announced`);
    t.regex(run.stdout, header, `table header of ${name}`);
  }
  t.notRegex(run.stdout, /^\(0 rows\)$/m, 'no empty table');

  // The verdict line: every event stored once per copy, compacted and queried exactly once.
  const verdict = /^(\d+) events sent, (\d+) lines stored \((\d+) of them duplicates\), (\d+) compacted, (\d+) queried$/m.exec(run.stdout);
  t.truthy(verdict, context);
  const [sent, stored, duplicates, compacted, queried] = verdict!.slice(1).map(Number) as [number, number, number, number, number];
  t.true(sent > 100, `sent ${sent}`);
  t.true(duplicates > 0, 'duplicates were injected');
  t.is(stored, sent + duplicates);
  t.is(compacted, sent);
  t.is(queried, sent);
  t.regex(run.stdout, new RegExp(`the view over the raw layout: ${sent} rows \\(${sent} distinct event ids`));
  t.regex(run.stdout, new RegExp(`→ ${sent} rows, ${duplicates} duplicates dropped, 0 failed`));

  // Bytes per named query before and after compaction, for all five, with the same rows both times.
  for (const name of Object.keys(tables)) t.regex(run.stdout, new RegExp(`^  ${name} +[\\d.]+ KiB +[\\d.]+ KiB +[\\d.]+ %$`, 'm'), name);
  t.notRegex(run.stdout, /ROWS DIFFER/);
  t.false(run.stdout.includes('DEMO FAILED'));
});
