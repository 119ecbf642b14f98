/**
 * `key=value` and `key: value` pairs in free text (logs, .env-style and header-style bodies, an
 * error message): the value of a sensitive name becomes `[REDACTED]`, the name and the rest of
 * the text are kept. `key: value` takes the rest of the line as the value (`Authorization: Bearer
 * abc` loses all of `Bearer abc`); `key=value` runs to white space, `;`, `,` or `&`; a quoted
 * value runs to its closing quote.
 *
 * Only names where the key-hint pass found a sensitive word are looked at, so ordinary text
 * costs one regex pass (the one the JSON scanner shares).
 */
import type { NameMatcher } from './name-matcher.js';
import { REDACTED } from './rules.js';

/** Name, separator and value of one pair. The name is a word (dots and dashes allowed), optionally quoted. */
const PAIR = /(["']?)([A-Za-z_][\w.-]{0,63})\1([ \t]*(?::|=)[ \t]*)("[^"\r\n]*"|'[^'\r\n]*'|[^\r\n]*)/y;

/**
 * `hints`: ascending start indices of sensitive words shaped like keys (null: look at every
 * word that starts a pair).
 */
export function redactTextPairs(text: string, names: NameMatcher, hints: readonly number[] | null): string {
  let out = '';
  let copied = 0;
  const starts = hints ?? pairStarts(text);
  let after = 0;
  for (const hint of starts) {
    if (hint < after) continue;
    // The hint is inside the name: walk back to the name's first character.
    let start = hint;
    while (start > 0 && /[\w.-]/.test(text[start - 1]!)) start--;
    if (start > 0 && (text[start - 1] === '"' || text[start - 1] === "'")) start--;
    PAIR.lastIndex = start;
    const m = PAIR.exec(text);
    if (m === null) continue;
    const [whole, , name, separator, rawValue] = m as unknown as [string, string, string, string, string];
    if (!names.matches(name)) continue;
    const value = separator.includes('=') && !rawValue.startsWith('"') && !rawValue.startsWith("'")
      ? /^[^\s;,&]*/.exec(rawValue)![0]
      : rawValue.replace(/\s+$/, '');
    if (value === '' || value === REDACTED || value.startsWith('[REDACTED')) continue;
    const valueAt = start + whole.length - rawValue.length;
    out += text.slice(copied, valueAt) + (value[0] === '"' || value[0] === "'" ? `${value[0]}${REDACTED}${value[0]}` : REDACTED);
    copied = valueAt + value.length;
    after = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Where a word followed by `:` or `=` starts (every key must be checked: user RegExps, `\u` escapes). */
function pairStarts(text: string): number[] {
  const starts: number[] = [];
  const word = /[A-Za-z_][\w.-]*["']?[ \t]*[:=]/g;
  for (let m = word.exec(text); m !== null; m = word.exec(text)) starts.push(m.index);
  return starts;
}
