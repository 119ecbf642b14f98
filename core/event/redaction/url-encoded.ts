/** `a=1&b=2` text (a query string or a form body) with the values of sensitive names replaced. */
import type { NameMatcher } from './name-matcher.js';
import { REDACTED } from './rules.js';

const REDACTED_URL_ENCODED = encodeURIComponent(REDACTED);

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * `a=1&b=2` (a query string or a form body): values of names the matcher flags are replaced.
 * Walks the pairs with indexOf instead of split/join, and copies only when something changes:
 * every event's URL passes here.
 *
 * `encodedValues`, when given, looks at percent-encoded values decoded (a credential format hides
 * behind `%3A%2F%2F`); a value it changes is stored re-encoded. Plain values are left to the
 * caller's pass over the whole text.
 */
export function redactUrlEncoded(text: string, names: NameMatcher, encodedValues?: (decoded: string) => string): string {
  let out = '';
  let copied = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', start);
    if (eq >= 0 && eq < end) {
      const name = text.slice(start, eq);
      let decoded = name;
      // A name with raw white space is prose, not a form field (forms encode it as + or %20).
      if (/\s/.test(name)) {
        start = end + 1;
        continue;
      }
      // Most names are plain words: decode only what is encoded.
      if (name.includes('%') || name.includes('+')) decoded = decode(name);
      if (names.matches(decoded)) {
        out += text.slice(copied, eq + 1) + REDACTED_URL_ENCODED;
        copied = end;
      } else if (encodedValues !== undefined && text.indexOf('%', eq) >= 0 && text.indexOf('%', eq) < end) {
        const value = decode(text.slice(eq + 1, end));
        const redacted = encodedValues(value);
        if (redacted !== value) {
          out += text.slice(copied, eq + 1) + encodeURIComponent(redacted);
          copied = end;
        }
      }
    }
    start = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
