import { PacedReads } from '../../../../shared/aws/paced-reads';

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

describe('PacedReads', () => {
  it('keeps at most maxInFlight reads running, starting the next as one ends', async () => {
    // Prepare
    const reads = new PacedReads({ maxInFlight: 2, budgetMs: 1000, firstPauseMs: 10 });
    let running = 0;
    let most = 0;
    const read = async (value: number) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return value;
    };

    // Act
    const values = await Promise.all([1, 2, 3, 4, 5].map((value) => reads.run(() => read(value))));

    // Assess
    expect(values).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('tries a throttled read again after a jittered pause that doubles, and returns what it read', async () => {
    // Prepare
    const pauses: number[] = [];
    const reads = new PacedReads({
      maxInFlight: 1,
      budgetMs: 10_000,
      firstPauseMs: 500,
      random: () => 0.5,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    let tries = 0;

    // Act
    const value = await reads.run(async () => {
      tries += 1;
      if (tries < 3) throw throttled();
      return 'records';
    });

    // Assess
    expect(value).toBe('records');
    expect(pauses).toEqual([250, 500]);
  });

  it('throws any other error at once, and frees its slot for the next read', async () => {
    // Prepare
    const reads = new PacedReads({ maxInFlight: 1, budgetMs: 10_000, firstPauseMs: 500 });
    let tries = 0;

    // Act
    const failed = reads.run(async () => {
      tries += 1;
      throw Object.assign(new Error('no such zone'), { name: 'NoSuchHostedZone' });
    });

    // Assess
    await expect(failed).rejects.toThrow('no such zone');
    expect(tries).toBe(1);
    await expect(reads.run(async () => 'next')).resolves.toBe('next');
  });

  it("counts a read's budget from its first try, not from while it waited for its turn", async () => {
    // Prepare: one read at a time; the first holds its turn for 900 ms; the second is throttled once
    let now = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const reads = new PacedReads({
      maxInFlight: 1,
      budgetMs: 1000,
      firstPauseMs: 500,
      random: () => 1,
      sleep: async (ms) => {
        now += ms;
      },
    });
    let tries = 0;

    try {
      // Act
      const first = reads.run(async () => {
        now += 900;
        return 'first';
      });
      const second = reads.run(async () => {
        tries += 1;
        if (tries === 1) throw throttled();
        return 'second';
      });

      // Assess: 900 ms queued + a 500 ms pause is past the budget only if the wait counted
      await expect(Promise.all([first, second])).resolves.toEqual(['first', 'second']);
      expect(tries).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('gives up on a read still throttled once its next pause would take it past the budget, with the throttling error', async () => {
    // Prepare: the clock moves only by the pauses
    let now = 0;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const reads = new PacedReads({
      maxInFlight: 1,
      budgetMs: 1200,
      firstPauseMs: 400,
      random: () => 1,
      sleep: async (ms) => {
        now += ms;
      },
    });
    let tries = 0;

    // Act
    const outcome = reads.run(async () => {
      tries += 1;
      throw throttled();
    });

    // Assess: tried at 0, 400 and 1200 ms (the end of the budget); a pause of 1600 more would end past it
    await expect(outcome).rejects.toMatchObject({ name: 'Throttling' });
    expect(tries).toBe(3);
    expect(now).toBe(1200);
    spy.mockRestore();
  });
});
