import test from 'ava';
import { uuidv7 } from '../core/event/uuid-v7.js';

test('uuidv7: RFC 9562 layout, time prefix, unique, sortable by time', (t) => {
  const ms = Date.UTC(2026, 10, 25, 16, 0, 0, 123);
  const ids = Array.from({ length: 5000 }, () => uuidv7(ms));
  for (const id of ids.slice(0, 50)) t.regex(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.is(new Set(ids).size, ids.length);
  t.is(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16), ms);
  t.true(uuidv7(ms) < uuidv7(ms + 1));
});
