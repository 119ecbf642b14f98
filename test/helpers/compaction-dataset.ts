/**
 * Raw objects shaped like a busy account-day, for the compactor's memory test and benchmarks:
 * `events` distinct events spread over `objects` gzip NDJSON objects (one per Lambda batch), plus
 * `duplicateEvery`-th events sent again in extra objects, as at-least-once delivery does.
 *
 * The event shape is the benchmarks' (docs/benchmarks.md, delivery-throughput: ~1.6 KB events
 * with ~1 KB of JSON bodies): a POST with ~350-byte request and ~500-byte response bodies that
 * differ per event, six request and five response headers, ~1.85 KB of JSON (gzip: 7 %). Lines are built from a template rather than by auditEventFactory: 100,000
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

/** A small stable hash of the account, so that ids differ across accounts as real UUIDs do. */
const accountTag = (account: string) => [...account].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 4096, 7);

/** A UUIDv7-shaped id, distinct per (account, day, n). */
function eventId(account: string, dayMs: number, n: number): string {
  const ms = hex(dayMs + Math.floor(n / 10), 12);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${hex(n % 4096, 3)}-8${hex(accountTag(account), 3)}-${hex(n, 12)}`;
}

const NOTES = ['gift wrap please', 'leave at the back door', '', 'call on arrival', 'fragile: glassware', 'no substitutions'];
const STATES = ['reserved', 'backordered', 'picked', 'reserved', 'reserved'];

/** Bodies vary per event as real orders do (ids, amounts, line counts), so neither gzip nor Parquet's dictionaries see one body repeated. */
function requestBody(n: number): string {
  const items = Array.from({ length: 3 + (n % 4) }, (_, i) => ({ sku: `SKU-${(n * 7 + i * 13) % 10_000}`, qty: 1 + ((n + i) % 5), price_cents: 499 + ((n * 31 + i * 17) % 20_000), note: NOTES[(n + i) % NOTES.length] }));
  return JSON.stringify({ order: { reference: `po-${n.toString(36)}`, customer: `cus_${(n * 7919) % 100_003}`, currency: 'EUR', items } });
}

function responseBody(n: number): string {
  const lines = Array.from({ length: 3 + (n % 4) }, (_, i) => ({ line: i, sku: `SKU-${(n * 7 + i * 13) % 10_000}`, state: STATES[(n + i) % STATES.length], warehouse: `eu-west-1${'abc'[(n + i) % 3]}`, eta: new Date(Date.UTC(2026, 10, 25 + ((n + i) % 5), (n * 3 + i) % 24)).toISOString() }));
  return JSON.stringify({ order_id: `ord_${(n * 104_729 + 12_345).toString(36)}`, status: 'accepted', total_cents: 1_000 + ((n * 613) % 90_000), lines });
}

export function eventLine(account: string, dt: string, n: number): string {
  const dayMs = Date.parse(`${dt}T00:00:00.000Z`);
  const time = new Date(dayMs + Math.floor((n * 86_399_000) / 100_000) % 86_400_000).toISOString();
  return JSON.stringify({
    id: eventId(account, dayMs, n),
    time,
    account_id: account,
    user_id: `user-${n % 97}`,
    request_id: `req-${Math.floor(n / 3)}`,
    method: 'POST',
    url: `https://store.example.com/api/orders/${n % 5000}?expand=lines`,
    status: n % 50 === 0 ? 503 : 201,
    duration_ms: 5 + (n % 400) + 0.25,
    request_headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'shop/1.4 node', 'x-request-id': `req-${Math.floor(n / 3)}`, 'x-tenant': account, authorization: '[REDACTED]' },
    request_body: requestBody(n),
    request_body_truncated: false,
    response_headers: { 'content-type': 'application/json', 'content-length': '900', date: 'Tue, 24 Nov 2026 10:00:00 GMT', server: 'store', 'x-trace': `t-${n}` },
    response_body: responseBody(n),
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
      ids.push(eventId(o.account, dayMs, n));
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
