import test from 'ava';
import http from 'node:http';
import { auditLog, memorySink } from '../../index.js';
import { startApp, callApp, FRAMEWORKS } from '../helpers/apps.js';
import { CLIENTS, callWith } from '../helpers/clients.js';
import { startUpstream } from '../helpers/servers.js';

for (const framework of FRAMEWORKS) {
  test.serial(`${framework}: 200 concurrent inbound requests over keep-alive, each outbound event carries its own account, user and request id`, async (t) => {
    const upstream = await startUpstream();
    const mem = memorySink();
    const audit = auditLog({ sink: mem, recordOutsideRequests: false });
    // Every inbound request makes one call with each client, after an await, on sockets reused across requests.
    const app = await startApp(framework, audit, async (inbound) => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      for (const client of CLIENTS) {
        await callWith(client, `${upstream.url}/echo?from=${inbound.headers['x-request-id']}`, { method: 'POST', body: String(inbound.headers['x-account']), headers: { 'content-type': 'text/plain' } });
      }
      return { body: 'ok' };
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    try {
      const n = 200;
      await Promise.all(Array.from({ length: n }, (_, i) =>
        callApp(`${app.url}/go`, { 'x-account': `acct-${i}`, 'x-user': `user-${i}`, 'x-request-id': `rid-${i}` }, agent)));
      await audit.flush();
      t.is(mem.events.length, n * CLIENTS.length);
      let mismatched = 0;
      for (const e of mem.events) {
        const rid = new URL(e.url).searchParams.get('from');
        const i = Number(rid!.slice(4));
        if (e.request_id !== rid || e.account_id !== `acct-${i}` || e.user_id !== `user-${i}` || e.request_body !== `acct-${i}`) mismatched++;
      }
      t.is(mismatched, 0);
      const perRequest = new Map<string, number>();
      for (const e of mem.events) perRequest.set(e.request_id!, (perRequest.get(e.request_id!) ?? 0) + 1);
      t.is(perRequest.size, n);
      t.true([...perRequest.values()].every((c) => c === CLIENTS.length));
    } finally {
      agent.destroy();
      await audit.close();
      await app.close();
      await upstream.close();
    }
  });
}
