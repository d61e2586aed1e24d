import { POLL_BOUNDS, pollSeconds } from '../../../../shared/domain/polling';

const START = '2026-11-25T03:00:00.000Z';
const secondsAfter = (seconds: number) => new Date(new Date(START).getTime() + seconds * 1000);

/** Polls a promotion that becomes writable at `doneAfter` s; returns the polls made and when the last one ran. */
const simulate = (doneAfter: number, stepSeconds = 0) => {
  let elapsed = 0;
  let polls = 0;
  while (elapsed < doneAfter) {
    elapsed += pollSeconds('promotion', START, secondsAfter(elapsed)) + stepSeconds;
    polls += 1;
  }
  return { polls, noticedAfter: elapsed };
};

describe('pollSeconds', () => {
  it('waits the minimum of 1 s when the promotion has just started', () => {
    // Act
    const wait = pollSeconds('promotion', START, secondsAfter(0));

    // Assess
    expect(wait).toBe(1);
  });

  it('waits about 1% of the elapsed time when between the bounds', () => {
    // Act
    const waits = [150, 250, 301].map((seconds) => pollSeconds('promotion', START, secondsAfter(seconds)));

    // Assess
    expect(waits).toEqual([2, 3, 4]);
  });

  it('never waits more than 5 s for a promotion however long it takes', () => {
    // Act
    const wait = pollSeconds('promotion', START, secondsAfter(3 * 3600));

    // Assess
    expect(wait).toBe(POLL_BOUNDS.promotion.max);
  });

  it('never waits more than 3 s for DNS', () => {
    // Act
    const waits = [0, 150, 600].map((seconds) => pollSeconds('dns', START, secondsAfter(seconds)));

    // Assess
    expect(waits).toEqual([1, 2, 3]);
  });

  it('waits the minimum when startedAt is in the future or unreadable', () => {
    // Act
    const future = pollSeconds('promotion', '2026-11-25T04:00:00.000Z', secondsAfter(10));
    const garbled = pollSeconds('dns', 'not a time', secondsAfter(10));

    // Assess
    expect([future, garbled]).toEqual([1, 1]);
  });

  it('returns whole seconds within the bounds at every elapsed time when polled', () => {
    // Act
    const waits = Array.from({ length: 4000 }, (_, seconds) =>
      pollSeconds('promotion', START, secondsAfter(seconds / 2)),
    );

    // Assess
    for (const wait of waits) {
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(5);
    }
  });

  it('keeps a 30-minute promotion of 4 databases under the 25,000-event history limit when polled to the end', () => {
    // Prepare: about 9 history events per poll (Choice, Wait, Task states), see shared/domain/polling.ts
    const eventsPerPoll = 9;

    // Act
    const { polls } = simulate(30 * 60);

    // Assess
    expect(polls * eventsPerPoll * 4).toBeLessThan(25_000 - 1_000);
  });

  it('notices a promotion within 1% of its duration (or the 1 s minimum) when it ends between polls', () => {
    // Act
    const overshoots = [45, 100, 240, 400, 600, 1800].map((doneAfter) => ({
      doneAfter,
      overshoot: simulate(doneAfter).noticedAfter - doneAfter,
    }));

    // Assess
    for (const { doneAfter, overshoot } of overshoots) {
      expect(overshoot).toBeLessThanOrEqual(Math.max(1, Math.ceil(doneAfter * 0.01)));
    }
  });
});
