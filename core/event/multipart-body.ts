/**
 * multipart/form-data (and other multipart/*) bodies as stored text: each part's headers are
 * kept, text parts (no content type, or a text type) are kept as UTF-8, and any other part — a
 * file upload, an image — becomes a size note, `[binary part: 5120 bytes, image/png]`, like a
 * binary body. Redaction then sees the parts' names (redaction/multipart.ts).
 *
 * Works on a prefix cut off by `maxBodyBytes`: the last part is kept as far as it goes.
 */
const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i;

export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^\s*multipart\//i.test(contentType)) return null;
  const m = BOUNDARY.exec(contentType);
  return m === null ? null : (m[1] ?? m[2] ?? null);
}

/** `isText(contentType)`: whether a part with this content type is text. */
export function describeMultipart(body: Buffer, boundary: string, isText: (contentType: string | undefined) => boolean): string {
  const delimiter = Buffer.from(`--${boundary}`);
  let out = '';
  let at = body.indexOf(delimiter);
  if (at < 0) return body.toString('utf8');
  out += body.subarray(0, at).toString('utf8');
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    const part = body.subarray(at, next < 0 ? body.length : next);
    out += describePart(part, delimiter.length, isText);
    at = next;
  }
  return out;
}

function describePart(part: Buffer, delimiterLength: number, isText: (contentType: string | undefined) => boolean): string {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) return part.toString('utf8');
  const head = part.subarray(0, headerEnd + 4).toString('utf8');
  let content = part.subarray(headerEnd + 4);
  // The CRLF before the next delimiter belongs to the delimiter, not to the content.
  const trailer = content.subarray(content.length - 2).toString('latin1') === '\r\n' ? '\r\n' : '';
  if (trailer !== '') content = content.subarray(0, content.length - 2);
  const contentType = /^content-type:\s*([^\r\n]*)/im.exec(head.slice(delimiterLength))?.[1]?.trim();
  if (isText(contentType)) return head + content.toString('utf8') + trailer;
  return `${head}[binary part: ${content.length} bytes${contentType ? `, ${contentType}` : ''}]${trailer}`;
}
