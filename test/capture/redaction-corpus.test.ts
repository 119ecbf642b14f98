/**
 * The redaction corpus: credentials placed where real apps put them — headers, query strings,
 * URL userinfo, JSON, form, XML/SOAP, multipart, free text, gzip-encoded bodies, response bodies
 * and headers, error text — sent through a real Express app to a real upstream with fetch and
 * node:http. For each case, no stored form of the secret (as is, percent-encoded, JSON-escaped,
 * base64) may appear anywhere in the stored event, and the neighbouring text must be intact.
 */
import test from 'ava';
import http from 'node:http';
import zlib from 'node:zlib';
import express from 'express';
import { auditLog, memorySink, type AuditEvent } from '../../index.js';
import { callApp } from '../helpers/apps.js';
import { storedForms, syntheticSecrets } from '../helpers/secrets.js';
import { listen, type Running } from '../helpers/servers.js';

interface Outbound {
  client: 'fetch' | 'http';
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The upstream's answer. */
  response?: { contentType: string; body: string; headers?: Record<string, string> };
  /** The app aborts the call with this error (node:http) after sending it. */
  abortWith?: string;
}

interface Case {
  name: string;
  outbound: Outbound;
  /** Strings that must not be in the stored event in any form. */
  secrets: string[];
  /** Strings that must still be in the stored event, as sent. */
  neighbours: string[];
  /** The marker expected somewhere in the event (percent-encoded forms count). */
  marker?: string;
}

const cases: Case[] = [];
const ORDER = 'order A-1042 for acme';
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// --- by value: every synthetic format in every place a string is stored ----------------------
for (const [i, s] of syntheticSecrets(1).entries()) {
  const secret = s.secret ?? s.value;
  const single = !s.value.includes('\n');
  const marker = `[REDACTED:${s.kind}]`;
  const add = (place: string, outbound: Outbound, neighbours = [ORDER]) => cases.push({ name: `${s.kind} #${i} in ${place}`, outbound, secrets: [secret], neighbours, marker });
  add('a JSON request body under a harmless key', { client: 'fetch', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: s.value, order: ORDER }) });
  add('a text/plain request body', { client: 'http', headers: { 'content-type': 'text/plain' }, body: `${ORDER}\nsee ${s.value} for details\n` });
  add('a form body under a harmless name', { client: 'fetch', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `note=${encodeURIComponent(s.value)}&order=${encodeURIComponent(ORDER)}` }, [`order=${encodeURIComponent(ORDER)}`]);
  add('an XML element with a harmless name', { client: 'http', headers: { 'content-type': 'application/xml' }, body: `<Order><Note>${xmlEscape(s.value)}</Note><Ref>${ORDER}</Ref></Order>` });
  add('a gzip-encoded JSON request body', { client: 'http', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zlib.gzipSync(JSON.stringify({ note: s.value, order: ORDER })) });
  add('a JSON response body', { client: 'fetch', body: '{}', headers: { 'content-type': 'application/json' }, response: { contentType: 'application/json', body: JSON.stringify({ created: s.value, order: ORDER }) } });
  add('error text', { client: 'http', body: ORDER, abortWith: `upstream rejected ${s.value}` }, ['upstream rejected']);
  if (single) {
    add('a request header with a harmless name', { client: 'fetch', headers: { 'x-note': s.value, 'x-order': ORDER } });
    add('a query parameter with a harmless name', { client: 'fetch', path: `/orders?q=${encodeURIComponent(s.value)}&order=A-1042`, body: ORDER }, ['order=A-1042']);
    add('a response header', { client: 'http', body: ORDER, response: { contentType: 'text/plain', body: ORDER, headers: { 'x-debug': s.value } } });
  }
}

