import test from 'ava';
import { compileRedactor } from '../../core/event/redaction/index.js';
import { auditLog, memorySink } from '../../index.js';
import { startApp, callApp } from '../helpers/apps.js';
import { callWith } from '../helpers/clients.js';
import { startUpstream } from '../helpers/servers.js';

const r = compileRedactor({ redactKeys: [] });
const R = '[REDACTED]';

for (const name of ['authorization', 'Proxy-Authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-amz-security-token', 'x-refresh-token', 'x-client-secret', 'x-session-id', 'X-CSRF-Token']) {
  test(`header ${name} is redacted by default`, (t) => {
    t.is(r.headers({ [name.toLowerCase()]: 'value', 'content-type': 'text/plain' })[name.toLowerCase()], R);
  });
}

test('ordinary headers are kept', (t) => {
  t.deepEqual(r.headers({ 'content-type': 'a', 'x-request-id': 'b', accept: 'c' }), { 'content-type': 'a', 'x-request-id': 'b', accept: 'c' });
});

for (const param of ['sig', 'Signature', 'AWSAccessKeyId', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'token', 'key', 'access_token', 'client_secret', 'password', 'my_api_key', 'refresh-token']) {
  test(`query parameter ${param} is redacted by default`, (t) => {
    const out = r.url(`https://s3.example.com/b/k?${param}=abc123&page=2#frag`);
    t.is(out, `https://s3.example.com/b/k?${param}=${encodeURIComponent(R)}&page=2#frag`);
    t.false(out.includes('abc123'));
  });
}

test('URL userinfo is stripped', (t) => {
  t.is(r.url('https://user:p%40ss@api.example.com/x?a=1'), 'https://api.example.com/x?a=1');
  t.is(r.url('http://api.example.com/a@b'), 'http://api.example.com/a@b', 'an @ in the path is not userinfo');
});

test('JSON body keys at any depth, arrays included', (t) => {
  const body = JSON.stringify({ user: { name: 'ann', password: 'p', profile: { apiKey: 'k', tokens: ['a'] } }, items: [{ client_secret: 's', qty: 1 }], ssn: '123-45-6789', cvv: 123 });
  const out = JSON.parse(r.body(body, 'application/json')!);
  t.deepEqual(out, { user: { name: 'ann', password: R, profile: { apiKey: R, tokens: R } }, items: [{ client_secret: R, qty: 1 }], ssn: R, cvv: R });
});

test('card numbers (Luhn-valid) are redacted anywhere in text; other digit runs are kept', (t) => {
  t.is(r.body('card 4111 1111 1111 1111 ok', 'text/plain'), `card ${R} ok`);
  t.is(r.body('order 4111111111111112 ok', 'text/plain'), 'order 4111111111111112 ok', 'fails Luhn: not a card');
  t.deepEqual(JSON.parse(r.body('{"n":"5500-0000-0000-0004","m":4012888888881881}', 'application/json')!), { n: R, m: R });
});

test('truncated JSON is redacted textually', (t) => {
  const cut = '{"a":1,"password":"hunter2","nested":{"token":"abc","x":"y';
  const out = r.body(cut, 'application/json')!;
  t.false(out.includes('hunter2'));
  t.false(out.includes('abc'));
  t.true(out.includes('"x":"y'));
});

test('form bodies are redacted by key', (t) => {
  t.is(r.body('user=ann&password=hunter2&pin=1234', 'application/x-www-form-urlencoded'), `user=ann&password=${encodeURIComponent(R)}&pin=${encodeURIComponent(R)}`);
});

test('other text holds either shape: key=value pairs and JSON fragments are both redacted', (t) => {
  // A JSON fragment alone (the form pass changes nothing, so its key positions are reused) …
  t.is(r.body('sent {"token":"abc","n":1} at 10:00', 'text/plain'), `sent {"token":"${R}","n":1} at 10:00`);
  // … and after a pair was redacted (the positions moved, so the JSON pass looks again). A
  // pair's value runs to the next `&`, as in a form.
  const out = r.body('password=hunter2&log {"secret":"s3","n":1}', 'text/plain')!;
  t.false(out.includes('hunter2'));
  t.false(out.includes('s3'));
  t.true(out.includes('"n":1'));
});

