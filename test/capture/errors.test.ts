import test from 'ava';
import http from 'node:http';
import dc from 'node:diagnostics_channel';
import { auditLog, memorySink, HookError, type AuditEvent, type Sink } from '../../index.js';
import { startApp, callApp } from '../helpers/apps.js';
import { CLIENTS, callWith } from '../helpers/clients.js';
import { startUpstream, type Running } from '../helpers/servers.js';
import { gc } from '../helpers/gc.js';

let upstream: Running;
test.before(async () => {
  upstream = await startUpstream();
});
test.after.always(async () => {
  await upstream?.close();
});

async function oneCall(outbound: () => Promise<unknown>, options: Parameters<typeof auditLog>[0] = {}) {
  const mem = memorySink();
  const errors: unknown[] = [];
  const audit = auditLog({ sink: mem, recordOutsideRequests: false, onError: (e) => errors.push(e), ...options });
  const app = await startApp('express', audit, async () => {
    await outbound();
    return { body: 'done' };
  });
  try {
    const res = await callApp(`${app.url}/x`, { 'x-account': 'acme', 'x-user': 'u1' });
    await audit.flush();
    return { res, events: mem.events as AuditEvent[], errors, audit };
  } finally {
    await audit.close();
    await app.close();
  }
}

const closedPort = async () => {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
};

for (const client of CLIENTS) {
  test.serial(`${client}: connection refused → event with error, status null; the app sees its own error`, async (t) => {
    const port = await closedPort();
    const { res, events } = await oneCall(() => callWith(client, `http://127.0.0.1:${port}/x`).catch(() => 'failed as expected'));
    t.is(res.status, 200);
    t.is(events.length, 1);
    t.is(events[0]!.status, null);
    t.regex(events[0]!.error!, /ECONNREFUSED|fetch failed|connect/i);
  });

  test.serial(`${client}: timeout via AbortSignal → event with error`, async (t) => {
    const { events } = await oneCall(() => callWith(client, `${upstream.url}/hang`, { signal: AbortSignal.timeout(150) }).catch(() => null));
    t.is(events.length, 1);
    t.is(events[0]!.status, null);
    t.regex(events[0]!.error!, /abort|timeout|cancel/i);
  });

  test.serial(`${client}: connection reset → event with error`, async (t) => {
    const { events } = await oneCall(() => callWith(client, `${upstream.url}/reset`).catch(() => null));
    t.is(events.length, 1);
    t.truthy(events[0]!.error);
  });

  test.serial(`${client}: 404 and 500 are events with status, no error`, async (t) => {
    const { events } = await oneCall(async () => {
      await callWith(client, `${upstream.url}/status/404`);
      await callWith(client, `${upstream.url}/status/500`);
    });
    t.deepEqual(events.map((e) => [e.status, e.error]), [[404, null], [500, null]]);
    t.is(events[0]!.response_body, '{"error":"not found"}');
  });
}

test.serial('a response body the app never reads still yields an event, finalized by timeout and marked incomplete', async (t) => {
  const unread: unknown[] = [];
  const { events } = await oneCall(async () => {
    // Headers arrive, the body never finishes and is never read. The app keeps the Response:
    // undici cancels the body of one that is garbage collected (next test).
    unread.push(await fetch(`${upstream.url}/slow-body`, { method: 'POST' }));
    await new Promise<void>((resolve) => {
      http.request(`${upstream.url}/slow-body`, { method: 'POST' }, (res) => {
        unread.push(res); // never consumed
        resolve();
      }).end();
    });
    await new Promise((r) => setTimeout(r, 900));
  }, { incompleteAfterMs: 300 });
  t.is(events.length, 2);
  for (const e of events) {
    t.is(e.status, 200, e.client);
    t.true(e.response_body_truncated, e.client);
    t.regex(e.error!, /^incomplete: response body not finished/, e.client);
  }
  t.is(unread.length, 2);
});

