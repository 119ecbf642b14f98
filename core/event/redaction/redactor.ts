/**
 * Redaction, compiled once per auditLog() from the defaults plus the user's `redactKeys`.
 * Applied to every event before the user's `redact(event)` hook and before anything leaves the
 * process. Two passes over every stored string:
 *   - by name: header values, query parameters, URL userinfo, and the values of sensitive keys
 *     in JSON (any depth), form, XML/SOAP, multipart and `key=value` / `key: value` text;
 *   - by value: credential formats (`[REDACTED:<kind>]`, secret-values.ts), the user's
 *     `redactPatterns`, and card numbers (Luhn-checked) in every text body.
 */
import type { HeaderMap } from '../headers.js';
import { redactCardNumbers } from './card-numbers.js';
import { JsonRedactor, matchStarts } from './json-scanner.js';
import { redactMultipart } from './multipart.js';
import { NameMatcher, normalize } from './name-matcher.js';
import { BODY_KEY_FRAGMENTS, DEFAULT_REDACTION, REDACTED } from './rules.js';
import { compileSecretValues } from './secret-values.js';
import { redactTextPairs } from './text-pairs.js';
import { redactUrlEncoded } from './url-encoded.js';
import { looksLikeXml, redactXml } from './xml.js';
import { multipartBoundary } from '../multipart-body.js';

export interface Redactor {
  url(url: string): string;
  headers(headers: HeaderMap): HeaderMap;
  /** `url`: the call's URL; a credentials endpoint's `value` and `key` fields are secrets too. */
  body(body: string | null, contentType: string | undefined, url?: string): string | null;
  /** Free text (the event's `error`): `key=value` pairs by name, then by value. */
  text(text: string | null): string | null;
}

/** A path segment naming keys, tokens, secrets or credentials: `/apikeys`, `/v1/keys/…`, `/tokens?…`. */
const CREDENTIAL_ENDPOINT = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/(?:[^?#]*\/)?(?:api[-_]?keys?|keys|access[-_]?keys|tokens|secrets|credentials|client[-_]?secrets)(?:[/?#]|$)/i;
const CREDENTIAL_FIELDS = new Set(['value', 'key']);

export interface RedactionSettings {
  readonly redactKeys: ReadonlyArray<string | RegExp>;
  /** The built-in credential formats (default on); off leaves only names, cards and `redactPatterns`. */
  readonly detectSecrets?: boolean;
  /** Global RegExps whose matches become `[REDACTED:custom]` in every stored string. */
  readonly redactPatterns?: readonly RegExp[];
}

export function compileRedactor(settings: RedactionSettings): Redactor {
  const extraKeys = settings.redactKeys;
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
  // APIs that create or list keys return the key under a plain name (API Gateway's CreateApiKey:
  // {"id", "value"}; Azure Functions' /keys: [{"name", "value"}]): on such endpoints those names
  // count as sensitive, and every key is looked at (`value` is no key-shaped sensitive word).
  const credentialJson = new JsonRedactor({ isSensitiveKey: (key) => bodyKey.matches(key) || CREDENTIAL_FIELDS.has(key.toLowerCase()), keyHints: () => null });

  const values = compileSecretValues(settings.detectSecrets ?? true, settings.redactPatterns ?? []);
  // XML names are not followed by `:` or `=`: this probe finds a sensitive word inside an
  // element name (after `<` or `</` and a prefix) or an attribute name (before `=`); its matches
  // are the tags the XML pass looks at. Words in text content are not tags, so prose costs one pass.
  const fragments = [...BODY_KEY_FRAGMENTS, ...userWords].join('|');
  const xmlProbe = new RegExp(`<\\/?(?:[\\w.-]*:)?[\\w.-]*?(?:${fragments})|\\s(?:[\\w.-]*:)?[\\w.-]*?(?:${fragments})[\\w.-]*\\s*=`, 'gi');

  /** Names in a text body of no structured type: forms, a JSON fragment, `key=value` lines. */
  function otherText(body: string, ct: string): string {
    // Forms: names may be percent-encoded (`%70assword`), so any `%` means a look.
    const keyStarts = keyHints(body);
    if (keyStarts !== null && keyStarts.length === 0 && !body.includes('%')) return body;
    const form = redactUrlEncoded(body, bodyKey, values.redact);
    if (ct.includes('x-www-form-urlencoded')) return form;
    // The key hints found above still hold if the form pass changed nothing (the usual case).
    const hints = form === body ? keyStarts : keyHints(form);
    const fragment = json.redactIfNeeded(form, hints) ?? form;
    return redactTextPairs(fragment, bodyKey, fragment === form ? hints : keyHints(fragment));
  }

  /** `contentType` as sent (a multipart boundary is case-sensitive), `ct` lower-cased. */
  function byName(body: string, contentType: string, ct: string): string {
    const boundary = multipartBoundary(contentType);
    if (boundary !== null) return redactMultipart(body, boundary, bodyKey);
    if (looksLikeXml(body, ct)) {
      if (extraPatterns.length > 0) return redactXml(body, bodyKey, null);
      const hints = matchStarts(xmlProbe, body);
      return hints.length === 0 ? body : redactXml(body, bodyKey, hints.map((h) => h + 1));
    }
    return otherText(body, ct);
  }

  return {
    url(url) {
      let out = url;
      // Userinfo: scheme://user:pass@host → scheme://host
      if (out.includes('@')) out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
      const q = out.indexOf('?');
      if (q >= 0) {
        const hash = out.indexOf('#', q);
        const query = out.slice(q + 1, hash < 0 ? undefined : hash);
        const redacted = redactUrlEncoded(query, queryParam, values.redact);
        if (redacted !== query) out = `${out.slice(0, q + 1)}${redacted}${hash < 0 ? '' : out.slice(hash)}`;
      }
      return values.redact(out);
    },
    headers(headers) {
      let out: HeaderMap | null = null;
      for (const name of Object.keys(headers)) {
        const value = headers[name]!;
        const redacted = header.matches(name) ? REDACTED : values.redact(value);
        if (redacted !== value) (out ??= { ...headers })[name] = redacted;
      }
      return out ?? headers;
    },
    body(body, contentType, url) {
      if (body === null || body.length === 0 || body.startsWith('[binary body:')) return body;
      const ct = contentType?.toLowerCase() ?? '';
      const first = body.trimStart()[0];
      if (first === '{' || first === '[' || ct.includes('json')) {
        // The JSON scanner finds card numbers itself (in strings, and between them by the text
        // rule, so a body only labelled JSON loses none either): a second card pass here cost
        // 10k instructions per 1 KiB body (cachegrind, docs/performance.md).
        const scanner = url !== undefined && CREDENTIAL_ENDPOINT.test(url) ? credentialJson : json;
        return values.redact(scanner.redactIfNeeded(body) ?? body);
      }
      return values.redact(redactCardNumbers(byName(body, contentType ?? '', ct)));
    },
    text(text) {
      if (text === null || text.length === 0) return text;
      return values.redact(otherText(text, ''));
    },
  };
}
