import { RecordingActionLog } from '../../../../../shared/aws/action-log';
import type { FailbackResult, FailbackTarget } from '../../../../../shared/domain/failback';
import type { ActionRecord } from '../../../../../shared/domain/run';
import { PromotionFailedError } from '../../../../../shared/errors';
import { PROMOTE_SETTLE_SECONDS } from '../../../../../shared/usecases/check-promotion';
import {
  type FailBackDatabaseDeps,
  failBackDatabase,
} from '../../../../../shared/usecases/failback/fail-back-database';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeRds } from '../../../../support/fakes';
import { ordersRun } from '../../../../support/resource-fixtures';

const CALLED = '2026-11-26T09:05:00.000Z';
const run = () => ({ ...ordersRun(), action: 'failback' as const });

/** What an earlier check of this failback returned: the call made at CALLED, not done. */
const previous = (target: FailbackTarget, action: ActionRecord): FailbackResult => ({
  databaseId: target.id,
  kind: target.kind,
  writable: false,
  pollSeconds: 30,
  status: 'promoting',
  startedAt: CALLED,
  lagSecondsAtPromotion: 0,
  alreadyPromoted: false,
  newPrimary: target.to,
  actions: [action],
  writer: target.to,
  done: false,
  checks: 1,
  detail: 'started',
  ...(target.globalCluster ? { globalCluster: target.globalCluster } : {}),
});

describe('failBackDatabase, a call that never took', () => {
  let rds: FakeRds;
  let clock: FakeClock;
  let deps: FailBackDatabaseDeps;

  beforeEach(() => {
    rds = new FakeRds();
    clock = new FakeClock(CALLED);
    const log = new FakeLog();
    deps = {
      rds,
      ledger: new FakeLedger(),
      events: new FakeEvents(),
      actions: new RecordingActionLog({ clock, log }),
      clock,
      log,
    };
  });

  it('fails an RDS promotion whose replica still reads available and replicating ten minutes after the call', async () => {
    // Prepare
    const target: FailbackTarget = {
      id: 'orders-db',
      kind: 'rds-read-replica',
      from: { region: 'us-west-2', identifier: 'orders-db-replica' },
      to: { region: 'us-east-1', identifier: 'orders-db-east' },
    };
    rds.addInstance('us-east-1', {
      identifier: 'orders-db-east',
      status: 'available',
      replicationSource: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
      backupRetentionPeriod: 7,
    });
    const promote: ActionRecord = {
      service: 'rds',
      operation: 'PromoteReadReplica',
      target: 'orders-db-east',
      region: 'us-east-1',
      at: CALLED,
      dryRun: false,
    };
    const input = { run: run(), target, lagSeconds: 0, previous: previous(target, promote) };
    clock.advance(PROMOTE_SETTLE_SECONDS - 1);
    const waiting = await failBackDatabase(input, deps);
    clock.advance(1);

    // Act
    const act = failBackDatabase(input, deps);

    // Assess: it waited until then, without promoting again, and no longer
    expect(waiting.done).toBe(false);
    await expect(act).rejects.toThrow(PromotionFailedError);
    await expect(act).rejects.toThrow('the promotion never started');
    expect(rds.calls.filter((call) => call.startsWith('promoteReadReplica'))).toEqual([]);
  });

  it('fails a switchover that no longer runs, with the target not the writer, instead of starting another', async () => {
    // Prepare
    const target: FailbackTarget = {
      id: 'catalog',
      kind: 'aurora-global',
      from: { region: 'us-west-2', identifier: 'catalog-west' },
      to: { region: 'us-east-1', identifier: 'catalog-east' },
      globalCluster: 'catalog-global',
    };
    rds.addGlobalCluster({
      identifier: 'catalog-global',
      status: 'available',
      members: [
        {
          clusterArn: 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west',
          clusterIdentifier: 'catalog-west',
          region: 'us-west-2',
          isWriter: true,
        },
        {
          clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east',
          clusterIdentifier: 'catalog-east',
          region: 'us-east-1',
          isWriter: false,
        },
      ],
    });
    const switchover: ActionRecord = {
      service: 'rds',
      operation: 'SwitchoverGlobalCluster',
      target: 'catalog-global',
      region: 'us-east-1',
      at: CALLED,
      dryRun: false,
    };
    const input = { run: run(), target, lagSeconds: 0, previous: previous(target, switchover) };
    clock.advance(60);
    const settling = await failBackDatabase(input, deps);
    clock.advance(60);

    // Act
    const act = failBackDatabase(input, deps);

    // Assess
    expect(settling.done).toBe(false);
    await expect(act).rejects.toThrow('the switchover was cancelled or rolled back');
    expect(rds.calls.filter((call) => call.startsWith('switchoverGlobalCluster'))).toEqual([]);
  });
});
