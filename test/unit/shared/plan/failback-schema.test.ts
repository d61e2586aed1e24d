import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import { MIN_LAG_WAIT_SECONDS } from '../../../../shared/plan/schema';
import { ordersPlanInput } from '../../../support/plan-fixtures';

const withFailback = (failback: unknown) => ({ ...ordersPlanInput(), failback });

describe('failback.maxLagWaitSeconds', () => {
  it('defaults to 300 s and accepts three minutes or more', () => {
    expect(parsePlan(ordersPlanInput(), 'orders.yml').failback.maxLagWaitSeconds).toBe(300);
    expect(
      parsePlan(withFailback({ maxLagWaitSeconds: MIN_LAG_WAIT_SECONDS }), 'orders.yml').failback.maxLagWaitSeconds,
    ).toBe(180);
  });

  it('names the field and why when it is shorter than the lag takes to be published after the pause', () => {
    // Act
    const act = () => parsePlan(withFailback({ maxLagWaitSeconds: 60 }), 'orders.yml');

    // Assess
    expect(act).toThrow(PlanValidationError);
    expect(act).toThrow(/failback\.maxLagWaitSeconds/);
    expect(act).toThrow(
      'the failback lag wait must be at least 180 seconds (got 60): the lag counts from the first minute after writes paused',
    );
  });
});