test.serial('fetch: an unread Response that is garbage collected (undici then cancels its body) yields an event with the error and the body flagged truncated', async (t) => {
  const { events } = await oneCall(async () => {
    await fetch(`${upstream.url}/slow-body`, { method: 'POST' }); // dropped at once, never read
    await new Promise((r) => setTimeout(r, 100));
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }, { incompleteAfterMs: 60_000 });
  t.is(events.length, 1);
  t.is(events[0]!.status, 200);
  t.truthy(events[0]!.error, 'the cancel is recorded as the error');
  t.log(`error: ${events[0]!.error}`);
  t.notRegex(events[0]!.error!, /^incomplete/, 'finished by the cancel, not by the sweep or close');
  t.true(events[0]!.response_body_truncated);
  t.is(events[0]!.response_body, 'partial');
});

test.serial('a throwing identify goes to onError; the event is still recorded with what is known', async (t) => {
  const { res, events, errors } = await oneCall(() => callWith('fetch', `${upstream.url}/json`), {
    identify: () => {
      throw new Error('auth exploded');
    },
  });
  t.is(res.status, 200);
  t.is(events.length, 1);
  t.is(events[0]!.account_id, null);
  t.is(events[0]!.status, 201);
  t.truthy(events[0]!.request_id);
  t.true(errors.some((e) => e instanceof HookError && e.hook === 'identify' && /auth exploded/.test(e.message)));
});

test.serial('identify gets the framework request and its result is used', async (t) => {
  const { events } = await oneCall(() => callWith('http', `${upstream.url}/json`), {
    identify: (req: { headers: Record<string, string> }) => ({ accountId: 42, userId: `via-${req.headers['x-user']}` }),
  });
  t.is(events[0]!.account_id, '42');
  t.is(events[0]!.user_id, 'via-u1');
});

test.serial('a throwing redact hook goes to onError; the event keeps the default redaction', async (t) => {
  const { events, errors } = await oneCall(() => callWith('fetch', `${upstream.url}/json`, { headers: { authorization: 'Bearer s3cret' } }), {
    redact: () => {
      throw new Error('hook bug');
    },
  });
  t.is(events.length, 1);
  t.is(events[0]!.request_headers.authorization, '[REDACTED]');
  t.true(errors.some((e) => e instanceof HookError && e.hook === 'redact'));
});

test.serial('a sink that throws never reaches the app; the failure is counted and reported', async (t) => {
  const broken: Sink = { name: 'broken', write: () => { throw new Error('sink down'); } };
  const dropped: AuditEvent[] = [];
  const errors: unknown[] = [];
  const audit = auditLog({ sink: broken, recordOutsideRequests: false, onError: (e) => errors.push(e), onDrop: (evs) => dropped.push(...evs), delivery: { maxAttempts: 2, retryBaseDelayMs: 1, lingerMs: 0 } });
  const app = await startApp('koa', audit, () => callWith('fetch', `${upstream.url}/json`));
  try {
    const res = await callApp(`${app.url}/x`, { 'x-account': 'acme' });
    t.is(res.status, 201);
    await audit.flush();
    t.like(audit.stats(), { queued: 0, sent: 0, failed: 1 });
    t.is(dropped.length, 1);
    t.true(errors.length >= 1);
  } finally {
    await audit.close();
    await app.close();
  }
});

test.serial("the sink's own HTTP calls are never audited", async (t) => {
  const delivered: AuditEvent[] = [];
  const httpSink: Sink = {
    name: 'http-post',
    async write(records) {
      await callWith('http', `${upstream.url}/echo`, { body: records.map((r) => r.json).join('\n') });
      await callWith('fetch', `${upstream.url}/echo`, { body: 'again' });
      delivered.push(...records.map((r) => r.event));
    },
  };
  const audit = auditLog({ sink: httpSink });
  try {
    await callWith('fetch', `${upstream.url}/json`);
    await audit.flush();
    await audit.flush();
    t.is(delivered.length, 1, 'only the app-level call, not the sink calls');
    t.is(delivered[0]!.url, `${upstream.url}/json`);
  } finally {
    await audit.close();
  }
});

