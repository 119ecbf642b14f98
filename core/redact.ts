/**
 * Redaction, compiled once per auditLog() from the defaults plus the user's `redactKeys`.
 * Applied to every event before the user's `redact(event)` hook and before anything leaves the
 * process: header values, query parameters, URL userinfo, JSON and form body keys at any depth,
 * and card numbers (Luhn-checked) anywhere in a text body.
 *
 * Names are matched case-insensitively with `-` and `_` ignored, so `apiKey`, `api_key` and
 * `API-KEY` are one name.
 */
import type { HeaderMap } from './headers.js';
import { redactJsonText, type JsonRedactionRules } from './json-redaction.js';

export const REDACTED = '[REDACTED]';

export const DEFAULT_REDACTION = {
  headers: {
    exact: ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-amz-security-token'],
    containing: ['token', 'secret', 'session', 'password', 'csrf', 'apikey'],
  },
  queryParams: {
    exact: ['sig', 'signature', 'awsaccesskeyid', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'token', 'key', 'api_key', 'access_token', 'client_secret', 'password', 'code_verifier'],
    containing: ['token', 'secret', 'password', 'signature', 'apikey'],
  },
  bodyKeys: {
    exact: ['password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'private_key', 'card_number', 'cvv', 'cvc', 'ssn', 'authorization', 'pin'],
    containing: ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'cardnumber', 'creditcard'],
  },
} as const;

/** Every default body-key name contains one of these (checked by a test); the body pre-filter scans for them. */
export const BODY_KEY_FRAGMENTS = ['pass', 'pwd', 'secret', 'token', 'key', 'ssn', 'cvv', 'cvc', 'pin', 'auth', 'card'] as const;

const normalize = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

class NameMatcher {
  private readonly exact: Set<string>;
  private readonly cache = new Map<string, boolean>();
  constructor(
    exact: readonly string[],
    private readonly containing: readonly string[],
    private readonly patterns: readonly RegExp[],
  ) {
    this.exact = new Set(exact.map(normalize));
  }

  matches(name: string): boolean {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit;
    const n = normalize(name);
    const result = this.exact.has(n) || this.containing.some((c) => n.includes(c)) || this.patterns.some((p) => p.test(name));
    // Header and key names repeat endlessly; remember a bounded number of answers.
    if (this.cache.size >= 2048) this.cache.clear();
    this.cache.set(name, result);
    return result;
  }
}

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

/**
 * A run of ≥ 13 digits, single spaces or dashes allowed between: a possible card number.
 * That is `\d(?:[ -]?\d){12}`, split on its first separator: the two alternatives begin with
 * two-character prefixes, which the regex engine rejects faster at the many lone digits of a
 * JSON body (1.5 µs instead of 2.1 µs per KiB).
 */
const CARD_PROBE = /\d\d(?:[ -]?\d){11}|\d[ -]\d(?:[ -]?\d){11}/;
const CARD_PROBE_ALL = new RegExp(CARD_PROBE.source, 'g');

/** Start indices of every match of a global `pattern` in `text` (ascending): hints for the JSON scanner. */
function matchStarts(pattern: RegExp, text: string): number[] {
  const starts: number[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) starts.push(m.index);
  return starts;
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Replaces card numbers (13–19 digits, spaces or dashes allowed, valid Luhn checksum). */
export function redactCardNumbers(text: string): string {
  if (!CARD_PROBE.test(text)) return text;
  return text.replace(CARD_CANDIDATE, (m) => (luhn(m.replace(/[ -]/g, '')) ? REDACTED : m));
}

const REDACTED_URL_ENCODED = encodeURIComponent(REDACTED);

/**
 * `a=1&b=2` (a query string or a form body): values of names the matcher flags are replaced.
 * Walks the pairs with indexOf instead of split/join, and copies only when something changes:
 * every event's URL passes here.
 */
function redactUrlEncoded(text: string, names: NameMatcher): string {
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
  // Each match's start is a key hint for the JSON scanner (json-redaction.ts). Every part is
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

  const jsonRules: JsonRedactionRules = {
    isSensitiveKey: (key) => bodyKey.matches(key),
    redactString: (value) => redactString(value),
    isCardNumber: (digits) => luhn(digits),
  };

  /** Where key-shaped text starts in `text`; null when every key must be checked. */
  const keyHints = (text: string): number[] | null => (checkEveryKey(text) ? null : matchStarts(sensitiveKey, text));

  /** JSON text: null when nothing in it can need redaction. `keyStarts`: hints already found in this very text. */
  function redactJsonIfNeeded(text: string, keyStarts: number[] | null = keyHints(text)): string | null {
    const cardStarts = matchStarts(CARD_PROBE_ALL, text);
    if (keyStarts !== null && keyStarts.length === 0 && cardStarts.length === 0) return null;
    return redactJsonText(text, jsonRules, { keyStarts, cardStarts, nestedJson: text.includes('\\"') });
  }

  /** A string value: JSON nested in it is redacted as JSON; card numbers anywhere. */
  function redactString(value: string): string {
    const first = value.trimStart()[0];
    if (first === '{' || first === '[') return redactJsonIfNeeded(value) ?? value;
    return redactCardNumbers(value);
  }

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
      if (first === '{' || first === '[' || ct.includes('json')) return redactJsonIfNeeded(body) ?? body;
      // Forms and other text: names may be percent-encoded (`%70assword`), so any `%` means a look.
      const keyStarts = keyHints(body);
      if (keyStarts !== null && keyStarts.length === 0 && !body.includes('%')) return redactCardNumbers(body);
      const form = redactUrlEncoded(body, bodyKey);
      if (ct.includes('x-www-form-urlencoded')) return redactCardNumbers(form);
      // Other text may hold either shape (`key=value` lines, a JSON fragment): both rules apply.
      // The key hints found above still hold if the form pass changed nothing (the usual case).
      return redactCardNumbers((form === body ? redactJsonIfNeeded(form, keyStarts) : redactJsonIfNeeded(form)) ?? form);
    },
  };
}
