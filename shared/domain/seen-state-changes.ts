/**
 * The state changes this container has taken in, with the answer of each one's first delivery (in progress or
 * done): a redelivery that finds its state change here costs no AWS call. Bounded: past `limit` entries the
 * oldest is forgotten, and a forgotten state change falls back to the ledger's conditional put. A first delivery
 * that fails is forgotten at once, so that its retry acts again.
 */
export class SeenStateChanges<T> {
  readonly #limit: number;
  readonly #answers = new Map<string, Promise<T>>();

  constructor(limit = 10_000) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number >= 1, got ${limit}`);
    this.#limit = limit;
  }

  /** The answer of the first delivery of `key` this container saw (it may still be in progress), if any. */
  get(key: string): Promise<T> | undefined {
    return this.#answers.get(key);
  }

  /** Remembers the answer of the first delivery of `key`. */
  remember(key: string, answer: Promise<T>): void {
    this.#answers.set(key, answer);
    if (this.#answers.size > this.#limit) {
      const oldest = this.#answers.keys().next().value;
      if (oldest !== undefined) this.#answers.delete(oldest);
    }
    answer.catch(() => {
      if (this.#answers.get(key) === answer) this.#answers.delete(key);
    });
  }

  get size(): number {
    return this.#answers.size;
  }
}
