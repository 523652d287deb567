/**
 * What a query made of rows that never change under their key (a decoded event by sequence
 * number, a NATS user's JSON by id and version), for the rows read most recently. Nothing kept
 * here goes stale and no write has to empty it: SQLite is still asked on every read which keys
 * a page holds (filters, visibility, position, the current versions), and only the contents
 * come from here. Values are frozen, since every later reader shares them.
 */
export class KeptValues<K, V> {
  readonly #kept = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#kept.size;
  }

  /** The values of the given keys in their order; `read` loads those not kept, in one go. */
  of(keys: readonly K[], read: (missing: K[]) => Iterable<[K, V]>): V[] {
    const missing = keys.filter((key) => !this.#kept.has(key));
    if (missing.length > 0) {
      for (const [key, value] of read(missing)) this.#kept.set(key, deepFreeze(value));
    }
    const values = keys.map((key) => {
      const value = this.#kept.get(key);
      if (value === undefined) throw new Error(`${String(key)} was listed but could not be read`);
      // Map keeps insertion order: moving a value to the end makes the first the least recent.
      this.#kept.delete(key);
      this.#kept.set(key, value);
      return value;
    });
    for (const key of this.#kept.keys()) {
      if (this.#kept.size <= this.#capacity) break;
      this.#kept.delete(key);
    }
    return values;
  }
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
