import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePlans } from '../../../../shared/plan/compile';
import { PlanRegistry } from '../../../../shared/plan/registry';
import { plans, setPlans } from '../../../../shared/runtime/plans';
import { ordersPlan } from '../../../support/plan-fixtures';
import { scratchFolders } from '../../../support/scratch';

// As packaged: PLANS_DIR holds the plans compiled to JSON, and the YAML sources beside them are not what is read.
const packaged = scratchFolders('switchback-plans-')();
const source = join(__dirname, '..', '..', '..', '..', 'plans');
compilePlans(source, packaged);
copyFileSync(join(source, 'example.yml'), join(packaged, 'not-loaded.yml'));
process.env.PLANS_DIR = packaged;

describe('plans', () => {
  beforeEach(() => {
    setPlans(undefined);
  });

  it('loads the compiled deployment plans from PLANS_DIR once and keeps them', () => {
    // Act
    const first = plans();
    const second = plans();

    // Assess
    expect(first.names.sort()).toEqual(['ledger', 'orders', 'storefront']);
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
