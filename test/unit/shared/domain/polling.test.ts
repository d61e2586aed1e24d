import { POLL_BOUNDS, POLL_FRACTION, pollSeconds, RDS_POLL_READS_PER_SECOND } from '../../../../shared/domain/polling';

const START = '2026-11-25T03:00:00.000Z';
const secondsAfter = (seconds: number) => new Date(new Date(START).getTime() + seconds * 1000);

/**
 * Polls something that is done `doneAfter` s after START, each check `stepSeconds` after its wait (the Lambda step);
 * returns the polls made and when the first check that saw it done ran.
 */
const simulate = (target: 'promotion' | 'dns', doneAfter: number, stepSeconds = 0.4) => {
  let elapsed = 0;
  let polls = 0;
  while (elapsed < doneAfter) {
    elapsed += pollSeconds(target, START, secondsAfter(elapsed)) + stepSeconds;
    polls += 1;
  }
  return { polls, noticedAfter: elapsed };
};

/** History events of one poll: Wait (2), Lambda Task (5), Choice (2); sim/history.ts. */
const EVENTS_PER_POLL = 9;

describe('pollSeconds', () => {
  it('waits the floor (2 s for a promotion, 1 s for DNS) when the phase has just started', () => {
    // Act
    const waits = [pollSeconds('promotion', START, secondsAfter(0)), pollSeconds('dns', START, secondsAfter(0))];

    // Assess
    expect(waits).toEqual([2, 1]);
  });

  it('waits 1.2% of the elapsed time, rounded up to a whole second, when between the bounds', () => {
    // Act
    const waits = [250, 1000, 3600].map((seconds) => pollSeconds('promotion', START, secondsAfter(seconds)));

    // Assess: 3, 12, 43.2 -> 44
    expect(waits).toEqual([3, 12, 44]);
  });

  it("waits long enough for the next poll's RDS reads to average 6 a second, half of RDS's default rate", () => {
    // Act: a plan at the size limits (40 databases, 80 reads), one with 13 reads, and the example's 3, just started
    const waits = [80, 13, 3].map((reads) => pollSeconds('promotion', START, secondsAfter(0), reads));
    // ... and 1000 s in, when 1.2% of the elapsed time (12 s) is the longer wait
    const later = pollSeconds('promotion', START, secondsAfter(1000), 80);

    // Assess: 80 / 6 = 13.3 -> 14; 13 / 6 -> 3; 3 reads stay at the 2 s floor
    expect(RDS_POLL_READS_PER_SECOND).toBe(6);
    expect(waits).toEqual([14, 3, 2]);
    expect(later).toBe(14);
    expect(pollSeconds('promotion', START, secondsAfter(5000), 80)).toBe(60);
    expect(pollSeconds('promotion', START, secondsAfter(0), 10_000)).toBe(POLL_BOUNDS.promotion.max);
  });

  it('never waits more than 120 s however long the phase takes', () => {
    // Act
    const waits = [5 * 3600, 48 * 3600].map((seconds) => pollSeconds('promotion', START, secondsAfter(seconds)));

    // Assess
    expect(waits).toEqual([120, 120]);
    expect(POLL_BOUNDS.dns.max).toBe(120);
  });

  it('waits the floor when startedAt is in the future or unreadable', () => {
    // Act
    const future = pollSeconds('promotion', '2026-11-25T04:00:00.000Z', secondsAfter(10));
    const garbled = pollSeconds('dns', 'not a time', secondsAfter(10));

    // Assess
    expect([future, garbled]).toEqual([2, 1]);
  });

  it('returns whole seconds within the bounds at every elapsed time when polled', () => {
    // Act
    const waits = Array.from({ length: 4000 }, (_, i) => pollSeconds('promotion', START, secondsAfter(i * 7.3)));

    // Assess: each check over all 4,000 waits at once (the ones that break it, the smallest, the largest), not
    // 12,000 single expects, which took half a second
    expect(waits.filter((wait) => !Number.isInteger(wait))).toEqual([]);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(POLL_BOUNDS.promotion.min);
    expect(Math.max(...waits)).toBeLessThanOrEqual(POLL_BOUNDS.promotion.max);
  });

  it('keeps a 60-minute promotion and a 15-minute DNS change within a quarter of the 25,000-event quota', () => {
    // Act: one poll loop for all databases (statemachines/failover.asl.json), then one for DNS
    const promotion = simulate('promotion', 3600);
    const dns = simulate('dns', 900);

    // Assess: the polls alone, leaving room for the fixed states (about 200 events with 10 databases)
    expect((promotion.polls + dns.polls) * EVENTS_PER_POLL).toBeLessThanOrEqual(6250 - 400);
  });

  it('grows the polls with the logarithm of the duration when the promotion takes longer', () => {
    // Act
    const [one, two, four] = [3600, 7200, 14400].map((doneAfter) => simulate('promotion', doneAfter).polls);

    // Assess: doubling a long promotion adds about ln 2 / 1.2% = 58 polls, not as many again
    expect((two as number) - (one as number)).toBeLessThan(70);
    expect((four as number) - (two as number)).toBeLessThan(70);
  });

  it('notices a phase within 1.2% of its duration (plus the 1 s rounding) or the floor when it ends between polls', () => {
    // Act
    const cases = [45, 100, 240, 600, 900, 1800, 3600, 7200].flatMap((doneAfter) =>
      (['promotion', 'dns'] as const).map((target) => ({
        target,
        doneAfter,
        overshoot: simulate(target, doneAfter, 0).noticedAfter - doneAfter,
      })),
    );

    // Assess
    for (const { target, doneAfter, overshoot } of cases) {
      expect(overshoot).toBeLessThanOrEqual(Math.max(POLL_BOUNDS[target].min, doneAfter * POLL_FRACTION + 1));
    }
  });
});
