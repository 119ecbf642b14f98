import test from 'ava';
import { compileRedactor } from '../../core/event/redaction/index.js';

const r = compileRedactor({ redactKeys: [] });
const R = '[REDACTED]';
const body = (text: string) => r.body(text, 'application/json')!;

test('the scanner keeps the body byte for byte except the redacted values', (t) => {
  const input = '{\n  "user": "ann",\n  "password" : "p w",\n  "n": 1\n}';
  t.is(body(input), '{\n  "user": "ann",\n  "password" : "[REDACTED]",\n  "n": 1\n}');
});

test('a sensitive key with an object or array value loses the whole value', (t) => {
  t.is(body('{"secret":{"a":[1,{"b":"}"}]},"ok":1}'), '{"secret":"[REDACTED]","ok":1}');
  t.is(body('{"tokens":["a","b"],"ok":true}'), '{"tokens":"[REDACTED]","ok":true}');
  t.is(body('{"pin":1234,"cvv":null,"x":false}'), '{"pin":"[REDACTED]","cvv":"[REDACTED]","x":false}');
});

test('escaped quotes: values that look like keys are not keys; escaped keys are decoded', (t) => {
  t.is(body('{"note":"say \\"password\\": hi","password":"x"}'), '{"note":"say \\"password\\": hi","password":"[REDACTED]"}');
  t.is(body('{"pass\\u0077ord":"x"}'), '{"pass\\u0077ord":"[REDACTED]"}');
  t.is(body('{"a":"ends with backslash \\\\","token":"t"}'), '{"a":"ends with backslash \\\\","token":"[REDACTED]"}');
});

test('cut off by maxBodyBytes: a sensitive value running to the end is still redacted', (t) => {
  t.is(body('{"a":1,"password":"hunt'), '{"a":1,"password":"[REDACTED]"');
  t.is(body('{"a":1,"secret":{"x":"y'), '{"a":1,"secret":"[REDACTED]"');
  t.is(body('{"items":[{"token":"abc"},{"q":"'), '{"items":[{"token":"[REDACTED]"},{"q":"');
});

test('card numbers as bare numbers and inside strings; JSON nested in a string', (t) => {
  t.is(body('{"n":4111111111111111,"m":4111111111111112}'), `{"n":"${R}","m":4111111111111112}`);
  t.is(body('{"c":"card 4111-1111-1111-1111 ok"}'), `{"c":"card ${R} ok"}`);
  const nested = JSON.stringify({ payload: JSON.stringify({ refresh_token: 'zz', keep: 1 }) });
  t.deepEqual(JSON.parse(JSON.parse(body(nested)).payload), { refresh_token: R, keep: 1 });
});

test('a body labelled JSON that is not: card numbers with separators between strings are still redacted', (t) => {
  t.is(body('card 4111 1111 1111 1111 declined'), `card "${R}" declined`);
  t.is(body('{"n": 4111-1111-1111-1111}'), `{"n": "${R}"}`);
  t.is(body('{"a":"x"} 4111 1111 1111 1111'), `{"a":"x"} "${R}"`);
  // Not cards: a millisecond timestamp (network digit 1) and a failed Luhn check stay.
  t.is(body('{"t": 1764000000000, "m": 4111 1111 1111 1112}'), '{"t": 1764000000000, "m": 4111 1111 1111 1112}');
});

/** Reference: parse, walk, redact, compare structurally. */
function reference(value: unknown, sensitive: (k: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => reference(v, sensitive));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sensitive(k) ? R : reference(v, sensitive)]));
  }
  return value;
}

test('on random JSON documents the scanner agrees with parse-walk-serialize', (t) => {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const keys = ['id', 'name', 'password', 'apiKey', 'items', 'note', 'client_secret', 'qty', 'x-token', 'shipping', 'ssn', 'data'];
  const strings = ['plain', 'with "quotes"', 'back\\slash', 'unicode ✓ é', '', 'pin: 12', '{not json'];
  const gen = (depth: number): unknown => {
    const kind = rnd(depth > 3 ? 4 : 6);
    if (kind === 0) return strings[rnd(strings.length)];
    if (kind === 1) return rnd(100000) / 7;
    if (kind === 2) return [true, false, null][rnd(3)];
    if (kind === 3) return rnd(1000);
    if (kind === 4) return Array.from({ length: rnd(4) }, () => gen(depth + 1));
    return Object.fromEntries(Array.from({ length: rnd(5) }, () => [keys[rnd(keys.length)]!, gen(depth + 1)]));
  };
  const sensitive = (k: string) => ['password', 'apikey', 'clientsecret', 'xtoken', 'ssn'].includes(k.toLowerCase().replace(/[-_]/g, ''));
  for (let n = 0; n < 500; n++) {
    const doc = { root: gen(0), more: gen(1) };
    const text = JSON.stringify(doc, null, n % 3 === 0 ? 2 : undefined);
    t.deepEqual(JSON.parse(body(text)), reference(doc, sensitive), text);
  }
});
