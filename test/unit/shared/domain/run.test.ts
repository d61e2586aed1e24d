import { type ActionRecord, withLoggedActions } from '../../../../shared/domain/run';

const action = (operation: string, target: string, at: string): ActionRecord => ({
  service: 'rds',
  operation,
  target,
  region: 'us-west-2',
  at,
  dryRun: false,
});

describe('withLoggedActions', () => {
  const promote = action('PromoteReadReplica', 'orders-db-replica', '2026-11-25T03:03:00.000Z');
  const failover = action('FailoverGlobalCluster', 'catalog-global', '2026-11-25T03:03:01.000Z');
  const earlier = action('ModifyDBInstance', 'orders-db-replica', '2026-11-25T03:02:00.000Z');
  const later = action('ModifyDBInstance', 'orders-db-replica', '2026-11-25T03:04:00.000Z');

  it("keeps the step's actions in their order, then those only the ledger kept, by when they were made, each once", () => {
    // Act
    const actions = withLoggedActions([failover, promote], [later, promote, earlier, failover]);

    // Assess
    expect(actions).toEqual([failover, promote, earlier, later]);
  });

  it("is the step's actions when the ledger kept none, or only the same", () => {
    expect(withLoggedActions([promote], undefined)).toEqual([promote]);
    expect(withLoggedActions([promote, failover], [promote])).toEqual([promote, failover]);
  });

  it('tells apart two calls of one operation on one target made at different times', () => {
    expect(withLoggedActions([earlier], [later])).toEqual([earlier, later]);
  });
});
