/**
 * What the delivery path keeps alive. A finished call or a delivered event must not stay
 * reachable from the audit log's own structures: at thousands of calls per second, anything
 * kept a little longer is copied by every young-generation GC and promoted (docs/performance.md).
 */
import test from 'ava';
import { setImmediate as tick } from 'node:timers/promises';
import { IntrusiveList, type ListLinks } from '../../core/intrusive-list.js';
import { BatchQueue } from '../../core/delivery/batch-queue.js';
import { gc } from '../helpers/gc.js';

interface Item extends ListLinks<Item> {
  id: number;
}
const item = (id: number): Item => ({ id, listPrev: null, listNext: null });

test('IntrusiveList: add, has, delete and size; adding twice keeps one entry; deleting a stranger is false', (t) => {
  const list = new IntrusiveList<Item>();
  const [a, b, c] = [item(1), item(2), item(3)];
  list.add(a);
  list.add(b);
  list.add(c);
  list.add(b);
  t.is(list.size, 3);
  t.deepEqual([...list].map((x) => x.id), [1, 2, 3]);
  t.true(list.delete(b));
  t.false(list.delete(b));
  t.false(list.has(b));
  t.false(list.delete(item(9)));
  t.deepEqual([...list].map((x) => x.id), [1, 3]);
  t.true(list.delete(a));
  t.true(list.delete(c));
  t.is(list.size, 0);
  t.deepEqual([...list], []);
  // Reusable once empty, and a removed item can come back.
  list.add(b);
  t.deepEqual([...list].map((x) => x.id), [2]);
});

test('IntrusiveList: the current item can be deleted while iterating (the sweep finalizes as it walks)', (t) => {
  const list = new IntrusiveList<Item>();
  const items = [1, 2, 3, 4, 5].map(item);
  for (const x of items) list.add(x);
  const seen: number[] = [];
  for (const x of list) {
    seen.push(x.id);
    if (x.id % 2 === 1) list.delete(x);
  }
  t.deepEqual(seen, [1, 2, 3, 4, 5]);
  t.deepEqual([...list].map((x) => x.id), [2, 4]);
  list.clear();
  t.is(list.size, 0);
  t.true(items.every((x) => x.listPrev === null && x.listNext === null));
});

test('IntrusiveList: a removed item keeps no link to its former neighbours', (t) => {
  const list = new IntrusiveList<Item>();
  const [a, b, c] = [item(1), item(2), item(3)];
  for (const x of [a, b, c]) list.add(x);
  list.delete(b);
  t.is(b.listPrev, null);
  t.is(b.listNext, null);
  t.is(a.listNext, c);
  t.is(c.listPrev, a);
});

test('BatchQueue: an event taken for delivery is no longer reachable from the queue (collected by GC)', async (t) => {
  const queue = new BatchQueue<{ record: { bytes: number; payload: object } }>();
  let refs: Array<WeakRef<object>> = [];
  // Enough to stay below the compaction threshold: taken slots must be cleared one by one.
  (() => {
    for (let i = 0; i < 600; i++) {
      const payload = { i };
      refs.push(new WeakRef(payload));
      queue.push({ record: { bytes: 10, payload } });
    }
    queue.push({ record: { bytes: 10, payload: { keep: true } } });
    t.is(queue.takeBatch(600, Number.MAX_SAFE_INTEGER, 0).length, 600);
  })();
  await tick();
  gc();
  await tick();
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  refs = [];
  t.is(queue.size, 1);
  t.is(alive, 0, `${alive} delivered events still reachable from the queue`);
});
