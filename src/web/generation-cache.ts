/**
 * Values computed from the database, kept for as long as its write generation stays the same
 * (see src/store/write-generation.ts). Reading with a newer generation empties the cache
 * first, so a value is only ever served while no commit has happened since it was computed.
 * Within a generation the least recently used values go first once the budget is spent.
 */
export class GenerationCache<V> {
  readonly #budget: number;
  readonly #sizeOf: (value: V) => number;
  readonly #entries = new Map<string, { value: V; size: number }>();
  #generation: string | undefined;
  #used = 0;
  #hits = 0;
  #misses = 0;

  /** `budget` in the units of `sizeOf` (one per value unless given); 0 keeps nothing. */
  constructor(budget: number, sizeOf: (value: V) => number = () => 1) {
    this.#budget = budget;
    this.#sizeOf = sizeOf;
  }

  get enabled(): boolean {
    return this.#budget > 0;
  }

  /** The value kept under `key` in this generation, if any. */
  get(generation: string, key: string): V | undefined {
    this.#advance(generation);
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#misses += 1;
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#hits += 1;
    return entry.value;
  }

  /** The value kept under `key` in this generation; when none, `compute`'s, which is kept. */
  getOrCompute(generation: string, key: string, compute: () => V): V {
    let value = this.get(generation, key);
    if (value === undefined) {
      value = compute();
      this.set(generation, key, value);
    }
    return value;
  }

  /**
   * Keeps a value computed after `generation` was read. A value from an older generation than
   * the newest one seen is dropped; so is one bigger than an eighth of the budget, which would
   * push out many others.
   */
  set(generation: string, key: string, value: V): void {
    const size = this.#sizeOf(value);
    if (generation !== this.#generation || size > this.#budget / 8) return;
    this.#remove(key);
    while (this.#used + size > this.#budget) {
      const oldest = this.#entries.keys().next().value as string;
      this.#remove(oldest);
    }
    this.#entries.set(key, { value, size });
    this.#used += size;
  }

  /** Hits and misses since start, and what is kept now. */
  stats(): { hits: number; misses: number; entries: number; used: number } {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#entries.size,
      used: this.#used,
    };
  }

  #advance(generation: string): void {
    if (generation === this.#generation) return;
    this.#entries.clear();
    this.#used = 0;
    this.#generation = generation;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#used -= entry.size;
  }
}