test('bodies without sensitive words are returned untouched (same string)', (t) => {
  const body = '{"sku":"A-1","qty":2}';
  t.is(r.body(body, 'application/json'), body);
});

test('the pre-filter looks for sensitive words shaped like keys, not for the words anywhere', (t) => {
  // Sensitive fragments inside values ("shipping" has "pin", "keyboard" has "key"): untouched.
  const values = '{"note":"standard shipping","item":"keyboard, black","n":"pin"}';
  t.is(r.body(values, 'application/json'), values);
  // Keys: the rest of the word, an optional quote (escaped in nested JSON), spaces, then : or =.
  t.is(JSON.parse(r.body('{"userPassword"  :"p"}', 'application/json')!).userPassword, R);
  t.is(JSON.parse(r.body('{"x-api-key":"k"}', 'application/json')!)['x-api-key'], R);
  const nested = JSON.parse(r.body(JSON.stringify({ payload: JSON.stringify({ session_token: 't', id: 1 }) }), 'application/json')!);
  t.deepEqual(JSON.parse(nested.payload), { session_token: R, id: 1 });
  t.is(r.body('a=1&my_api_key=xyz', 'application/x-www-form-urlencoded'), `a=1&my_api_key=${encodeURIComponent(R)}`);
});

test('card numbers are found whatever separates their digits: none, dashes, or a space between each digit', (t) => {
  for (const card of ['4111111111111111', '4111-1111-1111-1111', '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1', '41 11 11 11 11 11 11 11']) {
    t.is(r.body(`pay with ${card} now`, 'text/plain'), `pay with ${R} now`, card);
  }
  t.is(r.body('only 12 digits 411111111111 here', 'text/plain'), 'only 12 digits 411111111111 here');
});

test('user-supplied redactKeys apply to headers, query parameters and body keys; RegExps too', (t) => {
  const custom = compileRedactor({ redactKeys: ['X-Tenant-Secretish', 'email', /^internal_/] });
  t.is(custom.headers({ 'x-tenant-secretish': 'v' })['x-tenant-secretish'], R);
  t.is(custom.url('https://a/b?email=a@b.c&q=1'), `https://a/b?email=${encodeURIComponent(R)}&q=1`);
  t.deepEqual(JSON.parse(custom.body('{"email":"a@b.c","internal_note":"n","ok":1}', 'application/json')!), { email: R, internal_note: R, ok: 1 });
});

test.serial('end to end: nothing secret leaves the process, and the redact hook has the last word', async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const audit = auditLog({
    sink: mem,
    recordOutsideRequests: false,
    redactKeys: ['order_ref'],
    redact: (e) => {
      e.request_headers['x-hooked'] = 'yes';
    },
  });
  const app = await startApp('express', audit, () => callWith('fetch', `${upstream.url}/json?api_key=zzK1zz&X-Amz-Signature=zzS1zz&q=ok`, {
    body: JSON.stringify({ password: 'zzP1zz', order_ref: 'zzR1zz', card: '4111111111111111', nested: [{ refresh_token: 'zzT1zz' }] }),
    headers: { 'content-type': 'application/json', authorization: 'Bearer zzA1zz', cookie: 'sid=zzC1zz', 'x-api-key': 'zzX1zz' },
  }));
  try {
    await callApp(`${app.url}/x`, { 'x-account': 'acme' });
    await audit.flush();
    const wire = JSON.stringify(mem.events);
    for (const secret of ['zzP1zz', 'zzR1zz', '4111111111111111', 'zzT1zz', 'zzA1zz', 'zzC1zz', 'zzX1zz', 'zzK1zz', 'zzS1zz']) t.false(wire.includes(secret), secret);
    t.is(mem.events.length, 1);
    t.is(mem.events[0]!.request_headers['x-hooked'], 'yes');
    t.true(mem.events[0]!.url.endsWith('q=ok'));
  } finally {
    await audit.close();
    await app.close();
    await upstream.close();
  }
});

test('every default body-key name contains one of the pre-filter fragments', async (t) => {
  const { BODY_KEY_FRAGMENTS, DEFAULT_REDACTION } = await import('../../core/event/redaction/index.js');
  for (const name of [...DEFAULT_REDACTION.bodyKeys.exact, ...DEFAULT_REDACTION.bodyKeys.containing]) {
    t.true(BODY_KEY_FRAGMENTS.some((f) => name.replace(/[-_]/g, '').includes(f)), name);
  }
});

