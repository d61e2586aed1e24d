import { config } from '../../../../shared/runtime/config';
import { coldStart, onColdStart } from '../../../../shared/runtime/warm';

describe('coldStart', () => {
  it('runs every registered reset, and no longer one that was unregistered', () => {
    // Prepare
    const kept = jest.fn();
    const dropped = jest.fn();
    onColdStart(kept);
    const unregister = onColdStart(dropped);
    unregister();

    // Act
    coldStart();
    coldStart();

    // Assess
    expect(kept).toHaveBeenCalledTimes(2);
    expect(dropped).not.toHaveBeenCalled();
  });

  it("makes the configuration read the environment again: a drill's functions read that drill's, not an earlier one's", () => {
    // Prepare: a warm function's configuration, then an environment that changed (the next drill's).
    const previous = process.env.WIRING_SCHEDULES;
    process.env.WIRING_SCHEDULES = 'switchback-drill-readiness-orders=arn:aws:lambda:us-west-2:123456789012:function:a';
    try {
      const warm = config();
      process.env.WIRING_SCHEDULES =
        'switchback-drill-readiness-storefront=arn:aws:lambda:us-west-2:123456789012:function:a';

      // Act
      const stillWarm = config();
      coldStart();
      const cold = config();

      // Assess
      expect(stillWarm).toBe(warm);
      expect(stillWarm.WIRING_SCHEDULES).toEqual([
        'switchback-drill-readiness-orders=arn:aws:lambda:us-west-2:123456789012:function:a',
      ]);
      expect(cold.WIRING_SCHEDULES).toEqual([
        'switchback-drill-readiness-storefront=arn:aws:lambda:us-west-2:123456789012:function:a',
      ]);
    } finally {
      if (previous === undefined) delete process.env.WIRING_SCHEDULES;
      else process.env.WIRING_SCHEDULES = previous;
      coldStart();
    }
  });
});
