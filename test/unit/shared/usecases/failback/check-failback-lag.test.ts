import type { FailbackTarget } from '../../../../../shared/domain/failback';
import { PlanRegistry } from '../../../../../shared/plan/registry';
import {
  type CheckFailbackLagDeps,
  checkFailbackLag,
} from '../../../../../shared/usecases/failback/check-failback-lag';
import { FakeClock, FakeEvents, FakeLag, FakeLog, FakeRds } from '../../../../support/fakes';
import { ordersPlan } from '../../../../support/plan-fixtures';
import { ordersRun } from '../../../../support/resource-fixtures';

/** orders-db back to its standby in us-east-1, a read replica of the writer in us-west-2. */
const target: FailbackTarget = {
  id: 'orders-db',
  kind: 'rds-read-replica',
  from: { region: 'us-west-2', identifier: 'orders-db-replica' },
  to: { region: 'us-east-1', identifier: 'orders-db-east' },
};

describe('checkFailbackLag', () => {
  let lag: FakeLag;
  let deps: CheckFailbackLagDeps;
  const run = () => ({ ...ordersRun(), action: 'failback' as const });

  beforeEach(() => {
    lag = new FakeLag().setRds('us-east-1', 'orders-db-east', 0);
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      rds: new FakeRds(),
      replicaLag: lag,
      events: new FakeEvents(),
      clock: new FakeClock('2026-11-26T09:01:00.000Z'),
      log: new FakeLog(),
    };
  });

  it('reads the RDS lag of the minutes since Pause Writes took effect, and proceeds on a 0 among them', async () => {
    // Act
    const decision = await checkFailbackLag(
      {
        run: run(),
        targets: [target],
        pause: { at: '2026-11-26T09:00:20.000Z', parameter: { name: '/orders/writes', region: 'us-west-2' } },
      },
      deps,
    );

    // Assess
    expect(lag.rdsSince).toEqual([new Date('2026-11-26T09:00:20.000Z')]);
    expect(decision.decision).toBe('proceed');
  });

  it('waits while no minute since the pause has a datapoint yet (the standby still replicates)', async () => {
    // Prepare: no reading since the pause; the standby still has its source
    lag.rds.clear();
    deps.rds = new FakeRds().addInstance('us-east-1', {
      identifier: 'orders-db-east',
      arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db-east',
      status: 'available',
      backupRetentionPeriod: 7,
      replicationSource: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
    });

    // Act
    const decision = await checkFailbackLag(
      {
        run: run(),
        targets: [target],
        pause: { at: '2026-11-26T09:00:20.000Z', parameter: { name: '/orders/writes', region: 'us-west-2' } },
      },
      deps,
    );

    // Assess
    expect(decision.decision).toBe('wait');
  });

  it('takes the newest reading when the plan has no write pause, or in a dry run (nothing was paused)', async () => {
    // Act
    await checkFailbackLag(
      { run: run(), targets: [target], pause: { at: '2026-11-26T09:00:20.000Z', parameter: null } },
      deps,
    );
    await checkFailbackLag(
      {
        run: { ...run(), mode: 'dry-run' },
        targets: [target],
        pause: { at: '2026-11-26T09:00:20.000Z', parameter: { name: '/orders/writes', region: 'us-west-2' } },
      },
      deps,
    );

    // Assess
    expect(lag.rdsSince).toEqual([undefined, undefined]);
  });
});
