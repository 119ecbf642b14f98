/**
 * Partitions this container has already seen added, so that the steady stream of objects into
 * existing partitions costs no Athena call. Bounded: a Map keeps insertion order, a hit moves
 * the entry to the end, and the oldest entry goes when full (least recently used). Forgetting
 * is harmless: the statement says IF NOT EXISTS.
 */
export class KnownPartitionsCache {
  private readonly entries = new Map<string, true>();

  constructor(readonly maxEntries = 100_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  has(location: string): boolean {
    if (!this.entries.has(location)) return false;
    this.entries.delete(location);
    this.entries.set(location, true);
    return true;
  }

  add(location: string): void {
    this.entries.delete(location);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(location, true);
  }
}
