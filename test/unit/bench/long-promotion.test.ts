import { join } from 'node:path';
import { describeRate, manyDatabasePlan } from '../../../bench/long-promotion';
import { loadPlanFile } from '../../../shared/plan/load';
import { parsePlan } from '../../../shared/plan/validate';
import type { SimCall } from '../../../sim/world';

describe('manyDatabasePlan', () => {
  it('gives a valid plan with 10 distinct databases, half RDS and half Aurora, when asked for 10', () => {
    // Prepare
    const base = loadPlanFile(join(__dirname, '..', '..', '..', 'plans', 'example.yml'));
    // Act
    const plan = parsePlan(manyDatabasePlan(base, 10), 'long-promotion');
    // Assess
    expect(plan.databases).toHaveLength(10);
    expect(new Set(plan.databases.map((db) => db.id)).size).toBe(10);
    expect(plan.databases.filter((db) => db.kind === 'aurora-global')).toHaveLength(5);
    expect(plan.databases[2]).toMatchObject({ id: 'orders-db-2', replica: { instance: 'orders-db-replica-2' } });
  });
});

describe('describeRate', () => {
  it('counts only RDS Describe calls inside the window, per minute and in the busiest minute', () => {
    const call = (atMs: number, operation = 'DescribeDBInstances', client = 'RDSClient'): SimCall => ({
      atMs,
      client,
      operation,
      region: 'us-west-2',
    });
    const calls = [
      call(0),
      call(1_000),
      call(2_000, 'DescribeGlobalClusters'),
      call(61_000),
      call(62_000, 'PromoteReadReplica'),
      call(63_000, 'GetChange', 'Route53Client'),
      call(200_000),
    ];
    expect(describeRate(calls, 0, 120_000)).toEqual({ total: 4, mean: 2, peak: 3 });
  });
});