test('keys the older pre-filter missed: other characters after the word, whitespace before the colon, percent-encoded form names', (t) => {
  t.is(JSON.parse(r.body('{"token.value":"t1","ok":1}', 'application/json')!)['token.value'], R);
  t.is(JSON.parse(r.body('{"token holder":"a1"}', 'application/json')!)['token holder'], R);
  t.is(JSON.parse(r.body('{"Password Confirmation" : "a2"}', 'application/json')!)['Password Confirmation'], R);
  t.is(JSON.parse(r.body('{"password"\n\t:"p1"}', 'application/json')!).password, R);
  t.is(r.body('user=ann&%70assword=p1', 'application/x-www-form-urlencoded'), `user=ann&%70assword=${encodeURIComponent(R)}`);
});

/**
 * The JSON scanner looks closely only at keys and values that hold a hint (json-redaction.ts).
 * A redactor with a RegExp key that never matches checks every key instead: on generated bodies
 * both must give the same text, byte for byte.
 */
test('hinted scan and every-key scan agree on 2,000 generated bodies (keys, nesting, JSON in strings, cards, escapes)', (t) => {
  const everyKey = compileRedactor({ redactKeys: [/(?!)/] });
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const keys = ['id', 'note', 'password', 'userPassword', 'x-api-key', 'shipping', 'keyboard', 'token.value', 'pin', 'Pin Code', 'card_number', 'cardholder', 'author', 'é-token', 'pass"word', 'a\\b', 'secret', 'items', 'session_id', 'cvv2'];
  const strings = ['standard shipping', 'keyboard', '4111 1111 1111 1111', '4111111111111112', 'pin: 1234', 'token=abc', 'a "quoted" word', 'line\nbreak', 'ünïcode', ''];
  const value = (depth: number): unknown => {
    const kind = rand(depth > 2 ? 4 : 7);
    if (kind === 0) return strings[rand(strings.length)];
    if (kind === 1) return rand(3) === 0 ? 4012888888881881 : rand(1000);
    if (kind === 2) return [true, false, null][rand(3)];
    if (kind === 3) return JSON.stringify(value(depth + 2)); // JSON nested in a string
    if (kind === 4) return Array.from({ length: rand(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: 1 + rand(5) }, () => [keys[rand(keys.length)], value(depth + 1)]));
  };
  let redactedBodies = 0;
  for (let n = 0; n < 2_000; n++) {
    const body = JSON.stringify(value(0), null, rand(4) === 0 ? 2 : undefined);
    const text = rand(5) === 0 ? body.slice(0, rand(body.length)) : body; // cut by maxBodyBytes
    const hinted = r.body(text, 'application/json');
    t.is(hinted, everyKey.body(text, 'application/json'), text);
    if (hinted !== text) redactedBodies++;
  }
  t.true(redactedBodies > 300, `${redactedBodies} of the bodies had something redacted`);
});

test('query strings and forms: every shape of pair keeps its place; only flagged values change', (t) => {
  const E = encodeURIComponent(R);
  t.is(r.url('https://h/p?a=1&token=x&b&=v&token=y&&c=3#frag'), `https://h/p?a=1&token=${E}&b&=v&token=${E}&&c=3#frag`);
  t.is(r.url('https://h/p?token='), `https://h/p?token=${E}`);
  t.is(r.url('https://h/p?a=1&'), 'https://h/p?a=1&');
  t.is(r.url('https://h/p?'), 'https://h/p?');
  t.is(r.url('https://h/p?q=a=b&X-Amz-Signature=s=t'), `https://h/p?q=a=b&X-Amz-Signature=${E}`);
  t.is(r.url('https://h/p?access%5Ftoken=x&my+secret=y'), `https://h/p?access%5Ftoken=${E}&my+secret=${E}`);
  const plain = 'https://h/p?page=2&sort=asc';
  t.is(r.url(plain), plain);
  t.is(r.body('password=a&password=b', 'application/x-www-form-urlencoded'), `password=${E}&password=${E}`);
});