test.serial('calls outside any inbound request are recorded with null account and user, unless recordOutsideRequests is false', async (t) => {
  const mem = memorySink();
  const memSkip = memorySink();
  const a = auditLog({ sink: mem });
  const b = auditLog({ sink: memSkip, recordOutsideRequests: false });
  try {
    await callWith('axios-http', `${upstream.url}/json`);
    await a.flush();
    await b.flush();
    t.is(mem.events.length, 1);
    t.like(mem.events[0], { account_id: null, user_id: null, request_id: null, client: 'http' });
    t.is(memSkip.events.length, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test.serial('auditLog() twice: hooks installed once, each app records into its own sink, close of the last removes every hook', async (t) => {
  const proto = http.ClientRequest.prototype;
  const writeBefore = proto.write;
  const incoming = http.IncomingMessage.prototype;
  const hadOwnPush = Object.hasOwn(incoming, 'push');
  const destroyBefore = (incoming as unknown as { _destroy: unknown })._destroy;
  const m1 = memorySink();
  const m2 = memorySink();
  const a1 = auditLog({ sink: m1, recordOutsideRequests: false });
  const wrapped = proto.write;
  const a2 = auditLog({ sink: m2, recordOutsideRequests: false });
  t.is(proto.write, wrapped, 'second auditLog() does not wrap again');
  const app1 = await startApp('express', a1, () => callWith('http', `${upstream.url}/json`));
  const app2 = await startApp('koa', a2, () => callWith('fetch', `${upstream.url}/json`));
  try {
    await callApp(`${app1.url}/x`, { 'x-account': 'one' });
    await callApp(`${app2.url}/x`, { 'x-account': 'two' });
    await a1.flush();
    await a2.flush();
    t.deepEqual(m1.events.map((e) => [e.account_id, e.client]), [['one', 'http']]);
    t.deepEqual(m2.events.map((e) => [e.account_id, e.client]), [['two', 'fetch']]);
    await a1.close();
    t.true(dc.channel('undici:request:create').hasSubscribers, 'still installed for the second instance');
    await callApp(`${app2.url}/x`, { 'x-account': 'two' });
    await a2.flush();
    t.is(m2.events.length, 2);
    await a2.close();
    t.false(dc.channel('undici:request:create').hasSubscribers);
    t.false(dc.channel('http.client.request.start').hasSubscribers);
    t.is(proto.write, writeBefore, 'ClientRequest.prototype.write restored');
    t.is(Object.hasOwn(incoming, 'push'), hadOwnPush, 'IncomingMessage.prototype.push restored (inherited again)');
    t.is((incoming as unknown as { _destroy: unknown })._destroy, destroyBefore, 'IncomingMessage.prototype._destroy restored');
    // After close, requests pass straight through.
    const res = await callApp(`${app1.url}/x`, { 'x-account': 'one' });
    t.is(res.status, 201);
    t.is(m1.events.length, 1);
  } finally {
    await a1.close();
    await a2.close();
    await app1.close();
    await app2.close();
  }
});

test('a server-side message whose `req` a framework set to null or a string is read as usual, with no error', async (t) => {
  const errors: unknown[] = [];
  const audit = auditLog({ sink: memorySink(), onError: (e) => errors.push(e) });
  const server = http.createServer((req, res) => {
    // The response-body hook looks at `message.req` on every IncomingMessage.
    (req as unknown as { req: unknown }).req = req.url === '/null' ? null : 'not a request';
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => res.end(`got ${body}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    for (const path of ['/null', '/string']) {
      const res = await fetch(`${base}${path}`, { method: 'POST', body: 'hello' });
      t.is(await res.text(), 'got hello');
    }
    t.deepEqual(errors, []);
  } finally {
    await audit.close();
    await new Promise((r) => server.close(r));
  }
});

test.serial('a hook that throws on an unexpected channel message goes to onError, never to the app', async (t) => {
  const errors: unknown[] = [];
  const audit = auditLog({ sink: memorySink(), onError: (e) => errors.push(e) });
  try {
    // Messages of a shape no Node version sends: every subscriber must swallow what it throws.
    for (const name of ['undici:request:create', 'undici:request:headers', 'undici:request:trailers', 'undici:request:error',
      'http.client.request.start', 'http.client.response.finish', 'http.client.request.error']) {
      dc.channel(name).publish(undefined);
    }
    await new Promise((resolve) => setImmediate(resolve)); // an uncaught exception would surface here
    t.true(errors.length >= 7, `${errors.length} errors reported`);
    t.true(errors.every((e) => e instanceof TypeError));
  } finally {
    await audit.close();
  }
});
