/**
 * Seeded randomness for the simulator. Every jitter in a drill comes from here, so the same seed replays the same
 * drill to the millisecond. Two kinds of draws:
 * - a stream (`next`, `between`, `jitter`), drawn in a fixed order at world construction;
 * - keyed draws (`at(key, index)`), which depend only on the seed and the key, never on the order of calls. Use
 *   them for values read lazily by handlers (metric samples), whose call order the product decides.
 */

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for jitter, and identical on every platform. */
const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** FNV-1a, to turn a key into 32 bits. */
const hash32 = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

/** A seeded source of numbers in [0, 1). */
export class Random {
  readonly seed: number;
  private readonly stream: () => number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be a whole number from 0 to 4294967295, got ${seed}`);
    }
    this.seed = seed;
    this.stream = mulberry32(seed);
  }

  /** The next number of the stream, in [0, 1). */
  next(): number {
    return this.stream();
  }

  /** The next number of the stream, uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** `base` plus or minus up to `fraction` of it (uniform), from the stream. */
  jitter(base: number, fraction: number): number {
    return base * (1 + fraction * (2 * this.next() - 1));
  }

  /** Another source, seeded from this one's seed and `key`: a stream of its own for each key. */
  derive(key: string): Random {
    return new Random((this.seed ^ hash32(key)) >>> 0);
  }

  /** A number in [0, 1) that depends only on the seed, the key and the index: independent of call order. */
  at(key: string, index = 0): number {
    return mulberry32((this.seed ^ hash32(key) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)();
  }

  /** Keyed and uniform in [min, max). */
  betweenAt(key: string, index: number, min: number, max: number): number {
    return min + (max - min) * this.at(key, index);
  }

  /** A lower-case hex string of `length` characters, keyed (ids of health checks, events, requests). */
  hexAt(key: string, index: number, length: number): string {
    let out = '';
    let round = 0;
    while (out.length < length) {
      out += Math.floor(this.at(`${key}#${round}`, index) * 0x100000000)
        .toString(16)
        .padStart(8, '0');
      round += 1;
    }
    return out.slice(0, length);
  }

  /** A UUID-shaped keyed id (8-4-4-4-12 hex), as AWS uses for health checks and event ids. */
  uuidAt(key: string, index = 0): string {
    const hex = this.hexAt(key, index, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
