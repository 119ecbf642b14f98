import test from 'ava';
import { auditLog, memorySink, validateAuditEvent } from '../../index.js';
import { startApp, callApp, FRAMEWORKS } from '../helpers/apps.js';
import { CLIENTS, EXPECTED_KIND, callWith } from '../helpers/clients.js';
import { startUpstream } from '../helpers/servers.js';

// One auditLog() per test run in series: the hooks are process-wide.
for (const framework of FRAMEWORKS) {
  for (const client of CLIENTS) {
    test.serial(`${framework} + ${client}: one POST gives exactly one complete event`, async (t) => {
      const upstream = await startUpstream();
      const mem = memorySink();
      const audit = auditLog({ sink: mem, recordOutsideRequests: false });
      const app = await startApp(framework, audit, () =>
        callWith(client, `${upstream.url}/json?page=2`, { method: 'POST', body: '{"sku":"A-1","qty":2}', headers: { 'content-type': 'application/json', 'x-trace': 't-1' } }));
      try {
        const res = await callApp(`${app.url}/checkout`, { 'x-account': 'acme', 'x-user': 'u-7', 'x-request-id': 'inbound-42' });
        t.is(res.status, 201);
        await audit.flush();
        t.is(mem.events.length, 1);
        const e = validateAuditEvent(mem.events[0]);
        t.is(e.account_id, 'acme');
        t.is(e.user_id, 'u-7');
        t.is(e.request_id, 'inbound-42');
        t.is(e.method, 'POST');
        t.is(e.url, `${upstream.url}/json?page=2`);
        t.is(e.status, 201);
        t.is(e.client, EXPECTED_KIND[client]);
        t.is(e.request_body, '{"sku":"A-1","qty":2}');
        t.false(e.request_body_truncated);
        t.is(e.request_headers['x-trace'], 't-1');
        t.is(e.response_headers['x-upstream'], 'yes');
        t.is(e.response_headers['set-cookie'], '[REDACTED]');
        const body = JSON.parse(e.response_body!);
        t.is(body.ok, true);
        t.is(body.access_token, '[REDACTED]');
        t.is(e.error, null);
        t.true(e.duration_ms > 0 && e.duration_ms < 10_000);
        t.true(Math.abs(Date.parse(e.time) - Date.now()) < 60_000);
        t.deepEqual(audit.stats(), { queued: 0, sent: 1, retried: 0, dropped: 0, failed: 0, spooledBytes: 0, spooledEvents: 0, replayed: 0, corrupt: 0 });
      } finally {
        await audit.close();
        await app.close();
        await upstream.close();
      }
    });
  }
}

test.serial('GET is not recorded by default; methods option widens it', async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const audit = auditLog({ sink: mem, recordOutsideRequests: false });
  const app = await startApp('express', audit, async () => {
    await callWith('fetch', `${upstream.url}/json`, { method: 'GET' });
    return callWith('http', `${upstream.url}/json`, { method: 'DELETE' });
  });
  const mem2 = memorySink();
  const audit2 = auditLog({ sink: mem2, methods: ['get'], recordOutsideRequests: false });
  const app2 = await startApp('koa', audit2, () => callWith('fetch', `${upstream.url}/json`, { method: 'GET' }));
  try {
    await callApp(`${app.url}/x`);
    await callApp(`${app2.url}/x`);
    await audit.flush();
    await audit2.flush();
    t.deepEqual(mem.events.map((e) => e.method), ['DELETE']);
    t.deepEqual(mem2.events.map((e) => e.method), ['GET']);
  } finally {
    await audit.close();
    await audit2.close();
    await app.close();
    await app2.close();
    await upstream.close();
  }
});
