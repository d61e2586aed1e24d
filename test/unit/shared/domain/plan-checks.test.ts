import {
  fastestRecovery,
  overlapIssues,
  rtoFloorIssues,
  standbyRegionIssues,
} from '../../../../shared/domain/plan-checks';
import { ordersPlan } from '../../../support/plan-fixtures';

const catalogOnly = () =>
  ordersPlan({
    databases: [
      {
        id: 'catalog',
        kind: 'aurora-global',
        globalCluster: 'catalog-global',
        primary: { cluster: 'catalog-east', region: 'us-east-1' },
        secondary: { cluster: 'catalog-west', region: 'us-west-2' },
      },
    ],
  });

describe('fastestRecovery', () => {
  it('adds one alarm period, the slowest kind of promotion at its fastest, and DNS propagation', () => {
    expect(fastestRecovery(ordersPlan())).toEqual({
      detectionSeconds: 60,
      promotionSeconds: 120,
      dnsSeconds: 60,
      seconds: 240,
    });
    expect(fastestRecovery(catalogOnly()).seconds).toBe(180);
  });
});

describe('rtoFloorIssues', () => {
  it('accepts a budget at the floor and refuses one below it', () => {
    expect(rtoFloorIssues([{ source: 'a.yml', plan: ordersPlan({ budgets: { rtoSeconds: 240 } }) }])).toEqual([]);
    expect(rtoFloorIssues([{ source: 'a.yml', plan: ordersPlan({ budgets: { rtoSeconds: 239 } }) }])).toEqual([
      expect.objectContaining({ source: 'a.yml', path: 'budgets.rtoSeconds' }),
    ]);
  });
});

describe('overlapIssues', () => {
  it('finds nothing in one plan that names each resource once', () => {
    expect(overlapIssues([{ source: 'orders.yml', plan: ordersPlan() }])).toEqual([]);
  });

  it('refuses one plan naming the same database twice, naming the first place', () => {
    // Prepare
    const plan = ordersPlan();
    const first = plan.databases[0];
    if (first) plan.databases.push({ ...first, id: 'orders-db-again' });

    // Act / Assess
    expect(overlapIssues([{ source: 'orders.yml', plan }])).toEqual([
      expect.objectContaining({
        path: 'databases[2].primary.instance',
        message: expect.stringContaining('is also named at databases[0].primary.instance:'),
      }),
      expect.objectContaining({ path: 'databases[2].replica.instance' }),
    ]);
  });
});

describe('standbyRegionIssues', () => {
  it('accepts plans that share the standby region and refuses one that differs', () => {
    const west = { source: 'orders.yml', plan: ordersPlan() };
    const alsoWest = { source: 'billing.yml', plan: ordersPlan({ app: 'billing' }) };
    const east = {
      source: 'eu.yml',
      plan: { ...ordersPlan({ app: 'eu' }), regions: { primary: 'us-west-2', standby: 'us-east-1' } },
    };
    expect(standbyRegionIssues([west, alsoWest])).toEqual([]);
    expect(standbyRegionIssues([west, east])).toEqual([
      expect.objectContaining({ source: 'eu.yml', path: 'regions.standby' }),
    ]);
  });
});
