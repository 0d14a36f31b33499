// Least-recently-used map bounded by the summed byte size of its values (not their count): cached vision features
// range from 256×2304 floats (2.4 MB at 224 px) to 4096×2304 (38 MB at 896 px), so a count bound would be meaningless.

export class ByteLru<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number, private readonly onEvict?: (key: string, value: V) => void) {
    if (!(maxBytes >= 0)) throw new RangeError(`ByteLru maxBytes ${maxBytes}: expected a number ≥ 0`);
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) { this.misses++; return undefined; }
    this.hits++;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Stores `value`; a value larger than the whole budget is not stored (it would evict everything for nothing). */
  set(key: string, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.map.set(key, { value, bytes });
    this.used += bytes;
    for (const [k, e] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= e.bytes;
      this.onEvict?.(k, e.value);
    }
    return true;
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.used -= e.bytes;
  }

  clear(): void { this.map.clear(); this.used = 0; }
  get bytes(): number { return this.used; }
  get size(): number { return this.map.size; }
  keys(): string[] { return [...this.map.keys()]; }
}
