/**
 * The gzip ratio used by docs/cost.md: 10,000 benchmark events (bench/delivery-common.ts), with
 * the default redaction applied, as NDJSON; gzipped whole, and gzipped the way kinesis-to-s3 does
 * it: one object per account per invocation of 1,000 records (50 accounts: 20 events each).
 *
 *   node --import=tsx docs/snippets/gzip-ratio.ts
 */
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { benchEvent } from '../../bench/delivery-common.js';
import { compileRedactor } from '../../core/event/redaction/index.js';
import type { AuditEvent } from '../../core/schema.js';

export function measureGzip(events = 10_000, batchSize = 1_000) {
  const r = compileRedactor({ redactKeys: [] });
  const redacted = (e: AuditEvent): AuditEvent => ({
    ...e,
    url: r.url(e.url),
    request_headers: r.headers(e.request_headers),
    response_headers: r.headers(e.response_headers),
    request_body: r.body(e.request_body, e.request_headers['content-type']),
    response_body: r.body(e.response_body, e.response_headers['content-type']),
  });
  const all = Array.from({ length: events }, (_, i) => redacted(benchEvent(i)));
  const lines = all.map((e) => `${JSON.stringify(e)}\n`);
  const ndjsonBytes = Buffer.byteLength(lines.join(''));
  const wholeGzipBytes = gzipSync(lines.join('')).length;
  let objects = 0;
  let objectGzipBytes = 0;
  for (let start = 0; start < events; start += batchSize) {
    const groups = new Map<string, string[]>();
    for (let i = start; i < Math.min(events, start + batchSize); i++) {
      const key = String(all[i]?.account_id);
      groups.set(key, [...(groups.get(key) ?? []), lines[i] ?? '']);
    }
    for (const group of groups.values()) {
      objects += 1;
      objectGzipBytes += gzipSync(group.join('')).length;
    }
  }
  return {
    events,
    bytesPerEvent: ndjsonBytes / events - 1,
    ndjsonBytes,
    wholeGzipBytes,
    wholeRatio: ndjsonBytes / wholeGzipBytes,
    objects,
    bytesPerObject: objectGzipBytes / objects,
    perObjectRatio: ndjsonBytes / objectGzipBytes,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(measureGzip());
}
