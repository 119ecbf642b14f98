/**
 * Raw objects shaped like a busy account-day, for the compactor's memory test and benchmarks:
 * `events` distinct events spread over `objects` gzip NDJSON objects (one per Lambda batch), plus
 * `duplicateEvery`-th events sent again in extra objects, as at-least-once delivery does.
 *
 * The event shape is the benchmarks' (docs/benchmarks.md): a JSON POST with a ~600-byte request
 * body and a ~900-byte response body, six request and five response headers, so one event is
 * ~2.2 KB of JSON. Lines are built from a template rather than by auditEventFactory: 100,000
 * events in ~0.5 s instead of several seconds; every line passes validateAuditEvent.
 */
import { gzipSync } from 'node:zlib';

export interface RawDayOptions {
  account: string;
  dt: string;
  events: number;
  /** Objects the distinct events are spread over. */
  objects: number;
  /** Every n-th event is stored a second time in an extra object; 0 for none. */
  duplicateEvery: number;
}

export interface RawObject { key: string; body: Buffer; lines: number }

export interface RawDay {
  objects: RawObject[];
  ids: string[];
  duplicates: number;
  /** Bytes of event JSON (uncompressed), duplicates included. */
  jsonBytes: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A UUIDv7-shaped id, distinct per (day, n). */
function eventId(dayMs: number, n: number): string {
  const ms = hex(dayMs + Math.floor(n / 10), 12);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${hex(n % 4096, 3)}-8${hex(n % 4096, 3)}-${hex(n, 12)}`;
}

const REQUEST_BODY = JSON.stringify({ order: { items: Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1, price_cents: 1999 + i * 100, note: 'gift wrap please, leave at the back door' })) } }).slice(0, 600);
const RESPONSE_BODY = JSON.stringify({ order_id: 'ord_000000', status: 'accepted', lines: Array.from({ length: 8 }, (_, i) => ({ line: i, sku: `SKU-${1000 + i}`, state: 'reserved', warehouse: 'eu-west-1b', eta: '2026-11-26T10:00:00.000Z' })) }).slice(0, 900);

export function eventLine(account: string, dt: string, n: number): string {
  const dayMs = Date.parse(`${dt}T00:00:00.000Z`);
  const time = new Date(dayMs + Math.floor((n * 86_399_000) / 100_000) % 86_400_000).toISOString();
  return JSON.stringify({
    id: eventId(dayMs, n),
    time,
    account_id: account,
    user_id: `user-${n % 97}`,
    request_id: `req-${Math.floor(n / 3)}`,
    method: 'POST',
    url: `https://store.example.com/api/orders/${n % 5000}?expand=lines`,
    status: n % 50 === 0 ? 503 : 201,
    duration_ms: 5 + (n % 400) + 0.25,
    request_headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'shop/1.4 node', 'x-request-id': `req-${Math.floor(n / 3)}`, 'x-tenant': account, authorization: '[REDACTED]' },
    request_body: REQUEST_BODY,
    request_body_truncated: false,
    response_headers: { 'content-type': 'application/json', 'content-length': '900', date: 'Tue, 24 Nov 2026 10:00:00 GMT', server: 'store', 'x-trace': `t-${n}` },
    response_body: RESPONSE_BODY,
    response_body_truncated: false,
    error: null,
    client: n % 2 === 0 ? 'fetch' : 'http',
    schema_version: 1,
  });
}

/** The raw objects of one account-day, keys under `prefix` as the kinesis-to-s3 Lambda writes them. */
export function rawDay(prefix: string, o: RawDayOptions): RawDay {
  const folder = `${prefix}account_id=${o.account}/dt=${o.dt}/`;
  const dayMs = Date.parse(`${o.dt}T00:00:00.000Z`);
  const perObject = Math.ceil(o.events / o.objects);
  const objects: RawObject[] = [];
  const ids: string[] = [];
  let jsonBytes = 0;
  const put = (name: string, lines: string[]) => {
    const text = lines.map((l) => `${l}\n`).join('');
    jsonBytes += Buffer.byteLength(text);
    objects.push({ key: `${folder}${name}.json.gz`, body: gzipSync(text), lines: lines.length });
  };
  for (let start = 0, index = 0; start < o.events; start += perObject, index += 1) {
    const lines: string[] = [];
    for (let n = start; n < Math.min(o.events, start + perObject); n++) {
      lines.push(eventLine(o.account, o.dt, n));
      ids.push(eventId(dayMs, n));
    }
    put(`shardId-000000000000_${String(index).padStart(6, '0')}`, lines);
  }
  let duplicates = 0;
  if (o.duplicateEvery > 0) {
    const again: string[] = [];
    for (let n = 0; n < o.events; n += o.duplicateEvery) again.push(eventLine(o.account, o.dt, n));
    duplicates = again.length;
    for (let start = 0, index = 0; start < again.length; start += perObject, index += 1) put(`shardId-000000000001_${String(index).padStart(6, '0')}`, again.slice(start, start + perObject));
  }
  return { objects, ids, duplicates, jsonBytes };
}
