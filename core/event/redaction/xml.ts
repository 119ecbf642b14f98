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
const ATTRIBUTE = /(\s+(?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)(\s*=\s*)("[^"]*"|'[^']*')/g;

export function looksLikeXml(text: string, contentType: string): boolean {
  return contentType.includes('xml') || text.trimStart().startsWith('<');
}

export function redactXml(text: string, names: NameMatcher): string {
  let out = '';
  let copied = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
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
    if (closing !== '' || selfClosing !== '' || !names.matches(local)) continue;
    // A sensitive element: everything up to its matching end tag (same local name, nesting counted).
    const contentStart = m.index + whole.length;
    let depth = 1;
    let contentEnd = text.length;
    for (let n = TAG.exec(text); n !== null; n = TAG.exec(text)) {
      if (n[2] !== local || n[4] === '/') continue;
      depth += n[1] === '' ? 1 : -1;
      if (depth === 0) {
        contentEnd = n.index;
        break;
      }
    }
    if (contentEnd > contentStart) {
      out += text.slice(copied, contentStart) + REDACTED;
      copied = contentEnd;
    }
    TAG.lastIndex = contentEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
