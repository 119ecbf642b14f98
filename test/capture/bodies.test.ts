import test from 'ava';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { auditLog, memorySink, type AuditEvent } from '../../index.js';
import { startApp, callApp, type Outbound } from '../helpers/apps.js';
import { CLIENTS, callWith } from '../helpers/clients.js';
import { BIG_BINARY_BYTES, BIG_BYTES, GZIP_JSON_BYTES, patternBytes, startUpstream, type Running } from '../helpers/servers.js';

let upstream: Running;
test.before(async () => {
  upstream = await startUpstream();
});
test.after.always(async () => {
  await upstream?.close();
});

/** Runs the same app without and with the audit log; returns both responses and the events. */
async function withAndWithout(outbound: Outbound, maxBodyBytes?: number) {
  const plainApp = await startApp('express', null, outbound);
  const without = await callApp(`${plainApp.url}/x`, { 'x-account': 'acme' });
  await plainApp.close();
  const mem = memorySink();
  const audit = auditLog({ sink: mem, recordOutsideRequests: false, maxBodyBytes });
  const app = await startApp('express', audit, outbound);
  try {
    const withAudit = await callApp(`${app.url}/x`, { 'x-account': 'acme' });
    await audit.flush();
    return { without, withAudit, events: mem.events as AuditEvent[] };
  } finally {
    await audit.close();
    await app.close();
  }
}

const shapes: Array<{ path: string; check: (t: any, e: AuditEvent, body: Buffer) => void }> = [
  {
    path: '/gzip',
    check: (t, e, body) => {
      // fetch and axios decompress for the app; node:http hands over the gzip bytes as they are.
      t.true(body.equals(GZIP_JSON_BYTES) || body.equals(zlib.gunzipSync(GZIP_JSON_BYTES)));
      t.is(JSON.parse(e.response_body!).items.length, 200, 'the event holds the decoded JSON');
      t.is(e.response_headers['content-encoding'], 'gzip');
    },
  },
  {
    path: '/binary',
    check: (t, e, body) => {
      t.true(body.equals(BIG_BINARY_BYTES), '10 MiB binary reaches the app intact');
      t.is(e.response_body, `[binary body: ${BIG_BYTES} bytes, application/octet-stream]`);
      t.false(e.response_body_truncated);
    },
  },
  {
    path: '/stream',
    check: (t, e, body) => {
      const expected = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('');
      t.is(body.toString(), expected);
      t.is(e.response_body, expected);
    },
  },
  {
    path: '/text',
    check: (t, e, body) => {
      t.is(body.toString(), 'plain text body ✓');
      t.is(e.response_body, 'plain text body ✓');
    },
  },
];

for (const client of CLIENTS) {
  for (const shape of shapes) {
    test.serial(`${client} ${shape.path}: app response byte-identical with and without audit`, async (t) => {
      let seen: Buffer | null = null;
      const outbound: Outbound = async () => {
        const out = await callWith(client, `${upstream.url}${shape.path}`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        seen = Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body);
        return out;
      };
      const { without, withAudit, events } = await withAndWithout(outbound);
      t.is(withAudit.status, without.status);
      t.true(withAudit.body.equals(without.body), 'bytes identical');
      t.is(withAudit.headers['content-length'], without.headers['content-length']);
      t.is(events.length, 1);
      shape.check(t, events[0]!, seen!);
    });
  }
}

test.serial('10 MiB request body: upstream receives every byte, event keeps maxBodyBytes and flags truncation', async (t) => {
  const payload = patternBytes(BIG_BYTES, 3);
  for (const client of CLIENTS) {
    for (const contentType of ['text/plain', 'application/octet-stream']) {
      const { without, withAudit, events } = await withAndWithout(() =>
        callWith(client, `${upstream.url}/echo`, { method: 'PUT', body: payload, headers: { 'content-type': contentType } }), 1024);
      const label = `${client} ${contentType}`;
      t.true(withAudit.body.equals(without.body), label);
      t.is(JSON.parse(withAudit.body.toString()).bytes, BIG_BYTES, `${label}: upstream got all bytes`);
      t.is(events.length, 1);
      if (contentType === 'text/plain') {
        t.true(events[0]!.request_body_truncated, label);
        t.true(Buffer.byteLength(events[0]!.request_body!) <= 1024, label);
      } else {
        t.is(events[0]!.request_body, `[binary body: ${BIG_BYTES} bytes, application/octet-stream]`, label);
      }
    }
  }
});

test.serial('streamed request bodies (fetch ReadableStream, http multiple writes) are observed, not consumed', async (t) => {
  const parts = ['{"part":1,', '"more":"', 'x'.repeat(5000), '"}'];
  const expected = parts.join('');
  const fetchStream: Outbound = async () => {
    const res = await fetch(`${upstream.url}/echo`, {
      method: 'POST',
      body: Readable.toWeb(Readable.from(parts.map((p) => Buffer.from(p)))) as ReadableStream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    return { body: Buffer.from(await res.arrayBuffer()) };
  };
  const httpStream: Outbound = async () => {
    const http = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = http.request(`${upstream.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      for (const p of parts.slice(0, -1)) req.write(p, 'utf8');
      req.end(Buffer.from(parts.at(-1)!));
    });
  };
  for (const outbound of [fetchStream, httpStream]) {
    const { without, withAudit, events } = await withAndWithout(outbound);
    t.true(withAudit.body.equals(without.body));
    t.is(JSON.parse(withAudit.body.toString()).bytes, expected.length);
    t.is(events[0]!.request_body, expected);
  }
});

test.serial('bodies over maxBodyBytes are cut at a character boundary and flagged', async (t) => {
  const { events } = await withAndWithout(() =>
    callWith('fetch', `${upstream.url}/echo`, { method: 'POST', body: 'é'.repeat(100), headers: { 'content-type': 'text/plain' } }), 51);
  const e = events[0]!;
  t.true(e.request_body_truncated);
  t.is(e.request_body, 'é'.repeat(25), '51 bytes hold 25 two-byte characters; the half character is dropped');
  t.false(e.response_body_truncated);
});
