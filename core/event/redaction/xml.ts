/**
 * XML and SOAP bodies, by name: the content of an element whose local name is sensitive
 * (`<Password>`, `<wsse:Password Type="…">`, `<ns:ApiKey>`) becomes `[REDACTED]` — children and
 * all, as a sensitive JSON key's object value does — and so does the value of a sensitive
 * attribute (`password="…"`). The namespace prefix is ignored; the rest of the document is kept
 * byte for byte. A document cut off by `maxBodyBytes` is redacted as far as it goes: an open
 * sensitive element with no end tag is redacted to the end.
 *
 * A tag scan, not a parser: comments and processing instructions are skipped by the tag pattern
 * (they start with `<!` or `<?`), CDATA inside a sensitive element is redacted with its element.
 */
import type { NameMatcher } from './name-matcher.js';
import { REDACTED } from './rules.js';

/** A start or end tag: `<`, optional `/`, an optional prefix, the local name, attributes, `>`. */
const TAG = /<(\/?)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const TAG_AT = new RegExp(TAG.source, 'y');
const ATTRIBUTE = /(\s+(?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)(\s*=\s*)("[^"]*"|'[^']*')/g;

export function looksLikeXml(text: string, contentType: string): boolean {
  return contentType.includes('xml') || text.trimStart().startsWith('<');
}

/**
 * `hints`: ascending positions where a sensitive word stands in a tag or attribute name (the
 * XML probe's matches); only the tags holding one are looked at. null: every tag (user RegExps).
 */
export function redactXml(text: string, names: NameMatcher, hints: readonly number[] | null): string {
  let out = '';
  let copied = 0;
  /** Redacts what the tag matched at `m` holds; returns where the scan goes on. */
  const visit = (m: RegExpExecArray): number => {
    const [whole, closing, local, attributes, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing === '' && attributes !== '') {
      // `before` is the white space and any namespace prefix: kept as written.
      const redacted = attributes.replace(ATTRIBUTE, (a, before: string, name: string, eq: string, value: string) =>
        (names.matches(name) ? `${before}${name}${eq}${value[0]}${REDACTED}${value[0]}` : a));
      if (redacted !== attributes) {
        const at = m.index + whole.indexOf(attributes);
        out += text.slice(copied, at) + redacted;
        copied = at + attributes.length;
      }
    }
    const after = m.index + whole.length;
    if (closing !== '' || selfClosing !== '' || !names.matches(local)) return after;
    // A sensitive element: everything up to its matching end tag (same local name, nesting counted).
    let depth = 1;
    let contentEnd = text.length;
    TAG.lastIndex = after;
    for (let n = TAG.exec(text); n !== null; n = TAG.exec(text)) {
      if (n[2] !== local || n[4] === '/') continue;
      depth += n[1] === '' ? 1 : -1;
      if (depth === 0) {
        contentEnd = n.index;
        break;
      }
    }
    if (contentEnd > after) {
      out += text.slice(copied, after) + REDACTED;
      copied = contentEnd;
    }
    return contentEnd;
  };
  if (hints === null) {
    TAG.lastIndex = 0;
    for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) TAG.lastIndex = visit(m);
  } else {
    let next = 0;
    for (const hint of hints) {
      if (hint < next) continue;
      const start = text.lastIndexOf('<', hint);
      if (start < next || start < 0) continue;
      TAG_AT.lastIndex = start;
      const m = TAG_AT.exec(text);
      // The hint must lie in this tag (not in text after it).
      if (m === null || start + m[0].length <= hint) continue;
      next = visit(m);
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}
