/**
 * A finished call's record is detached from the client's request object. The request may live
 * on in old space (a call that outlived two young-generation GCs) until a full GC; a pointer
 * from it would keep the record, bodies included, alive and get it promoted
 * (docs/performance.md).
 */
import test from 'ava';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import { once } from 'node:events';
import { auditLog, memorySink } from '../../index.js';
import { startUpstream } from '../helpers/servers.js';

/** The audit log's own-property slot on a request: its value, or 'absent'. */
function recordSlot(request: object): unknown {
  const symbol = Object.getOwnPropertySymbols(request).find((s) => s.description === 'http-audit-log.record');
  return symbol === undefined ? 'absent' : (request as Record<symbol, unknown>)[symbol];
}

/** Captures undici's request objects as fetch creates them. */
function undiciRequests(): { list: object[]; stop(): void } {
  const list: object[] = [];
  const onCreate = (m: unknown) => list.push((m as { request: object }).request);
  dc.subscribe('undici:request:create', onCreate);
  return { list, stop: () => dc.unsubscribe('undici:request:create', onCreate) };
}

test.serial('http and fetch: once a call is finished its request no longer points at its record (response and error paths)', async (t) => {
  const upstream = await startUpstream();
  const mem = memorySink();
  const audit = auditLog({ sink: mem, handleSignals: false });
  const created = undiciRequests();
  try {
    // node:http, a complete response.
    const req = http.request(`${upstream.url}/json`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.end('{"a":1}');
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    res.resume();
    await once(res, 'end');
    t.is(recordSlot(req), null);

    // node:http, a connection refused.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = http.request(`http://127.0.0.1:${port}/`, { method: 'POST' });
    refused.end('x');
    await once(refused, 'error').catch(() => {});
    t.is(recordSlot(refused), null);

    // fetch, a complete response and a refused connection.
    const ok = await fetch(`${upstream.url}/json`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    await ok.text();
    await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x' }).catch(() => {});
    t.is(created.list.length, 2);
    for (const r of created.list) t.is(recordSlot(r), null);

    // All four calls were audited, so the slots above were filled and then cleared.
    await audit.flush();
    t.is(mem.events.length, 4);
    t.is(mem.events.filter((e) => e.error !== null).length, 2);
  } finally {
    created.stop();
    await audit.close();
    await upstream.close();
  }
});