// --- by name: where the value has no known format -------------------------------------------
const PLAIN = 'hunter2-Plain-9x7';
const byName = (name: string, outbound: Outbound, neighbours: string[]) => cases.push({ name, outbound, secrets: [PLAIN], neighbours });
byName('SOAP wsse:Password', { client: 'http', headers: { 'content-type': 'text/xml; charset=utf-8' }, body:
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>svc-orders</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${PLAIN}</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><PlaceOrder><Ref>${ORDER}</Ref></PlaceOrder></soap:Body></soap:Envelope>` },
['<wsse:Username>svc-orders</wsse:Username>', `<Ref>${ORDER}</Ref>`, '#PasswordText">[REDACTED]</wsse:Password>']);
byName('XML <Password> element', { client: 'fetch', headers: { 'content-type': 'application/xml' }, body: `<Login><User>ann</User><Password>${PLAIN}</Password><Ref>${ORDER}</Ref></Login>` }, ['<User>ann</User>', `<Ref>${ORDER}</Ref>`]);
byName('XML element holding children (whole value redacted)', { client: 'fetch', headers: { 'content-type': 'application/xml' }, body: `<Config><Credentials><User>ann</User><Secret>${PLAIN}</Secret></Credentials><Ref>${ORDER}</Ref></Config>` }, [`<Ref>${ORDER}</Ref>`, '<Credentials>[REDACTED]</Credentials>']);
byName('XML attribute password="…"', { client: 'http', headers: { 'content-type': 'application/xml' }, body: `<Connect host="db.internal" password="${PLAIN}"><Ref>${ORDER}</Ref></Connect>` }, ['host="db.internal"', `<Ref>${ORDER}</Ref>`]);
byName('namespaced XML <ns:ApiKey>', { client: 'http', headers: { 'content-type': 'application/soap+xml' }, body: `<ns:Request xmlns:ns="urn:x"><ns:ApiKey>${PLAIN}</ns:ApiKey><ns:Ref>${ORDER}</ns:Ref></ns:Request>` }, [`<ns:Ref>${ORDER}</ns:Ref>`]);
byName('text key=value line', { client: 'fetch', headers: { 'content-type': 'text/plain' }, body: `user=ann\npassword=${PLAIN}\nref=${ORDER}\n` }, ['user=ann', `ref=${ORDER}`]);
byName('text key: value line (the rest of the line)', { client: 'http', headers: { 'content-type': 'text/plain' }, body: `User: ann\nAuthorization: Token ${PLAIN} extra\nRef: ${ORDER}\n` }, ['User: ann', `Ref: ${ORDER}`]);
byName('text quoted value', { client: 'http', headers: { 'content-type': 'text/plain' }, body: `api_key = "${PLAIN}"; ref = "${ORDER}"` }, [`ref = "${ORDER}"`]);
byName('.env-style body', { client: 'fetch', headers: { 'content-type': 'text/plain' }, body: `DB_HOST=db.internal\nDB_PASSWORD=${PLAIN}\nREF=${ORDER}` }, ['DB_HOST=db.internal', `REF=${ORDER}`]);
byName('multipart part named password', { client: 'http', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body:
  `--XyZ\r\nContent-Disposition: form-data; name="user"\r\n\r\nann\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n${PLAIN}\r\n--XyZ\r\nContent-Disposition: form-data; name="ref"\r\n\r\n${ORDER}\r\n--XyZ--\r\n` },
['name="user"\r\n\r\nann', ORDER]);
for (const header of ['ocp-apim-subscription-key', 'x-functions-key', 'x-hub-signature-256', 'stripe-signature', 'x-slack-signature', 'x-shopify-hmac-sha256', 'x-goog-api-key']) {
  byName(`request header ${header}`, { client: 'fetch', headers: { [header]: PLAIN, 'x-order': ORDER } }, [ORDER]);
}
byName("Firebase's auth query parameter", { client: 'fetch', path: `/db/orders.json?auth=${PLAIN}&orderBy=%22ref%22`, body: ORDER }, ['orderBy=%22ref%22']);
byName('JSON key pass', { client: 'fetch', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ann', pass: PLAIN, ref: ORDER }) }, ['"user":"ann"', ORDER]);
byName('JSON key auth holding an object with a bearer token', { client: 'http', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: { type: 'bearer', bearer: PLAIN }, ref: ORDER }) }, ['"auth":"[REDACTED]"', ORDER]);
byName('a created key returned under value (API Gateway CreateApiKey)', { client: 'fetch', path: '/apikeys', body: '{"name":"ci"}', headers: { 'content-type': 'application/json' },
  response: { contentType: 'application/json', body: JSON.stringify({ id: 'k3y1d', name: 'ci', value: PLAIN, enabled: true, ref: ORDER }) } }, ['"id":"k3y1d"', '"name":"ci"', ORDER]);
byName('Azure Functions key list under value', { client: 'http', path: '/admin/functions/orders/keys', body: '{}', headers: { 'content-type': 'application/json' },
  response: { contentType: 'application/json', body: JSON.stringify({ keys: [{ name: 'default', value: PLAIN }], ref: ORDER }) } }, ['"name":"default"', ORDER]);
byName('URL userinfo of the call itself', { client: 'http', path: '/orders', body: ORDER, headers: { 'x-userinfo': 'via-url' } }, [ORDER]);

// --- the harness ----------------------------------------------------------------------------
const byId = new Map<string, Case>();
cases.forEach((c, i) => byId.set(String(i), c));

let upstream: Running;
let app: Running;
const mem = memorySink();
const audit = auditLog({ sink: mem, handleSignals: false, onError: () => {}, delivery: { lingerMs: 0 } });
const stored = new Map<string, AuditEvent>();
audit.on('event', (e) => stored.set(e.request_headers['x-case']!, e));

test.before(async () => {
  upstream = await listen(http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const c = byId.get(String(req.headers['x-case']));
      // The calls the app aborts get no answer: the app's error ends them.
      if (c?.outbound.abortWith !== undefined) return;
      const answer = c?.outbound.response;
      if (answer === undefined) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      res.writeHead(200, { 'content-type': answer.contentType, ...answer.headers });
      res.end(answer.body);
    });
  }));
  const server = express();
  server.use(audit);
  server.use(async (req, res) => {
    const id = String(req.headers['x-case']);
    const o = byId.get(id)!.outbound;
    const path = o.path ?? '/orders';
    const headers: Record<string, string> = { ...o.headers, 'x-case': id };
    try {
      if (o.client === 'fetch') {
        const r = await fetch(`${upstream.url}${path}`, { method: 'POST', headers, body: o.body });
        await r.arrayBuffer();
      } else {
        await new Promise<void>((resolve) => {
          const base = new URL(upstream.url);
          // The userinfo case calls with credentials in the URL itself.
          const target = headers['x-userinfo'] !== undefined ? `http://svc:${PLAIN}@${base.host}${path}` : `${upstream.url}${path}`;
          const r = http.request(target, { method: 'POST', headers }, (resp) => {
            resp.resume();
            resp.on('end', resolve);
          });
          r.on('error', () => resolve());
          r.end(o.body);
          if (o.abortWith !== undefined) setTimeout(() => r.destroy(new Error(o.abortWith)), 20);
        });
      }
      res.status(200).send('done');
    } catch {
      res.status(502).send('failed');
    }
  });
  app = await listen(http.createServer(server));
});

test.after.always(async () => {
  await audit.close();
  await app?.close();
  await upstream?.close();
});

test('the corpus holds at least 100 cases', (t) => {
  t.true(cases.length >= 100, `${cases.length} cases`);
});

for (const [id, c] of cases.entries()) {
  test(c.name, async (t) => {
    t.is((await callApp(`${app.url}/in`, { 'x-case': String(id) })).status, 200);
    await audit.flush();
    const event = stored.get(String(id));
    if (event === undefined) return t.fail('no event stored for this case');
    const whole = JSON.stringify(event);
    const text = [event.url, ...Object.values(event.request_headers), ...Object.values(event.response_headers), event.request_body, event.response_body, event.error].join('\n');
    for (const secret of c.secrets) {
      for (const form of storedForms(secret)) t.false(whole.includes(form) || text.includes(form), `stored: ${form}`);
    }
    for (const n of c.neighbours) t.true(text.includes(n), `neighbour kept: ${n}\n${text}`);
    if (c.marker !== undefined) t.true(text.includes(c.marker) || text.includes(encodeURIComponent(c.marker)), `marked ${c.marker}`);
  });
}
