/**
 * Decides whether a header, query-parameter or body-key name is sensitive: exact names, names
 * containing a fragment, or the user's RegExps. Case-insensitive, `-` and `_` ignored, so
 * `apiKey`, `api_key` and `API-KEY` are one name.
 */
export const normalize = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

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
    const result = this.exact.has(n) || this.containing.some((c) => n.includes(c)) || this.patterns.some((p) => p.test(name));
    // Header and key names repeat endlessly; remember a bounded number of answers.
    if (this.cache.size >= 2048) this.cache.clear();
    this.cache.set(name, result);
    return result;
  }
}
