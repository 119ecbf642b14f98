import test from 'ava';
import { normalizeHeaders } from '../../core/event/headers.js';

test('every raw header shape becomes one lower-case map; repeats are joined', (t) => {
  const expected = { 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' };
  t.deepEqual(normalizeHeaders('Content-Type: application/json\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n'), expected);
  t.deepEqual(normalizeHeaders(['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']), expected);
  t.deepEqual(normalizeHeaders([Buffer.from('content-type'), Buffer.from('application/json'), Buffer.from('set-cookie'), Buffer.from('a=1'), Buffer.from('set-cookie'), Buffer.from('b=2')]), expected);
  t.deepEqual(normalizeHeaders([['content-type', 'application/json'], ['set-cookie', ['a=1', 'b=2']]]), expected);
  t.deepEqual(normalizeHeaders({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-num': 3 }), { ...expected, 'x-num': '3' });
  t.deepEqual(normalizeHeaders({ getHeaders: () => ({ 'content-type': 'application/json' }) }), { 'content-type': 'application/json' });
  t.deepEqual(normalizeHeaders(null), {});
});

test('a header named __proto__ cannot change the map', (t) => {
  const out = normalizeHeaders(['__proto__', 'x', 'a', 'b']);
  t.deepEqual(out, { a: 'b' });
  t.is(Object.getPrototypeOf(out), Object.prototype);
});
