import 'aws-sdk-client-mock-jest';
import {
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { RdsAdapter } from '../../../../shared/aws/rds';
import { RDS_READ_PACING } from '../../../../shared/aws/rds-calls';
import { DETAIL_TYPES } from '../../../../shared/domain/run';
import { LockHeldError, PromotionFailedError, ResourceBusyError, ThrottledError } from '../../../../shared/errors';
import { type PromotionDeps, promoteDatabase } from '../../../../shared/usecases/promote-database';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeRds } from '../../../support/fakes';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../../support/plan-fixtures';
import { catalogItem, ordersDbItem, ordersRun } from '../../../support/resource-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

const NOW = '2026-11-25T03:01:31.000Z';
const rdsMock = mockClient(RDSClient);

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

const replica = (overrides: Partial<Parameters<FakeRds['addInstance']>[1]> = {}) => ({
  identifier: 'orders-db-replica',
  arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
  status: 'available',
  replicationSource: ORDERS_PRIMARY_ARN,
  backupRetentionPeriod: 3,
  ...overrides,
});

const globalCluster = (overrides: Partial<Parameters<FakeRds['addGlobalCluster']>[0]> = {}) => ({
  identifier: 'catalog-global',
  status: 'available',
  members: [
    { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: true },
    { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: false },
  ],
  ...overrides,
});

