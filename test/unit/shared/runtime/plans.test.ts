import { join } from 'node:path';
import { PlanRegistry } from '../../../../shared/plan/load';
import { plans, setPlans } from '../../../../shared/runtime/plans';
import { ordersPlan } from '../../../support/plan-fixtures';

process.env.PLANS_DIR = join(__dirname, '..', '..', '..', '..', 'plans');

describe('plans', () => {
  beforeEach(() => {
    setPlans(undefined);
  });

  it('loads the deployment plans from PLANS_DIR once and keeps them', () => {
    // Act
    const first = plans();
    const second = plans();

    // Assess
    expect(first.names).toContain('orders');
    expect(second).toBe(first);
  });

  it('returns the registry given to setPlans instead of the packaged plans', () => {
    // Prepare
    const registry = new PlanRegistry([ordersPlan({ app: 'billing', trigger: { alarms: ['billing-health'] } })]);

    // Act
    setPlans(registry);

    // Assess
    expect(plans()).toBe(registry);
    expect(plans().names).toEqual(['billing']);
  });
});
