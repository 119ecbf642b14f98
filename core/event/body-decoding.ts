/**
 * Turns a captured body prefix into the string stored in the event. Runs off the request path.
 *
 * - Text bodies (JSON, text/*, form, XML, …) are decoded as UTF-8, after undoing gzip, deflate
 *   or brotli content-encoding; a truncated compressed prefix decodes as far as it goes.
 * - multipart bodies keep their text parts and part headers; other parts become size notes.
 * - Other bodies are stored as a size note: `[binary body: <n> bytes, <content-type>]`.
 * - No body: null.
 */
import zlib from 'node:zlib';
import type { CapturedBody } from './finished-call.js';
import { describeMultipart, multipartBoundary } from './multipart-body.js';

const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript|graphql|x-ndjson|ld\+json|csv|yaml|x-yaml)\b)|\+json\b|\+xml\b/i;

export interface DecodedBody {
  body: string | null;
  truncated: boolean;
}

export function isTextContentType(contentType: string | undefined): boolean {
  // No content type on a request body usually means a string the app wrote: treat as text.
  if (contentType === undefined || contentType === '') return true;
  return TEXT_TYPE.test(contentType);
}

function decompress(buf: Buffer, encoding: string, limit: number): { data: Buffer; cut: boolean } | null {
  // A decompression bomb must not blow memory: cap the output, and accept a truncated input.
  const maxOutputLength = Math.max(limit * 64, 1 << 20);
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength };
  try {
    let data: Buffer;
    if (encoding === 'gzip' || encoding === 'x-gzip') data = zlib.gunzipSync(buf, opts);
    else if (encoding === 'deflate') data = inflateEither(buf, opts);
    else if (encoding === 'br') data = zlib.brotliDecompressSync(buf, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength });
    else return null;
    return { data: data.byteLength > limit ? data.subarray(0, limit) : data, cut: data.byteLength > limit };
  } catch {
    return null;
  }
}

function inflateEither(buf: Buffer, opts: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(buf, opts);
  } catch {
    return zlib.inflateRawSync(buf, opts);
  }
}

/**
 * Decodes UTF-8, dropping a multi-byte character cut in half at the truncation point. Invalid
 * bytes become U+FFFD (3 bytes each), so the result is cut again to stay within `limit` bytes.
 */
function utf8(buf: Buffer, truncated: boolean, limit: number): { text: string; cut: boolean } {
  let s = buf.toString('utf8');
  if (truncated && s.endsWith('\uFFFD')) s = s.slice(0, -1);
  if (s.length * 3 <= limit || Buffer.byteLength(s) <= limit) return { text: s, cut: false };
  s = Buffer.from(s, 'utf8').subarray(0, limit).toString('utf8');
  return { text: s.endsWith('\uFFFD') ? s.slice(0, -1) : s, cut: true };
}

export function decodeBody(tap: CapturedBody | null, contentType: string | undefined, contentEncoding: string | undefined, limit: number): DecodedBody {
  if (tap === null || tap.total === 0) return { body: null, truncated: false };
  const boundary = multipartBoundary(contentType);
  if (boundary === null && !isTextContentType(contentType)) {
    return { body: `[binary body: ${tap.total} bytes${contentType ? `, ${contentType}` : ''}]`, truncated: false };
  }
  const enc = contentEncoding?.trim().toLowerCase();
  const whole = enc === undefined || enc === 'identity' ? tap.wholeString() : null;
  if (whole !== null) return { body: whole, truncated: false };
  let data = tap.bytes();
  let truncated = tap.truncated;
  if (enc && enc !== 'identity') {
    const out = decompress(data, enc, limit);
    if (out === null) return { body: `[${enc}-encoded body: ${tap.total} bytes, not decodable]`, truncated };
    data = out.data;
    truncated = truncated || out.cut;
  }
  if (boundary !== null) {
    const { text, cut } = utf8(Buffer.from(describeMultipart(data, boundary, isTextContentType)), false, limit);
    return { body: text, truncated: truncated || cut };
  }
  const { text, cut } = utf8(data, truncated, limit);
  return { body: text, truncated: truncated || cut };
}