describe('promoteDatabase', () => {
  const plan = ordersPlan();
  let rds: FakeRds;
  let ledger: FakeLedger;
  let clock: FakeClock;
  let deps: PromotionDeps;

  beforeEach(async () => {
    rdsMock.reset();
    rds = new FakeRds();
    ledger = new FakeLedger();
    clock = new FakeClock(NOW);
    const log = new FakeLog();
    deps = { rds, ledger, actions: new RecordingActionLog({ clock, log }), clock, log };
    await ledger.acquireLock('orders', lockOwner(ordersRun().incidentId), clock.now());
  });

  describe('an RDS read replica', () => {
    it('promotes the replica in the standby region keeping its backup retention when it is available', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      expect(rds.calls).toEqual([
        'describeInstance us-west-2 orders-db-replica',
        'promoteReadReplica us-west-2 orders-db-replica',
      ]);
      expect(rds.instances.get('us-west-2/orders-db-replica')?.backupRetentionPeriod).toBe(3);
      expect(result).toEqual({
        databaseId: 'orders-db',
        kind: 'rds-read-replica',
        writable: false,
        pollSeconds: 2,
        status: 'promoting',
        startedAt: NOW,
        lagSecondsAtPromotion: 4,
        alreadyPromoted: false,
        newPrimary: { region: 'us-west-2', identifier: 'orders-db-replica' },
        actions: [
          {
            service: 'rds',
            operation: 'PromoteReadReplica',
            target: 'orders-db-replica',
            region: 'us-west-2',
            at: NOW,
            dryRun: false,
          },
        ],
      });
    });

    it('turns automated backups on with 7 days when the replica has none', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica({ backupRetentionPeriod: 0 }));
      const promote = jest.spyOn(rds, 'promoteReadReplica');

      // Act
      await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      expect(promote).toHaveBeenCalledWith('us-west-2', 'orders-db-replica', 7);
    });

    it.each(['backing-up', 'modifying', 'configuring-enhanced-monitoring', 'storage-optimization'])(
      'throws ResourceBusyError without promoting when the replica is %s',
      async (status) => {
        // Prepare
        rds.addInstance('us-west-2', replica({ status }));

        // Act
        const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

        // Assess
        await expect(act).rejects.toBeInstanceOf(ResourceBusyError);
        expect(rds.calls).not.toContain('promoteReadReplica us-west-2 orders-db-replica');
      },
    );

    it('succeeds as already promoted without a call when the instance is standalone and available', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica({ replicationSource: undefined }));

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      expect(rds.calls).toEqual(['describeInstance us-west-2 orders-db-replica']);
      expect(result).toMatchObject({ writable: true, alreadyPromoted: true, writableAt: NOW, actions: [] });
    });

    it('waits for an earlier promotion without a call when the instance is standalone and rebooting', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica({ replicationSource: undefined, status: 'rebooting' }));

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      expect(rds.calls).toEqual(['describeInstance us-west-2 orders-db-replica']);
      expect(result).toMatchObject({ writable: false, alreadyPromoted: true, status: 'rebooting', actions: [] });
    });

    it('throws PromotionFailedError naming the database when the replica does not exist', async () => {
      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toThrow(PromotionFailedError);
      await expect(act).rejects.toThrow(/orders-db.*"orders-db-replica" was not found in us-west-2/);
    });

    it('throws PromotionFailedError when the replica is in a state that cannot be promoted', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica({ status: 'incompatible-parameters' }));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toThrow(/Promotion of orders-db failed: .*incompatible-parameters/);
    });

    it('throws PromotionFailedError when RDS refuses the promotion and the replica is not busy', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      jest
        .spyOn(rds, 'promoteReadReplica')
        .mockRejectedValueOnce(awsError('InvalidDBInstanceStateFault', 'not a replica'));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toMatchObject({ name: 'PromotionFailedError', database: 'orders-db' });
    });

    it('throws ResourceBusyError when RDS refuses the promotion because a backup just started', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      jest.spyOn(rds, 'promoteReadReplica').mockImplementationOnce(async () => {
        rds.addInstance('us-west-2', replica({ status: 'backing-up' }));
        throw awsError('InvalidDBInstanceStateFault', 'instance is backing-up');
      });

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toBeInstanceOf(ResourceBusyError);
    });

    it('passes ThrottledError through when RDS throttles the promotion', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      jest
        .spyOn(rds, 'promoteReadReplica')
        .mockRejectedValueOnce(new ThrottledError('rds', 'PromoteReadReplica', undefined));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toBeInstanceOf(ThrottledError);
    });

    it('throws LockHeldError without promoting when another incident holds the lock', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      await ledger.releaseLock('orders', lockOwner(ordersRun().incidentId));
      await ledger.acquireLock('orders', lockOwner('someone-else'), clock.now());

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      await expect(act).rejects.toBeInstanceOf(LockHeldError);
      expect(rds.calls).not.toContain('promoteReadReplica us-west-2 orders-db-replica');
    });

    it('announces the promote phase with the database it promotes', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      const events = new FakeEvents();

      // Act
      await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, { ...deps, events });

      // Assess
      expect(events.ofType(DETAIL_TYPES.phaseChanged)).toEqual([
        expect.objectContaining({
          phase: 'promote',
          status: 'started',
          facts: ['orders-db: promoting orders-db-replica in us-west-2'],
        }),
      ]);
    });

    it('says the decision ended and who approved it, before announcing the promotion, when the run was approved', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      const events = new FakeEvents();
      const approval = {
        approved: true,
        by: 'arn:aws:sts::123456789012:assumed-role/oncall/alice',
        displayName: 'Alice',
        comment: 'accept 95 s',
        answeredAt: '2026-11-25T03:05:00.000Z',
      };

      // Act
      await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem(), approval }, { ...deps, events });

      // Assess
      expect(events.ofType(DETAIL_TYPES.phaseChanged)).toEqual([
        expect.objectContaining({
          phase: 'decide',
          status: 'succeeded',
          at: '2026-11-25T03:05:00.000Z',
          facts: ['approved by arn:aws:sts::123456789012:assumed-role/oncall/alice (as Alice): accept 95 s'],
          answer: { approved: true, by: 'arn:aws:sts::123456789012:assumed-role/oncall/alice', displayName: 'Alice' },
        }),
        expect.objectContaining({ phase: 'promote', status: 'started' }),
      ]);
    });

    it('leaves the decision to the plan first database, so that it is announced once per run', async () => {
      // Prepare: catalog is the plan's second database
      const events = new FakeEvents();
      const approval = { approved: true, by: 'arn:aws:sts::123456789012:assumed-role/oncall/alice', answeredAt: NOW };
      rds.addGlobalCluster(globalCluster());

      // Act
      await promoteDatabase({ run: ordersRun(), plan, database: catalogItem(), approval }, { ...deps, events });

      // Assess
      expect(events.ofType<{ phase: string }>(DETAIL_TYPES.phaseChanged).map((e) => e.phase)).toEqual(['promote']);
    });

    it('marks the promote phase on the run record as it begins', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica());
      const run = ordersRun();
      await ledger.putRun({ run, outcome: 'in-progress', phases: [], actions: [], warnings: [], endedAt: 'x' });

      // Act
      await promoteDatabase({ run, plan, database: ordersDbItem(), approval: null }, deps);

      // Assess
      expect((await ledger.getRun('orders', run.incidentId))?.phaseReached).toBe('promote');
    });

    it('records the planned promotion and is writable at once when the run is a dry run', async () => {
      // Prepare: a dry run takes no lock, so another incident holding it does not matter
      rds.addInstance('us-west-2', replica());
      await ledger.releaseLock('orders', lockOwner(ordersRun().incidentId));
      await ledger.acquireLock('orders', lockOwner('someone-else'), clock.now());

      // Act
      const result = await promoteDatabase(
        { run: ordersRun({ mode: 'dry-run' }), plan, database: ordersDbItem() },
        deps,
      );

      // Assess
      expect(rds.calls).not.toContain('promoteReadReplica us-west-2 orders-db-replica');
      expect(result).toMatchObject({
        writable: true,
        writableAt: NOW,
        lagSecondsAtPromotion: 4,
        actions: [{ operation: 'PromoteReadReplica', target: 'orders-db-replica', dryRun: true }],
      });
    });
  });

  describe('an Aurora global database', () => {
    it('fails over with data loss allowed to the secondary in the standby region when an alarm started the run', async () => {
      // Prepare
      rds.addGlobalCluster(globalCluster());
      const failover = jest.spyOn(rds, 'failoverGlobalCluster');

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      expect(failover).toHaveBeenCalledWith('us-west-2', 'catalog-global', CATALOG_WEST_ARN);
      expect(rds.calls).not.toContain('switchoverGlobalCluster us-west-2 catalog-global');
      expect(rds.regionsCalled()).toEqual(['us-west-2']);
      expect(result).toMatchObject({
        writable: false,
        status: 'failing-over',
        lagSecondsAtPromotion: 1,
        newPrimary: { region: 'us-west-2', identifier: 'catalog-west' },
        actions: [{ operation: 'FailoverGlobalCluster', target: 'catalog-global', region: 'us-west-2', dryRun: false }],
      });
    });

    it('switches over with nothing at risk when a person started the run', async () => {
      // Prepare
      rds.addGlobalCluster(globalCluster());
      const switchover = jest.spyOn(rds, 'switchoverGlobalCluster');

      // Act
      const result = await promoteDatabase(
        { run: ordersRun({ trigger: { type: 'manual' } }), plan, database: catalogItem() },
        deps,
      );

      // Assess
      expect(switchover).toHaveBeenCalledWith('us-west-2', 'catalog-global', CATALOG_WEST_ARN);
      expect(rds.calls).not.toContain('failoverGlobalCluster us-west-2 catalog-global');
      expect(result).toMatchObject({
        status: 'switching-over',
        lagSecondsAtPromotion: 0,
        actions: [{ operation: 'SwitchoverGlobalCluster' }],
      });
    });

    it('falls back to a failover and records both calls when the switchover is refused', async () => {
      // Prepare
      rds.addGlobalCluster(globalCluster());
      jest
        .spyOn(rds, 'switchoverGlobalCluster')
        .mockRejectedValueOnce(awsError('InvalidGlobalClusterStateFault', 'primary cluster is unreachable'));
      const failover = jest.spyOn(rds, 'failoverGlobalCluster');

      // Act
      const result = await promoteDatabase(
        { run: ordersRun({ trigger: { type: 'manual' } }), plan, database: catalogItem() },
        deps,
      );

      // Assess
      expect(failover).toHaveBeenCalledWith('us-west-2', 'catalog-global', CATALOG_WEST_ARN);
      expect(result.lagSecondsAtPromotion).toBe(1);
      expect(result.actions).toEqual([
        {
          service: 'rds',
          operation: 'SwitchoverGlobalCluster',
          target: 'catalog-global',
          region: 'us-west-2',
          at: NOW,
          dryRun: false,
          error: 'InvalidGlobalClusterStateFault',
        },
        {
          service: 'rds',
          operation: 'FailoverGlobalCluster',
          target: 'catalog-global',
          region: 'us-west-2',
          at: NOW,
          dryRun: false,
        },
      ]);
    });

    it('waits without a second call when a failover towards the secondary is already running', async () => {
      // Prepare
      rds.addGlobalCluster(
        globalCluster({
          failoverState: { status: 'failing-over', fromClusterArn: CATALOG_EAST_ARN, toClusterArn: CATALOG_WEST_ARN },
        }),
      );

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      expect(rds.calls).toEqual(['describeGlobalCluster us-west-2 catalog-global']);
      expect(result).toMatchObject({ writable: false, status: 'failing-over', actions: [] });
    });

    it('throws PromotionFailedError when a failover towards another cluster is running', async () => {
      // Prepare
      const other = 'arn:aws:rds:eu-west-1:123456789012:cluster:catalog-eu';
      rds.addGlobalCluster(globalCluster({ failoverState: { status: 'pending', toClusterArn: other } }));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      await expect(act).rejects.toThrow(/catalog-eu/);
      expect(rds.calls).toEqual(['describeGlobalCluster us-west-2 catalog-global']);
    });

    it('succeeds as already promoted without a call when the secondary is already the writer', async () => {
      // Prepare
      rds.addGlobalCluster(
        globalCluster({
          members: [
            { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: false },
            { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: true },
          ],
        }),
      );

      // Act
      const result = await promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      expect(rds.calls).toEqual(['describeGlobalCluster us-west-2 catalog-global']);
      expect(result).toMatchObject({ writable: true, alreadyPromoted: true, actions: [] });
    });

    it('throws PromotionFailedError naming the cluster when the secondary is not a member', async () => {
      // Prepare
      rds.addGlobalCluster(globalCluster({ members: globalCluster().members.slice(0, 1) }));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      await expect(act).rejects.toThrow(
        /"catalog-west" in us-west-2 is not a member of global cluster "catalog-global"/,
      );
    });

    it('throws PromotionFailedError when AWS refuses the failover', async () => {
      // Prepare
      rds.addGlobalCluster(globalCluster());
      jest.spyOn(rds, 'failoverGlobalCluster').mockRejectedValueOnce(awsError('InvalidDBClusterStateFault'));

      // Act
      const act = promoteDatabase({ run: ordersRun(), plan, database: catalogItem() }, deps);

      // Assess
      await expect(act).rejects.toBeInstanceOf(PromotionFailedError);
    });
  });

  describe('with the RDS adapter', () => {
    beforeEach(() => {
      deps.rds = new RdsAdapter({ client: (region) => new RDSClient({ region }) });
      rdsMock
        .on(DescribeDBInstancesCommand)
        .resolves({
          DBInstances: [
            {
              DBInstanceIdentifier: 'orders-db-replica',
              DBInstanceStatus: 'available',
              ReadReplicaSourceDBInstanceIdentifier: ORDERS_PRIMARY_ARN,
              BackupRetentionPeriod: 1,
            },
          ],
        })
        .on(DescribeGlobalClustersCommand)
        .resolves({
          GlobalClusters: [
            {
              GlobalClusterIdentifier: 'catalog-global',
              GlobalClusterMembers: [
                { DBClusterArn: CATALOG_EAST_ARN, IsWriter: true },
                { DBClusterArn: CATALOG_WEST_ARN, IsWriter: false },
              ],
            },
          ],
        });
    });

    it('sends no mutating command at all but records the actions when the run is a dry run', async () => {
      // Prepare
      const run = ordersRun({ mode: 'dry-run' });

      // Act
      const results = [
        await promoteDatabase({ run, plan, database: ordersDbItem() }, deps),
        await promoteDatabase({ run, plan, database: catalogItem() }, deps),
        await promoteDatabase(
          { run: ordersRun({ mode: 'dry-run', trigger: { type: 'manual' } }), plan, database: catalogItem() },
          deps,
        ),
      ];

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 0);
      expect(rdsMock).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 0);
      expect(rdsMock).toHaveReceivedCommandTimes(SwitchoverGlobalClusterCommand, 0);
      expect(results.map((result) => result.actions.map((a) => `${a.operation} ${a.dryRun}`))).toEqual([
        ['PromoteReadReplica true'],
        ['FailoverGlobalCluster true'],
        ['SwitchoverGlobalCluster true'],
      ]);
      expect(results.every((result) => result.writable)).toBe(true);
    });

    it('sends PromoteReadReplica once when the run is live', async () => {
      // Prepare
      rdsMock.on(PromoteReadReplicaCommand).resolves({});

      // Act
      await promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(rdsMock).toHaveReceivedCommandWith(PromoteReadReplicaCommand, {
        DBInstanceIdentifier: 'orders-db-replica',
        BackupRetentionPeriod: 1,
      });
    });

    it('throws ThrottledError when RDS throttles every try of the describe within the adapter retry budget', async () => {
      // Prepare: the adapter pauses between tries on timers, for up to its budget; fake ones run it at once. The
      // adapter batches the reads made at once on the next tick, which stays real.
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
      try {
        rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 'Rate exceeded'));

        // Act
        const act = promoteDatabase({ run: ordersRun(), plan, database: ordersDbItem() }, deps);
        const assessed = expect(act).rejects.toBeInstanceOf(ThrottledError);
        await jest.advanceTimersByTimeAsync(RDS_READ_PACING.budgetMs);

        // Assess
        await assessed;
        expect(rdsMock.commandCalls(DescribeDBInstancesCommand).length).toBeGreaterThan(1);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
