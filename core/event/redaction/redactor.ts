/**
 * Redaction, compiled once per auditLog() from the defaults plus the user's `redactKeys`.
 * Applied to every event before the user's `redact(event)` hook and before anything leaves the
 * process: header values, query parameters, URL userinfo, JSON and form body keys at any depth,
 * and card numbers (Luhn-checked) anywhere in a text body.
 */
import type { HeaderMap } from '../headers.js';
import { redactCardNumbers } from './card-numbers.js';
import { JsonRedactor, matchStarts } from './json-scanner.js';
import { NameMatcher, normalize } from './name-matcher.js';
import { BODY_KEY_FRAGMENTS, DEFAULT_REDACTION, REDACTED } from './rules.js';
import { redactUrlEncoded } from './url-encoded.js';

export interface Redactor {
  url(url: string): string;
  headers(headers: HeaderMap): HeaderMap;
  body(body: string | null, contentType: string | undefined): string | null;
}

export function compileRedactor(extraKeys: ReadonlyArray<string | RegExp>): Redactor {
  const extraNames = extraKeys.filter((k): k is string => typeof k === 'string');
  const extraPatterns = extraKeys.filter((k): k is RegExp => k instanceof RegExp);
  const d = DEFAULT_REDACTION;
  const header = new NameMatcher([...d.headers.exact, ...extraNames], d.headers.containing, extraPatterns);
  const queryParam = new NameMatcher([...d.queryParams.exact, ...extraNames], d.queryParams.containing, extraPatterns);
  const bodyKey = new NameMatcher([...d.bodyKeys.exact, ...extraNames], d.bodyKeys.containing, extraPatterns);
  // A cheap pre-check: scan a body's keys only where something shaped like a sensitive KEY
  // occurs: one of the short fragments every default name contains (a test checks that), the
  // rest of that word (anything but quotes, `:`, `=` and whitespace), then an optional quote,
  // whitespace and `:` or `=`; or one more word and the key's closing quote and `:`
  // ("Password Confirmation"). So "shipping" in a value never triggers the `pin` rule. A key
  // with two or more words after its sensitive word ("secret answer one") is not seen.
  // Each match's start is a key hint for the JSON scanner (json-scanner.ts). Every part is
  // bounded by whitespace or a quote, so the cost stays linear in the body: letting the rest of
  // the key run to its quote made each "keyboard" in a long text value cost the rest of that
  // value (quadratic); allowing up to three more words cost 2x on a body of notes.
  const userWords = extraNames.map((w) => normalize(w).split('').map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[-_]*'));
  const sensitiveKey = new RegExp(`(?:${[...BODY_KEY_FRAGMENTS, ...userWords].join('|')})[^"=:\\s]*(?:["']?\\s*[:=]|\\s+[^"=:\\s]*["']\\s*:)`, 'gi');
  /**
   * User RegExps can match any key, and `\u` escapes can spell a key the word scan cannot see
   * (`pass\u0077ord`): such bodies have every key checked.
   */
  const checkEveryKey = (text: string): boolean => extraPatterns.length > 0 || text.includes('\\u');

  /** Where key-shaped text starts in `text`; null when every key must be checked. */
  const keyHints = (text: string): number[] | null => (checkEveryKey(text) ? null : matchStarts(sensitiveKey, text));
  const json = new JsonRedactor({ isSensitiveKey: (key) => bodyKey.matches(key), keyHints });

  return {
    url(url) {
      let out = url;
      // Userinfo: scheme://user:pass@host → scheme://host
      if (out.includes('@')) out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
      const q = out.indexOf('?');
      if (q < 0) return out;
      const hash = out.indexOf('#', q);
      const query = out.slice(q + 1, hash < 0 ? undefined : hash);
      const redacted = redactUrlEncoded(query, queryParam);
      if (redacted === query) return out;
      return `${out.slice(0, q + 1)}${redacted}${hash < 0 ? '' : out.slice(hash)}`;
    },
    headers(headers) {
      let out: HeaderMap | null = null;
      for (const name of Object.keys(headers)) {
        if (header.matches(name)) (out ??= { ...headers })[name] = REDACTED;
      }
      return out ?? headers;
    },
    body(body, contentType) {
      if (body === null || body.length === 0 || body.startsWith('[binary body:')) return body;
      const first = body.trimStart()[0];
      const ct = contentType?.toLowerCase() ?? '';
      if (first === '{' || first === '[' || ct.includes('json')) return json.redactIfNeeded(body) ?? body;
      // Forms and other text: names may be percent-encoded (`%70assword`), so any `%` means a look.
      const keyStarts = keyHints(body);
      if (keyStarts !== null && keyStarts.length === 0 && !body.includes('%')) return redactCardNumbers(body);
      const form = redactUrlEncoded(body, bodyKey);
      if (ct.includes('x-www-form-urlencoded')) return redactCardNumbers(form);
      // Other text may hold either shape (`key=value` lines, a JSON fragment): both rules apply.
      // The key hints found above still hold if the form pass changed nothing (the usual case).
      return redactCardNumbers((form === body ? json.redactIfNeeded(form, keyStarts) : json.redactIfNeeded(form)) ?? form);
    },
  };
}
