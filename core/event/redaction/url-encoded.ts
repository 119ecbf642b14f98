/** `a=1&b=2` text (a query string or a form body) with the values of sensitive names replaced. */
import type { NameMatcher } from './name-matcher.js';
import { REDACTED } from './rules.js';

const REDACTED_URL_ENCODED = encodeURIComponent(REDACTED);

/**
 * `a=1&b=2` (a query string or a form body): values of names the matcher flags are replaced.
 * Walks the pairs with indexOf instead of split/join, and copies only when something changes:
 * every event's URL passes here.
 */
export function redactUrlEncoded(text: string, names: NameMatcher): string {
  let out = '';
  let copied = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', start);
    if (eq >= 0 && eq < end) {
      const name = text.slice(start, eq);
      let decoded = name;
      // Most names are plain words: decode only what is encoded.
      if (name.includes('%') || name.includes('+')) {
        try { decoded = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { /* keep raw */ }
      }
      if (names.matches(decoded)) {
        out += text.slice(copied, eq + 1) + REDACTED_URL_ENCODED;
        copied = end;
      }
    }
    start = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
