import { Random } from '../../../sim/random';

describe('Random', () => {
  it('replays the same stream when the seed is the same', () => {
    // Prepare
    const a = new Random(7);
    const b = new Random(7);

    // Act
    const first = Array.from({ length: 5 }, () => a.next());
    const second = Array.from({ length: 5 }, () => b.next());

    // Assess
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(5);
  });

  it('gives a different stream when the seed differs', () => {
    expect(new Random(1).next()).not.toBe(new Random(2).next());
  });

  it('keeps keyed draws independent of the order of calls when keys are read in any order', () => {
    // Prepare
    const a = new Random(99);
    const b = new Random(99);

    // Act
    const forward = { lag1: a.at('lag', 1), lag2: a.at('lag', 2), other: a.at('other', 1) };
    b.next();
    const other = b.at('other', 1);
    const lag2 = b.at('lag', 2);
    const lag1 = b.at('lag', 1);

    // Assess
    expect({ lag1, lag2, other }).toEqual(forward);
    expect(a.at('lag', 1)).not.toBe(a.at('lag', 2));
  });

  it('stays within bounds when drawing ranges and jitter', () => {
    const random = new Random(3);
    for (let i = 0; i < 200; i += 1) {
      const value = random.between(30, 80);
      expect(value).toBeGreaterThanOrEqual(30);
      expect(value).toBeLessThan(80);
      const jittered = random.jitter(240, 0.1);
      expect(jittered).toBeGreaterThanOrEqual(216);
      expect(jittered).toBeLessThanOrEqual(264);
    }
  });

  it('formats UUID-shaped ids when asked for one', () => {
    expect(new Random(5).uuidAt('health-check', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('rejects a seed that is not a 32-bit whole number', () => {
    expect(() => new Random(-1)).toThrow(/seed must be a whole number/);
    expect(() => new Random(1.5)).toThrow(/seed must be a whole number/);
  });
});
