import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import { ordersPlanInput } from '../../../support/plan-fixtures';

/** The orders plan with `fence` on its record, of the given type. */
const withFence = (fence: unknown, type = 'CNAME') => {
  const input = ordersPlanInput();
  const [zone] = input.dns;
  const [record] = zone?.records ?? [];
  return { ...input, dns: [{ ...zone, records: [{ ...record, type, fence }] }] };
};

const issues = (input: unknown) => {
  try {
    parsePlan(input, 'orders.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a PlanValidationError');
};

describe('dns[].records[].fence', () => {
  it('accepts a maintenance target that suits the record type, and fences during the failover by default', () => {
    // Act
    const plan = parsePlan(withFence({ method: 'maintenance-target', value: 'maintenance.example.com' }), 'orders.yml');

    // Assess
    expect(plan.dns[0]?.records[0]?.fence).toEqual({ method: 'maintenance-target', value: 'maintenance.example.com' });
    expect(plan.fence).toEqual({ duringFailover: true });
  });

  it('accepts an IPv4 address for an A record', () => {
    expect(() =>
      parsePlan(withFence({ method: 'maintenance-target', value: '192.0.2.10' }, 'A'), 'o.yml'),
    ).not.toThrow();
  });

  it('names the value when it does not suit the record type', () => {
    expect(issues(withFence({ method: 'maintenance-target', value: 'maintenance.example.com' }, 'A'))).toEqual([
      {
        path: 'dns[0].records[0].fence.value',
        message: expect.stringContaining('an IPv4 address for A'),
      },
    ]);
  });

  it('names the method when it is not one Switchback knows', () => {
    expect(issues(withFence({ method: 'delete-record', value: 'x.example.com' }))).toEqual([
      { path: 'dns[0].records[0].fence.method', message: expect.stringContaining('maintenance-target') },
    ]);
  });

  it('names fence.duringFailover when it is not a boolean', () => {
    expect(issues({ ...ordersPlanInput(), fence: { duringFailover: 'yes' } })).toEqual([
      { path: 'fence.duringFailover', message: 'expected true or false' },
    ]);
  });
});
