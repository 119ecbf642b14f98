/**
 * The dispatcher's FIFO of events waiting for a sink call: O(1) push and take (a head index
 * instead of Array.shift, compacted now and then), retries put back at the front, and batches cut
 * by count and by bytes.
 */
export interface Sized {
  record: { bytes: number };
}

export class BatchQueue<T extends Sized> {
  /** Taken slots are cleared at once: a delivered event must not stay reachable until the next compaction. */
  private items: Array<T | undefined> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts items back at the front (retries: they are the oldest). */
  pushFront(items: readonly T[]): void {
    this.items.splice(this.head, 0, ...items);
  }

  shift(): T | null {
    if (this.size === 0) return null;
    return this.take();
  }

  private take(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined;
    return item;
  }

  /** Takes up to `max` items whose bytes (plus `overhead` each) fit `maxBytes`; always at least one. */
  takeBatch(max: number, maxBytes: number, overhead: number): T[] {
    const batch: T[] = [];
    let bytes = 0;
    while (batch.length < max && this.size > 0) {
      const size = this.items[this.head]!.record.bytes + overhead;
      if (batch.length > 0 && bytes + size > maxBytes) break;
      batch.push(this.take());
      bytes += size;
    }
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
    return batch;
  }

  /** The waiting items, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
