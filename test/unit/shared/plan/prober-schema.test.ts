import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import { proberAlarmName } from '../../../../shared/plan/schema';
import { ordersPlanInput } from '../../../support/plan-fixtures';

/** The example plan with `trigger` fields replaced. */
const withTrigger = (trigger: Record<string, unknown>) => {
  const base = ordersPlanInput();
  return { ...base, trigger: { ...base.trigger, ...trigger } };
};

const issuesOf = (plan: unknown): { path: string; message: string }[] => {
  try {
    parsePlan(plan, 'test.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the plan to be rejected, but it was accepted');
};

const ENDPOINT = { url: 'https://us-east-1.api.orders.example.com/health' };

describe('trigger.prober and trigger.quorum', () => {
  it('applies the prober defaults (200, 60 s, 3000 ms, 3 failures) and names its alarm after the plan', () => {
    // Act
    const plan = parsePlan(withTrigger({ prober: { endpoints: [ENDPOINT] } }), 'test.yml');

    // Assess
    expect(plan.trigger.prober).toEqual({
      endpoints: [{ ...ENDPOINT, expectStatus: 200 }],
      intervalSeconds: 60,
      timeoutMs: 3000,
      failuresToAlarm: 3,
    });
    expect(plan.trigger.quorum).toBeUndefined();
    expect(proberAlarmName(plan)).toBe('switchback-prober-orders');
  });

  it.each([
    [{ endpoints: [] }, 'trigger.prober.endpoints', 'list at least one health endpoint'],
    [{ endpoints: [{ url: 'us-east-1.example.com' }] }, 'trigger.prober.endpoints[0].url', 'expected an http(s) URL'],
    [{ endpoints: [{ ...ENDPOINT, expectStatus: 42 }] }, 'trigger.prober.endpoints[0].expectStatus', 'HTTP status'],
    [{ endpoints: [ENDPOINT], intervalSeconds: 30 }, 'trigger.prober.intervalSeconds', 'whole number of minutes'],
    [{ endpoints: [ENDPOINT], intervalSeconds: 90 }, 'trigger.prober.intervalSeconds', 'whole number of minutes'],
    [{ endpoints: [ENDPOINT], timeoutMs: 30_000 }, 'trigger.prober.timeoutMs', 'at most 10000 ms'],
    [{ endpoints: [ENDPOINT], failuresToAlarm: 0 }, 'trigger.prober.failuresToAlarm', 'at least 1'],
    [{ endpoints: [ENDPOINT], retries: 2 }, 'trigger.prober.retries', 'unknown field'],
  ])('refuses prober %j naming the field', (prober, path, message) => {
    // Act
    const issues = issuesOf(withTrigger({ prober }));

    // Assess
    expect(issues).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it('refuses a quorum larger than the signals the plan has, naming trigger.quorum', () => {
    // Act
    const issues = issuesOf(withTrigger({ quorum: 3, prober: { endpoints: [ENDPOINT] } }));

    // Assess
    expect(issues).toEqual([
      { path: 'trigger.quorum', message: expect.stringContaining("cannot be met by the plan's 2 signals") },
    ]);
  });

  it('refuses the prober alarm listed in trigger.alarms (it is a signal already)', () => {
    // Act
    const issues = issuesOf(
      withTrigger({ alarms: ['orders-primary-health', 'switchback-prober-orders'], prober: { endpoints: [ENDPOINT] } }),
    );

    // Assess
    expect(issues).toEqual([{ path: 'trigger.alarms', message: expect.stringContaining("the prober's own alarm") }]);
  });

  it('accepts a quorum of 2 over an alarm and the prober', () => {
    // Act
    const plan = parsePlan(withTrigger({ quorum: 2, prober: { endpoints: [ENDPOINT] } }), 'test.yml');

    // Assess
    expect(plan.trigger.quorum).toBe(2);
  });
});
