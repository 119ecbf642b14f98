/**
 * The options around value detection: `detectSecrets: false` turns the built-in formats off,
 * `redactPatterns` adds the user's own (validated at auditLog(), the user's RegExp untouched),
 * and `redactKeys` and the `redact` hook keep working beside them. Also multipart bodies: text
 * parts are stored, file parts become size notes.
 */
import test from 'ava';
import { auditLog, ConfigurationError, memorySink } from '../../index.js';
import { compileRedactor } from '../../core/event/redaction/index.js';
import { callApp, startApp } from '../helpers/apps.js';
import { callWith } from '../helpers/clients.js';
import { syntheticSecrets } from '../helpers/secrets.js';
import { startUpstream } from '../helpers/servers.js';

const github = syntheticSecrets(3).find((s) => s.kind === 'github-token')!.value;

test('detectSecrets: false leaves formats alone, keeps names, cards and redactPatterns', (t) => {
  const r = compileRedactor({ redactKeys: [], detectSecrets: false, redactPatterns: [/ORD-\d{6}/g] });
  t.is(r.body(`see ${github}`, 'text/plain'), `see ${github}`);
  t.is(r.body('{"password":"x","n":"4111111111111111","o":"ORD-123456"}', 'application/json'), '{"password":"[REDACTED]","n":"[REDACTED]","o":"[REDACTED:custom]"}');
  const on = compileRedactor({ redactKeys: [] });
  t.is(on.body(`see ${github}`, 'text/plain'), 'see [REDACTED:github-token]');
});

test('redactPatterns apply to the URL, headers, bodies and error text, and mark their kind', async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const pattern = /EMP-\d{5}/; // not global: the audit log keeps its own global copy
  const audit = auditLog({ sink: mem, handleSignals: false, redactPatterns: [pattern], redactKeys: ['x-tenant'], redact: (e) => ({ ...e, user_id: 'hooked' }) });
  const app = await startApp('express', audit, () => callWith('fetch', `${upstream.url}/json?emp=EMP-12345`, { headers: { 'x-note': 'for EMP-54321', 'x-tenant': 't1', 'content-type': 'text/plain' }, body: 'employee EMP-11111 ok' }));
  try {
    await callApp(`${app.url}/x`, { 'x-account': 'acme' });
    await audit.flush();
    const [e] = mem.events;
    t.truthy(e);
    t.is(e!.url, `${upstream.url}/json?emp=[REDACTED:custom]`);
    t.is(e!.request_headers['x-note'], 'for [REDACTED:custom]');
    t.is(e!.request_headers['x-tenant'], '[REDACTED]', 'redactKeys still apply');
    t.is(e!.request_body, 'employee [REDACTED:custom] ok');
    t.is(e!.user_id, 'hooked', 'the redact hook still has the last word');
    t.is(pattern.lastIndex, 0);
    t.false(pattern.global, "the user's RegExp is not changed");
  } finally {
    await audit.close();
    await app.close();
    await upstream.close();
  }
});

test('bad redactPatterns and detectSecrets are refused at auditLog() with the option named', (t) => {
  const cases: Array<[unknown, RegExp, string]> = [
    [{ redactPatterns: /x/ }, /option "redactPatterns" must be an array of RegExps/, 'redactPatterns'],
    [{ redactPatterns: [/ok/, 'sk_'] }, /option "redactPatterns\[1\]" must be a RegExp, got "sk_"/, 'redactPatterns[1]'],
    [{ redactPatterns: [/a*/] }, /option "redactPatterns\[0\]" \(\/a\*\/\) matches the empty string/, 'redactPatterns[0]'],
    [{ detectSecrets: 'no' }, /option "detectSecrets" must be a boolean/, 'detectSecrets'],
  ];
  for (const [options, message, option] of cases) {
    const err = t.throws(() => auditLog({ sink: memorySink(), handleSignals: false, ...(options as object) }), { instanceOf: ConfigurationError });
    t.regex(err.message, message);
    t.is((err as ConfigurationError).option, option);
  }
});

test('multipart bodies: text parts stored and redacted by name and value, file parts as size notes', async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const audit = auditLog({ sink: mem, handleSignals: false });
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 255, 254]);
  const form = new FormData();
  form.append('user', 'ann');
  form.append('password', 'hunter2-xyz');
  form.append('note', `token ${github}`);
  form.append('avatar', new Blob([png], { type: 'image/png' }), 'a.png');
  const app = await startApp('express', audit, async () => {
    const r = await fetch(`${upstream.url}/upload`, { method: 'POST', body: form });
    return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
  });
  try {
    await callApp(`${app.url}/x`);
    await audit.flush();
    const body = mem.events[0]!.request_body!;
    t.regex(body, /name="user"\r\n\r\nann\r\n/);
    t.regex(body, /name="password"\r\n\r\n\[REDACTED\]\r\n/);
    t.regex(body, /name="note"\r\n\r\ntoken \[REDACTED:github-token\]\r\n/);
    t.regex(body, /filename="a.png"\r\nContent-Type: image\/png\r\n\r\n\[binary part: 14 bytes, image\/png\]\r\n/);
    t.false(body.includes('hunter2-xyz'));
    t.false(body.includes('\uFFFD'), 'no binary garbage stored');
  } finally {
    await audit.close();
    await app.close();
    await upstream.close();
  }
});
