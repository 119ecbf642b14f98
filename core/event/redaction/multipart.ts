/**
 * multipart/form-data as stored text (../multipart-body.ts): the content of a part whose
 * `Content-Disposition` name is sensitive (`name="password"`) becomes `[REDACTED]`; its headers
 * and the other parts are kept.
 */
import type { NameMatcher } from './name-matcher.js';
import { REDACTED } from './rules.js';

const DISPOSITION_NAME = /^content-disposition:[^\r\n]*?;\s*name="([^"]*)"/im;

export function redactMultipart(text: string, boundary: string, names: NameMatcher): string {
  const delimiter = `--${boundary}`;
  let out = '';
  let copied = 0;
  for (let at = text.indexOf(delimiter); at >= 0;) {
    const next = text.indexOf(delimiter, at + delimiter.length);
    const end = next < 0 ? text.length : next;
    const headerEnd = text.indexOf('\r\n\r\n', at);
    if (headerEnd >= 0 && headerEnd < end) {
      const name = DISPOSITION_NAME.exec(text.slice(at + delimiter.length, headerEnd))?.[1];
      if (name !== undefined && names.matches(name)) {
        const contentStart = headerEnd + 4;
        const contentEnd = next < 0 ? end : Math.max(contentStart, end - 2);
        out += text.slice(copied, contentStart) + REDACTED;
        copied = contentEnd;
      }
    }
    at = next;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
