/**
 * Redaction by value: credential formats (secret-formats.ts) and the user's `redactPatterns`,
 * replaced in place with `[REDACTED:<kind>]` in any string (URL, header value, body, error
 * text); the surrounding text is kept. The marker holds no quote, backslash, `&` or `=`, so it is
 * safe inside JSON strings, XML text and form values.
 *
 * One combined probe of every family's prefix decides, in a single pass, whether a text needs a
 * closer look; the closer look tries only the formats of the family whose prefix it found, at the
 * place it found it.
 */
import { AWS_SECRET, AWS_SECRET_WINDOW, isAwsSecret, SECRET_FAMILIES, TOKEN_CHAR, type SecretFormat } from './secret-formats.js';

export const redactedAs = (kind: string): string => `[REDACTED:${kind}]`;

/** The kind shown for a match of one of the user's `redactPatterns`. */
export const CUSTOM_KIND = 'custom';

interface Replacement {
  start: number;
  end: number;
  kind: string;
}

export interface SecretValueRedactor {
  /** `text` with every credential found by value replaced (the same string when none is). */
  redact(text: string): string;
}

/** `detectFormats`: the built-in catalogue on or off; `userPatterns`: global RegExps, checked at auditLog(). */
export function compileSecretValues(detectFormats: boolean, userPatterns: readonly RegExp[]): SecretValueRedactor {
  const probe = new RegExp(SECRET_FAMILIES.map((f) => `(${f.prefix})`).join('|'), 'g');
  const anyPrefix = new RegExp(SECRET_FAMILIES.map((f) => f.prefix).join('|'));
  const prefixAt = SECRET_FAMILIES.map((f) => new RegExp(f.prefix, 'y'));

  /** The credential after an auth scheme may itself be of a known format (`token ghp_…`): that kind is the more useful name. */
  function specificKind(text: string, hit: Replacement): Replacement {
    for (const [i, family] of SECRET_FAMILIES.entries()) {
      prefixAt[i]!.lastIndex = hit.start;
      if (!prefixAt[i]!.test(text)) continue;
      const inner = matchFamily(text, hit.start, family.formats, true);
      if (inner !== null && inner.end <= hit.end) return { ...hit, kind: inner.kind };
    }
    return hit;
  }

  function findFormats(text: string, found: Replacement[]): void {
    probe.lastIndex = 0;
    let awsIds = false;
    for (let m = probe.exec(text); m !== null; m = probe.exec(text)) {
      const family = SECRET_FAMILIES[m.slice(1).findIndex((g) => g !== undefined)]!;
      const at = m.index;
      let hit = matchFamily(text, at, family.formats);
      if (hit === null) continue;
      if (hit.kind === 'bearer-token' || hit.kind === 'basic-credentials') hit = specificKind(text, hit);
      found.push(hit);
      if (hit.kind === 'aws-access-key-id') awsIds = true;
      probe.lastIndex = Math.max(hit.end, at + 1);
    }
    if (awsIds) findAwsSecrets(text, found);
  }

  return {
    redact(text) {
      if (text.length < 8) return text;
      const found: Replacement[] = [];
      if (detectFormats && anyPrefix.test(text)) findFormats(text, found);
      for (const pattern of userPatterns) {
        pattern.lastIndex = 0;
        for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
          if (m[0].length === 0) {
            pattern.lastIndex++;
            continue;
          }
          found.push({ start: m.index, end: m.index + m[0].length, kind: CUSTOM_KIND });
        }
      }
      return found.length === 0 ? text : replaceAll(text, found);
    },
  };
}

function matchFamily(text: string, at: number, formats: readonly SecretFormat[], inside = false): Replacement | null {
  // A token never continues a longer word (`XAKIA…`, `bgh_…`); URL credentials may follow anything.
  const before = at > 0 && !inside ? text[at - 1]! : '';
  for (const format of formats) {
    if (before !== '' && TOKEN_CHAR.test(before) && format.kind !== 'url-credentials') continue;
    format.pattern.lastIndex = at;
    const m = format.pattern.exec(text);
    if (m === null) continue;
    const secret = m[1] ?? m[0];
    if (format.valid !== undefined && !format.valid(secret)) continue;
    const start = m[1] === undefined ? at : at + m[0].indexOf(m[1]);
    return { start, end: start + secret.length, kind: format.kind };
  }
  return null;
}

/** 40-character AWS secret keys near an access key id found in the same text. */
function findAwsSecrets(text: string, found: Replacement[]): void {
  const ids = found.filter((r) => r.kind === 'aws-access-key-id');
  for (const id of ids) {
    const from = Math.max(0, id.start - AWS_SECRET_WINDOW);
    const window = text.slice(from, Math.min(text.length, id.end + AWS_SECRET_WINDOW));
    AWS_SECRET.lastIndex = 0;
    for (let m = AWS_SECRET.exec(window); m !== null; m = AWS_SECRET.exec(window)) {
      if (isAwsSecret(m[0])) found.push({ start: from + m.index, end: from + m.index + 40, kind: 'aws-secret-access-key' });
    }
  }
}

/** Replaces the found ranges (overlaps merged, the first kind kept), left to right. */
function replaceAll(text: string, found: Replacement[]): string {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let copied = 0;
  for (const r of found) {
    if (r.start < copied) continue;
    out += text.slice(copied, r.start) + redactedAs(r.kind);
    copied = r.end;
  }
  return out + text.slice(copied);
}
