/**
 * Over-redaction is a defect too: ordinary values that look a little like secrets — ids, UUIDs,
 * hashes, order numbers, timestamps, base64 images, publishable keys, prose with "Basic" or
 * "Bearer" in it — and keys that merely contain a sensitive word must be stored byte for byte.
 * Through a real Express app, a real upstream, fetch and node:http.
 */
import test from 'ava';
import crypto from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { auditLog, memorySink, type AuditEvent } from '../../index.js';
import { callApp } from '../helpers/apps.js';
import { listen } from '../helpers/servers.js';

const png = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 73 + 11) % 256)).toString('base64');
/** Values that must survive as they are. */
const ORDINARY: Record<string, string> = {
  uuid_v4: '3f2b8c1e-9d4a-4f6b-8e2c-1a7d5b9c0e34',
  uuid_v7: '019abb3e-5c3a-7d10-8e2f-4b1c9d0e7a61',
  sha256: crypto.createHash('sha256').update('a').digest('hex'),
  sha1: crypto.createHash('sha1').update('b').digest('hex'),
  md5: crypto.createHash('md5').update('c').digest('hex'),
  git_commit: 'ef66bf0c1d2e3f405162738495a6b7c8d9e0f1a2',
  s3_etag: '"d41d8cd98f00b204e9800998ecf8427e-12"',
  aws_request_id: 'c0ffee00-1234-4abc-9def-0123456789ab',
  arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit',
  order_number: 'ORD-2026-000123',
  invoice: 'INV/2026/11/0042',
  iso_time: '2026-11-24T09:14:03.512Z',
  epoch_ms: '1764000000000',
  rfc1123: 'Tue, 24 Nov 2026 09:14:03 GMT',
  semver: '3.1175.0-beta.2',
  tracking: '1Z999AA10123456784',
  base64_image: `data:image/png;base64,${png}`,
  twilio_account_sid: `AC${'0123456789abcdef'.repeat(2)}`,
  stripe_publishable: 'pk_live_51HqLyjWDarjtT1zdp7dcXyz',
  stripe_charge: 'ch_3PqRstUvWxYz0123456789',
  stripe_customer: 'cus_Qx7aBcDeFgHiJk',
  slug: 'sk-ski-trips-in-the-alps-2026',
  sku: 'SKU-AKIA-7',
  phone: '+44 20 7946 0958',
  email: 'ann.o-hara@example.com',
  url_plain: 'https://store.example.com:8443/api/orders?page=2&sort=-time',
  url_with_at_in_path: 'https://cdn.example.com/u/@ann/avatar.png',
  scp_remote: 'git@github.com:acme/orders.git',
  db_url_plain: 'postgres://db.internal:5432/orders',
  mailto: 'mailto:support@example.com',
  prose_basic: 'Basic plan includes 3 seats',
  prose_bearer: 'Bearer of the cheque: Ann',
  prose_ring_networks: 'Token ring networks were common',
  prose_reset_hint: 'Please reset your password from the account page',
  prose_refunds: 'Authorization required for refunds over 500 EUR',
  begin_marker: '-----BEGIN PUBLIC KEY-----',
  short_digits: '4111 1111',
  iban_like: 'GB82WEST12345698765432',
  jwt_like_header_only: 'eyJhbGciOiJIUzI1NiJ9',
  hex_64: 'a'.repeat(8) + 'b'.repeat(8) + '0123456789abcdef'.repeat(3),
  version_hash: 'v1.2.3+build.7f3c2a1',
  kid: 'key-2026-11',
};

/** Keys that contain a sensitive word but hold no secret (documented in docs/security.md). */
const ORDINARY_KEYS: Record<string, unknown> = {
  token_count: 512,
  tokenizer: 'cl100k_base',
  max_tokens: 4096,
  prompt_tokens: 120,
  completion_tokens: 88,
  keyboard: 'qwerty',
  idempotency_key: '8e1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d',
  token_type: 'Bearer',
  password_policy: 'min 12 characters',
  secret_name: 'orders/db',
  expires_in: 3600,
  public_key: 'MCowBQYDK2VwAyEA3p8HfEXAMPLEpublicKEY0000000000000000000=',
};

test(`${Object.keys(ORDINARY).length} ordinary values and ${Object.keys(ORDINARY_KEYS).length} ordinary keys are stored byte for byte in every place`, async (t) => {
  t.true(Object.keys(ORDINARY).length >= 40);
  const jsonBody = JSON.stringify({ ...ORDINARY, ...ORDINARY_KEYS, nested: { items: Object.values(ORDINARY) } });
  const textBody = Object.entries(ORDINARY).map(([k, v]) => `${k}: ${v}`).join('\n');
  const formBody = new URLSearchParams({ ...ORDINARY, ...Object.fromEntries(Object.entries(ORDINARY_KEYS).map(([k, v]) => [k, String(v)])) }).toString();
  const xmlBody = `<Order>${Object.entries(ORDINARY).map(([k, v]) => `<${k}>${v.replace(/&/g, '&amp;')}</${k}>`).join('')}</Order>`;
  const headerValues = Object.fromEntries(Object.entries(ORDINARY).filter(([, v]) => !v.startsWith('data:')).map(([k, v]) => [`x-${k.replace(/_/g, '-')}`, v]));

  const upstream = await listen(http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', ...headerValues });
      res.end(jsonBody);
    });
  }));
  const mem = memorySink();
  const audit = auditLog({ sink: mem, handleSignals: false, onError: (e) => t.fail(String(e)) });
  const events: AuditEvent[] = [];
  audit.on('event', (e) => events.push(e));
  const app = express();
  app.use(audit);
  const query = `?${new URLSearchParams({ order: ORDINARY.order_number!, ts: ORDINARY.iso_time!, q: ORDINARY.prose_basic!, next: ORDINARY.url_plain! }).toString()}`;
  const sent: Array<{ body: string; contentType: string }> = [
    { body: jsonBody, contentType: 'application/json' },
    { body: textBody, contentType: 'text/plain' },
    { body: formBody, contentType: 'application/x-www-form-urlencoded' },
    { body: xmlBody, contentType: 'application/xml' },
  ];
  app.use(async (_req, res) => {
    for (const [i, s] of sent.entries()) {
      const headers = { 'content-type': s.contentType, ...headerValues };
      if (i % 2 === 0) {
        await (await fetch(`${upstream.url}/orders${query}`, { method: 'POST', headers, body: s.body })).arrayBuffer();
      } else {
        await new Promise<void>((resolve, reject) => {
          const r = http.request(`${upstream.url}/orders${query}`, { method: 'POST', headers }, (resp) => resp.resume().on('end', resolve));
          r.on('error', reject);
          r.end(s.body);
        });
      }
    }
    res.send('ok');
  });
  const server = await listen(http.createServer(app));
  try {
    await callApp(`${server.url}/in`);
    await audit.flush();
    t.is(events.length, sent.length);
    for (const [i, e] of events.entries()) {
      t.is(e.request_body, sent[i]!.body, `${sent[i]!.contentType} request body unchanged`);
      t.is(e.response_body, jsonBody, 'response body unchanged');
      t.is(e.url, `${upstream.url}/orders${query}`, 'URL unchanged');
      for (const [name, value] of Object.entries(headerValues)) {
        t.is(e.request_headers[name], value, `request header ${name}`);
        t.is(e.response_headers[name], value, `response header ${name}`);
      }
    }
  } finally {
    await audit.close();
    await server.close();
    await upstream.close();
  }
});
