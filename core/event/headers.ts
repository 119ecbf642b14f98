/**
 * Turns the header shapes the HTTP clients hand us into one plain `{ name: value }` object with
 * lower-case names. Repeated headers are joined with ", " (set-cookie included: it is redacted
 * by default anyway). Runs off the request path, once per direction per event.
 */
export type HeaderMap = Record<string, string>;

function add(out: HeaderMap, name: string, value: string): void {
  const key = name.toLowerCase();
  // A header literally named __proto__ would set the object's prototype; it is not a real header.
  if (key === '__proto__') return;
  const prev = out[key];
  out[key] = prev === undefined ? value : `${prev}, ${value}`;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  // undici hands over Buffers: decode them as they are, without a Buffer view per value.
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  if (Array.isArray(v)) return v.map(text).join(', ');
  return String(v);
}

interface HasGetHeaders {
  getHeaders(): Record<string, unknown>;
}

/**
 * Accepts: a node:http ClientRequest (its getHeaders() is read), undici's raw header string
 * (`"a: b\r\nc: d\r\n"`), a flat [name, value, …] array of strings or Buffers (undici, and
 * node:http's rawHeaders), an array of [name, value] pairs, or a header object.
 */
export function normalizeHeaders(raw: unknown): HeaderMap {
  const out: HeaderMap = {};
  if (raw === null || raw === undefined) return out;
  if (typeof (raw as HasGetHeaders).getHeaders === 'function') raw = (raw as HasGetHeaders).getHeaders();
  if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) add(out, line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
  } else if (Array.isArray(raw)) {
    if (raw.length > 0 && Array.isArray(raw[0])) {
      for (const pair of raw as unknown[][]) add(out, text(pair[0]), text(pair[1]));
    } else {
      for (let i = 0; i + 1 < raw.length; i += 2) add(out, text(raw[i]), text(raw[i + 1]));
    }
  } else if (typeof raw === 'object') {
    for (const k in raw) {
      const v = (raw as Record<string, unknown>)[k];
      if (v !== undefined) add(out, k, text(v));
    }
  }
  return out;
}
