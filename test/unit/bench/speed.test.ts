import { speedProbe } from '../../../bench/speed';

describe('speedProbe', () => {
  it('runs the same fixed work in a fresh process each time, and reports the least CPU of its tries', () => {
    // Act: two small probes (the bench's are 400 rounds, 3 tries)
    const first = speedProbe({ rounds: 20, tries: 2 });
    const second = speedProbe({ rounds: 20, tries: 2 });

    // Assess: the work was done, and was the same work; more rounds compute something else
    expect(first.checksum).toBe(second.checksum);
    expect(speedProbe({ rounds: 21, tries: 1 }).checksum).not.toBe(first.checksum);
    expect(first.tries).toHaveLength(2);
    expect(first.tries.every((ms) => ms > 0)).toBe(true);
    expect(first.ms).toBe(Math.min(...first.tries));
  });
});
