/**
 * What a query made of each event (a decoded summary, a JSON text), by sequence number, for
 * the events read most recently. An event never changes once it is in the log, so nothing kept
 * here goes stale and no write has to empty it: SQLite is still asked on every read which
 * events a page holds (filters, visibility, position), and only their contents come from here.
 * Values are frozen, since every later reader shares them.
 */
export class KeptEvents<V> {
  readonly #kept = new Map<number, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#kept.size;
  }

  /** The values of the given events in their order; `read` loads those not kept, in one go. */
  of(seqs: readonly number[], read: (missing: number[]) => Iterable<[number, V]>): V[] {
    const missing = seqs.filter((seq) => !this.#kept.has(seq));
    if (missing.length > 0) {
      for (const [seq, value] of read(missing)) this.#kept.set(seq, deepFreeze(value));
    }
    const values = seqs.map((seq) => {
      const value = this.#kept.get(seq);
      if (value === undefined) throw new Error(`event ${seq} was listed but could not be read`);
      // Map keeps insertion order: moving a value to the end makes the first the least recent.
      this.#kept.delete(seq);
      this.#kept.set(seq, value);
      return value;
    });
    for (const seq of this.#kept.keys()) {
      if (this.#kept.size <= this.#capacity) break;
      this.#kept.delete(seq);
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
