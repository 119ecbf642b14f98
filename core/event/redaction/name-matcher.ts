/**
 * Decides whether a header, query-parameter or body-key name is sensitive: an exact name, one of
 * the user's RegExps, or a name containing a sensitive word unless it is listed as not secret
 * (`token_count`, `tokenizer`, `password_policy`). Case-insensitive, `-` and `_` ignored, so
 * `apiKey`, `api_key` and `API-KEY` are one name.
 */
import { DEFAULT_REDACTION } from './rules.js';

export const normalize = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

const NOT_SECRET = new Set<string>(DEFAULT_REDACTION.notSecret.exact);
const NOT_SECRET_ENDINGS: readonly string[] = DEFAULT_REDACTION.notSecret.endings;

export class NameMatcher {
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
    const result = this.exact.has(n) || this.patterns.some((p) => p.test(name)) || (this.containing.some((c) => n.includes(c)) && !notSecret(n));
    // Header and key names repeat endlessly; remember a bounded number of answers.
    if (this.cache.size >= 2048) this.cache.clear();
    this.cache.set(name, result);
    return result;
  }
}

function notSecret(n: string): boolean {
  return NOT_SECRET.has(n) || NOT_SECRET_ENDINGS.some((e) => n.endsWith(e) && n.length > e.length);
}
