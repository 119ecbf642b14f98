import test from 'ava';
import https from 'node:https';
import selfsigned from 'selfsigned';
import { auditLog, memorySink } from '../../index.js';
import { startApp, callApp, FRAMEWORKS } from '../helpers/apps.js';
import { callWith, type ClientName } from '../helpers/clients.js';
import { listen, upstreamHandler, type Running } from '../helpers/servers.js';

let upstream: Running;
let ca: string;

test.before(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  ca = pems.cert;
  upstream = await listen(https.createServer({ key: pems.private, cert: pems.cert }, upstreamHandler), 'https');
  // fetch (undici) takes no per-call CA: trust the self-signed upstream for this test process only.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});
test.after.always(async () => {
  await upstream?.close();
});

const clients: ClientName[] = ['http', 'axios-http', 'fetch', 'axios-fetch'];
for (const framework of FRAMEWORKS) {
  for (const client of clients) {
    test.serial(`${framework} + ${client} over https (self-signed certificate): one event with the https URL and bodies`, async (t) => {
      const mem = memorySink();
      const audit = auditLog({ sink: mem, recordOutsideRequests: false });
      const app = await startApp(framework, audit, () =>
        callWith(client, `${upstream.url}/json`, { body: '{"a":1}', headers: { 'content-type': 'application/json' }, ca }));
      try {
        const res = await callApp(`${app.url}/x`, { 'x-account': 'tls' });
        t.is(res.status, 201);
        await audit.flush();
        t.is(mem.events.length, 1);
        t.like(mem.events[0], { url: `${upstream.url}/json`, status: 201, request_body: '{"a":1}', account_id: 'tls' });
        t.is(JSON.parse(mem.events[0]!.response_body!).ok, true);
      } finally {
        await audit.close();
        await app.close();
      }
    });
  }
}
