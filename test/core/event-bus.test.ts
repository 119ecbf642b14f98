/**
 * The bus is the seam between building and delivery: every built event is published on it, the
 * dispatcher is one subscriber, and users may subscribe with `audit.on`. A user's listener is
 * guarded like every other hook: what it throws goes to onError, never to the app, the other
 * listeners or delivery.
 */
import test from 'ava';
import { auditLog, ConfigurationError, HookError, memorySink, type AuditEvent, type DeliveryStats } from '../../index.js';
import { callApp, FRAMEWORKS, startApp } from '../helpers/apps.js';
import { callWith } from '../helpers/clients.js';
import { startUpstream } from '../helpers/servers.js';

for (const framework of FRAMEWORKS) {
  test(`${framework}: audit.on('event') sees each event the sink stores; a throwing listener reaches onError and nothing else`, async (t) => {
    const upstream = await startUpstream();
    const errors: unknown[] = [];
    const mem = memorySink();
    const audit = auditLog({ sink: mem, handleSignals: false, onError: (e) => errors.push(e), delivery: { lingerMs: 0 } });
    const seen: AuditEvent[] = [];
    audit.on('event', () => {
      throw new Error('listener bug');
    });
    audit.on('event', (e) => seen.push(e));
    const app = await startApp(framework, audit, () => callWith('fetch', `${upstream.url}/json`, { body: '{"a":1}' }));
    try {
      for (let i = 0; i < 3; i++) t.is((await callApp(`${app.url}/x`, { 'x-account': 'acme' })).status, 201, 'the app answers with the upstream status, as without a listener');
      await audit.flush();
      t.is(mem.events.length, 3, 'delivery unaffected by the throwing listener');
      t.deepEqual(seen.map((e) => e.id), mem.events.map((e) => e.id), 'the next listener still ran, and saw exactly what was stored');
      t.is(errors.length, 3);
      for (const err of errors) {
        t.true(err instanceof HookError);
        t.regex((err as Error).message, /"event" listener threw: listener bug/);
      }
      t.deepEqual(audit.stats(), { queued: 0, sent: 3, retried: 0, dropped: 0, failed: 0, spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
    } finally {
      await audit.close();
      await app.close();
      await upstream.close();
    }
  });
}

test("audit.off removes a listener; audit.on('stats') sees the counters change", async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const audit = auditLog({ sink: mem, handleSignals: false, onError: () => {}, delivery: { lingerMs: 0 } });
  let events = 0;
  const count = () => void events++;
  const stats: DeliveryStats[] = [];
  audit.on('event', count).on('stats', (s) => stats.push(s));
  const app = await startApp('express', audit, () => callWith('http', `${upstream.url}/json`, { body: '{}' }));
  try {
    await callApp(`${app.url}/x`);
    await audit.flush();
    t.is(events, 1);
    t.is(stats.at(-1)?.sent, 1, 'the last stats message counts the delivered event');
    audit.off('event', count);
    await callApp(`${app.url}/x`);
    await audit.flush();
    t.is(events, 1, 'not called after off');
    t.is(mem.events.length, 2, 'the dispatcher, another subscriber, still delivers');
  } finally {
    await audit.close();
    await app.close();
    await upstream.close();
  }
});

test('audit.on names what is wrong with a bad name or listener', (t) => {
  const audit = auditLog({ sink: memorySink(), handleSignals: false });
  try {
    const badName = t.throws(() => audit.on('events' as 'event', () => {}), { instanceOf: ConfigurationError });
    t.regex(badName.message, /name must be one of "event", "stats", got "events"/);
    const badListener = t.throws(() => audit.on('event', 'log' as unknown as () => void), { instanceOf: ConfigurationError });
    t.regex(badListener.message, /listener must be a function, got string/);
  } finally {
    void audit.close();
  }
});

test('an audit log exposes its controls and no internals', (t) => {
  const audit = auditLog({ sink: memorySink(), handleSignals: false });
  try {
    t.deepEqual(Object.keys(audit).sort(), ['close', 'flush', 'off', 'on', 'stats']);
  } finally {
    void audit.close();
  }
});
