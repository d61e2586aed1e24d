import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DBSnapshotNotFoundFault,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
} from '@aws-sdk/client-rds';
import type { RunRecord } from '../../shared/domain/run';
import { planTopology, type Topology, topologyAfterFailover } from '../../shared/domain/topology';
import { compilePlans } from '../../shared/plan/compile';
import { loadPlanFile } from '../../shared/plan/load';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { scratchFolders } from '../support/scratch';
import {
  ACCOUNT,
  CATALOG_EAST_ARN,
  CATALOG_WEST_ARN,
  mockAws,
  ORDERS_PRIMARY_ARN,
  ORDERS_REPLICA_ARN,
  ordersRunRecord,
  PRIMARY_REGION,
  putEvents,
  runOrdersRunbook,
  STANDBY_REGION,
  stopAll,
  useFailoverSuite,
} from '../support/statemachine';

/**
 * The reprotect ASL (statemachines/reprotect.asl.json) run end to end by the local runner: every Task calls the real
 * handler of functions/<name>.ts, RDS is aws-sdk-client-mock over a small stateful model (a snapshot and a replica
 * that become available after a few describes, an Aurora old primary that rejoined or not), and the ledger (lock,
 * topology, runs) is a real table on dynalite.
 */

const PLANS_DIR = join(__dirname, '..', '..', 'plans');
const REPROTECT_ARN = `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:stateMachine:switchback-reprotect`;
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b7e5a4c-3f21-4d8e-9a61-5c2f0e8d7b13';
const mocks = mockAws();

const meta = { $metadata: { httpStatusCode: 404 } };
const crash = () => Object.assign(new Error('the function crashed'), { name: 'Lambda.Unknown' });

type Crash = 'after-snapshot' | 'after-replica' | 'after-cluster';

/** The plan's databases after a failover, as RDS shows them, with what reprotect makes. */
class Databases {
  readonly snapshots = new Map<string, number>();
  readonly replicas = new Map<string, { describes: number; source: string }>();
  readonly clusters = new Map<string, number>();
  readonly clusterInstances = new Map<string, number>();
  /** ReplicaLag of the new replica, one value per read: far behind at first, then caught up. */
  readonly lagReadings = [400, 2];
  private crashed = false;

  /**
   * `oldAurora`: the Aurora old primary rejoined the global cluster (the default); or it did not: someone deleted it,
   * or took it out of the global cluster (a standalone cluster, which takes writes).
   */
  constructor(
    private readonly options: {
      oldAurora?: 'rejoined' | 'deleted' | 'standalone';
      oldRegionDown?: boolean;
      crash?: Crash;
    } = {},
  ) {
    const { rds, eventbridge, cloudwatch } = mocks;
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    cloudwatch.on(GetMetricDataCommand).callsFake(() => {
      const value =
        this.lagReadings.length > 1 ? (this.lagReadings.shift() as number) : (this.lagReadings[0] as number);
      return {
        MetricDataResults: [{ Id: 'lag', StatusCode: 'Complete', Timestamps: [new Date()], Values: [value] }],
      };
    });
    const regionDown = () =>
      Object.assign(new Error('connect ETIMEDOUT rds.us-east-1.amazonaws.com'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      });
    const crashOnce = (when: Crash, made: boolean) => {
      if (this.options.crash === when && made && !this.crashed) {
        this.crashed = true;
        throw crash();
      }
    };
    rds.on(DescribeDBSnapshotsCommand).callsFake((input: { DBSnapshotIdentifier: string }) => {
      if (this.options.oldRegionDown) throw regionDown();
      const describes = this.snapshots.get(input.DBSnapshotIdentifier);
      if (describes === undefined) throw new DBSnapshotNotFoundFault({ message: 'not found', ...meta });
      crashOnce('after-snapshot', true);
      this.snapshots.set(input.DBSnapshotIdentifier, describes + 1);
      return {
        DBSnapshots: [
          { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: describes >= 1 ? 'available' : 'creating' },
        ],
      };
    });
    rds.on(CreateDBSnapshotCommand).callsFake((input: { DBSnapshotIdentifier: string }) => {
      this.snapshots.set(input.DBSnapshotIdentifier, 0);
      return { DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: 'creating' } };
    });
    rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
      const id = input.DBInstanceIdentifier;
      if (id === 'orders-db') {
        if (this.options.oldRegionDown) throw regionDown();
        return {
          DBInstances: [
            {
              DBInstanceIdentifier: id,
              DBInstanceArn: ORDERS_PRIMARY_ARN,
              DBInstanceStatus: 'stopped',
              StorageEncrypted: true,
            },
          ],
        };
      }
      if (id === 'orders-db-replica') {
        return {
          DBInstances: [
            {
              DBInstanceIdentifier: id,
              DBInstanceArn: ORDERS_REPLICA_ARN,
              DBInstanceStatus: 'available',
              StorageEncrypted: true,
            },
          ],
        };
      }
      const replica = this.replicas.get(id);
      if (replica) {
        crashOnce('after-replica', true);
        replica.describes += 1;
        const ready = replica.describes >= 3;
        return {
          DBInstances: [
            {
              DBInstanceIdentifier: id,
              DBInstanceArn: `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:db:${id}`,
              DBInstanceStatus: ready ? 'available' : 'creating',
              StorageEncrypted: true,
              ReadReplicaSourceDBInstanceIdentifier: replica.source,
              StatusInfos: ready ? [{ StatusType: 'read replication', Status: 'replicating', Normal: true }] : [],
            },
          ],
        };
      }
      const instance = this.clusterInstances.get(id);
      if (instance !== undefined) {
        this.clusterInstances.set(id, instance + 1);
        return {
          DBInstances: [{ DBInstanceIdentifier: id, DBInstanceStatus: instance >= 1 ? 'available' : 'creating' }],
        };
      }
      throw new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, ...meta });
    });
    rds
      .on(CreateDBInstanceReadReplicaCommand)
      .callsFake((input: { DBInstanceIdentifier: string; SourceDBInstanceIdentifier: string }) => {
        this.replicas.set(input.DBInstanceIdentifier, { describes: 0, source: input.SourceDBInstanceIdentifier });
        return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: 'creating' } };
      });
    rds.on(DescribeDBClustersCommand).callsFake((input: { DBClusterIdentifier: string }) => {
      const id = input.DBClusterIdentifier;
      if (id === 'catalog-east') {
        if (this.options.oldRegionDown) throw regionDown();
        const old = this.options.oldAurora ?? 'rejoined';
        if (old === 'deleted') throw new DBClusterNotFoundFault({ message: `DBCluster ${id} not found.`, ...meta });
        return {
          DBClusters: [
            {
              DBClusterIdentifier: id,
              DBClusterArn: CATALOG_EAST_ARN,
              Status: 'available',
              ...(old === 'rejoined' ? { GlobalClusterIdentifier: 'catalog-global' } : {}),
            },
          ],
        };
      }
      if (id === 'catalog-west') {
        return {
          DBClusters: [
            {
              DBClusterIdentifier: id,
              DBClusterArn: CATALOG_WEST_ARN,
              Status: 'available',
              GlobalClusterIdentifier: 'catalog-global',
              StorageEncrypted: true,
              Engine: 'aurora-postgresql',
              EngineVersion: '16.4',
            },
          ],
        };
      }
      const describes = this.clusters.get(id);
      if (describes === undefined) throw new DBClusterNotFoundFault({ message: `DBCluster ${id} not found.`, ...meta });
      crashOnce('after-cluster', true);
      this.clusters.set(id, describes + 1);
      return { DBClusters: [{ DBClusterIdentifier: id, Status: describes >= 1 ? 'available' : 'creating' }] };
    });
    rds.on(CreateDBClusterCommand).callsFake((input: { DBClusterIdentifier: string }) => {
      this.clusters.set(input.DBClusterIdentifier, 0);
      return { DBCluster: { DBClusterIdentifier: input.DBClusterIdentifier, Status: 'creating' } };
    });
    rds.on(CreateDBInstanceCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
      this.clusterInstances.set(input.DBInstanceIdentifier, 0);
      return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: 'creating' } };
    });
    rds.on(DescribeGlobalClustersCommand).callsFake(() => {
      const joined = [...this.clusterInstances.entries()]
        .filter(([, describes]) => describes >= 2)
        .map(([id]) => id.replace(/-i1$/, ''));
      return {
        GlobalClusters: [
          {
            GlobalClusterIdentifier: 'catalog-global',
            Status: 'available',
            GlobalClusterMembers: [
              { DBClusterArn: CATALOG_WEST_ARN, IsWriter: true },
              ...((this.options.oldAurora ?? 'rejoined') === 'rejoined'
                ? [{ DBClusterArn: CATALOG_EAST_ARN, IsWriter: false, SynchronizationStatus: 'connected' }]
                : []),
              ...joined.map((id) => ({
                DBClusterArn: `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:cluster:${id}`,
                IsWriter: false,
                SynchronizationStatus: 'connected',
              })),
            ],
          },
        ],
      };
    });
  }
}

const MUTATING = [
  CreateDBSnapshotCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
].map((command) => command.name);

/** The mutating RDS commands sent, by class name: what a dry run or a refused run must never send. */
const mutatingSent = (): string[] =>
  mocks.rds
    .calls()
    .map((call) => (call.args[0] as object).constructor.name)
    .filter((name) => MUTATING.includes(name));

describe('reprotect state machine', () => {
  // The functions load the plans as packaged: plans/*.yml compiled to JSON.
  const compiledPlans = scratchFolders('switchback-plans-')();
  compilePlans(PLANS_DIR, compiledPlans);
  const suite = useFailoverSuite(mocks, { PLANS_DIR: compiledPlans });
  const plan = loadPlanFile(join(PLANS_DIR, 'example.yml'));
  const failedOverAt = '2026-11-25T03:09:00.000Z';
  let runner: LocalRunner;
  let sequence = 0;

  /** The topology after the failover and a fence: the RDS old primary fenced, the Aurora one rejoined. */
  const fencedTopology = (): Topology => {
    const after = topologyAfterFailover(planTopology(plan), {
      toRegion: STANDBY_REGION,
      at: failedOverAt,
      incidentId: 'orders-20261125T030300Z-0000abcd',
    });
    return {
      ...after,
      databases: after.databases.map((db) =>
        db.oldPrimary
          ? {
              ...db,
              oldPrimary: {
                ...db.oldPrimary,
                state: db.kind === 'aurora-global' ? 'rejoined' : 'fenced',
                since: '2026-11-25T03:30:00.000Z',
              },
            }
          : db,
      ),
    };
  };

  beforeEach(async () => {
    runner = new LocalRunner({
      definition: JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachines', 'reprotect.asl.json'), 'utf8')),
      stateMachineArn: REPROTECT_ARN,
      waits: 'zero',
    });
    await suite.ledger.putTopology('orders', fencedTopology());
  });

  afterEach(async () => {
    await stopAll(runner);
  });

  const runReprotect = async (mode = 'live'): Promise<{ done: LocalExecution; name: string }> => {
    sequence += 1;
    const name = `orders-reprotect-20261125T0500${String(sequence).padStart(2, '0')}Z`;
    return runOrdersRunbook(runner, REPROTECT_ARN, name, { action: 'reprotect', mode, reason: 'us-east-1 is back' });
  };

  const record = (incidentId: string): Promise<RunRecord> => ordersRunRecord(suite.ledger, incidentId);

  const topology = async (): Promise<Topology> => (await suite.ledger.getTopology('orders')) as Topology;

  /** What on-run-failed does for a failed execution: release the plan's lock (it is not wired in this runner). */
  const releaseAfterFailure = async (name: string, done: LocalExecution) => {
    await suite.ledger.releaseLock('orders', { incidentId: name, executionArn: done.executionArn });
  };

  it('snapshots the old RDS primary, creates one encrypted cross-region replica, adopts the rejoined Aurora primary', async () => {
    // Prepare
    const world = new Databases();

    // Act
    const { done, name } = await runReprotect();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Protected' });
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBSnapshotCommand, 1);
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
    const replicaCall = mocks.rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]?.args[0].input;
    const replicaId = [...world.replicas.keys()][0] as string;
    expect(replicaId).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    expect(replicaCall).toMatchObject({
      DBInstanceIdentifier: replicaId,
      SourceDBInstanceIdentifier: ORDERS_REPLICA_ARN,
      KmsKeyId: KMS_KEY,
    });
    expect(mocks.rds.commandCalls(CreateDBSnapshotCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'orders-db',
      DBSnapshotIdentifier: expect.stringMatching(/^orders-db-pre-[0-9a-f]{6}$/),
    });
    // The snapshot is available before the replica is asked for.
    const order = mocks.rds.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('CreateDBInstanceReadReplicaCommand')).toBeGreaterThan(
      order.lastIndexOf('DescribeDBSnapshotsCommand'),
    );
    expect(mocks.rds).toHaveReceivedCommandTimes(DeleteDBInstanceCommand, 0);
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBClusterCommand, 0);

    const after = await topology();
    expect(after.databases).toEqual([
      expect.objectContaining({
        id: 'orders-db',
        writer: { region: STANDBY_REGION, identifier: 'orders-db-replica' },
        standby: { region: PRIMARY_REGION, identifier: replicaId },
        oldPrimary: expect.objectContaining({ identifier: 'orders-db', state: 'replaced' }),
      }),
      expect.objectContaining({
        id: 'catalog',
        writer: { region: STANDBY_REGION, identifier: 'catalog-west' },
        standby: { region: PRIMARY_REGION, identifier: 'catalog-east' },
      }),
    ]);
    expect(after.databases[1]?.oldPrimary).toBeUndefined();
    const run = await record(name);
    expect(run.outcome).toBe('recovered');
    expect(run.run.action).toBe('reprotect');
    expect(run.actions.map((action) => `${action.operation} ${action.target} ${action.region}`)).toEqual([
      expect.stringMatching(/^CreateDBSnapshot orders-db-pre-[0-9a-f]{6} us-east-1$/),
      `CreateDBInstanceReadReplica ${replicaId} us-east-1`,
    ]);
    expect(run.phases.map((phase) => phase.name)).toEqual(['decide', 'reprotect']);
    // It waited while the new replica was far behind (ReplicaLag 400 s > the 60 s RPO budget), then protected.
    expect(mocks.cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(run.reasons).toEqual(expect.arrayContaining([expect.stringContaining('(lag 2 s)')]));
    expect(run.phases[1]?.seconds).toBeGreaterThanOrEqual(0);
    const phases = putEvents(mocks).filter((event) => event.detailType === 'Phase Changed');
    expect(phases.map((event) => `${event.detail.phase} ${event.detail.status}`)).toEqual(
      expect.arrayContaining(['decide succeeded', 'reprotect started', 'reprotect succeeded']),
    );
    const next = await suite.ledger.acquireLock('orders', { incidentId: 'next', executionArn: 'arn:next' }, new Date());
    expect(next.holder).toBe('next');
  });

  it('joins a new Aurora secondary cluster and its instance when the old primary did not rejoin (deleted)', async () => {
    // Prepare
    const world = new Databases({ oldAurora: 'deleted' });

    // Act
    const { done, name } = await runReprotect();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBClusterCommand, 1);
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBInstanceCommand, 1);
    const clusterId = [...world.clusters.keys()][0] as string;
    expect(clusterId).toMatch(/^catalog-west-sc-[0-9a-f]{6}$/);
    expect(mocks.rds.commandCalls(CreateDBClusterCommand)[0]?.args[0].input).toMatchObject({
      DBClusterIdentifier: clusterId,
      GlobalClusterIdentifier: 'catalog-global',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      KmsKeyId: KMS_KEY,
    });
    expect(mocks.rds.commandCalls(CreateDBInstanceCommand)[0]?.args[0].input).toMatchObject({
      DBClusterIdentifier: clusterId,
      DBInstanceClass: 'db.r6g.large',
    });
    const catalog = (await topology()).databases[1];
    expect(catalog?.standby).toEqual({ region: PRIMARY_REGION, identifier: clusterId });
    expect(catalog?.oldPrimary?.state).toBe('replaced');
    expect((await record(name)).outcome).toBe('recovered');
  });

  it.each([
    ['the snapshot', 'after-snapshot'],
    ['the replica', 'after-replica'],
  ] as const)(
    'makes no second snapshot or replica when a crash after %s is followed by another run',
    async (_what, when) => {
      // Prepare: the first run's check after the side effect fails (no retry matches), the execution fails.
      new Databases({ crash: when });
      const first = await runReprotect();
      expect(first.done.status).toBe('FAILED');
      await releaseAfterFailure(first.name, first.done);
      expect((await topology()).databases[0]?.standby).toBeNull();

      // Act
      const { done, name } = await runReprotect();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBSnapshotCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
      expect((await topology()).databases[0]?.standby?.identifier).toMatch(/^orders-db-replica-rp-/);
      expect((await record(name)).outcome).toBe('recovered');
    },
  );

  it('makes no second cluster when a crash after CreateDBCluster is followed by another run', async () => {
    // Prepare
    new Databases({ oldAurora: 'deleted', crash: 'after-cluster' });
    const first = await runReprotect();
    expect(first.done.status).toBe('FAILED');
    await releaseAfterFailure(first.name, first.done);

    // Act
    const { done } = await runReprotect();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBClusterCommand, 1);
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBInstanceCommand, 1);
  });

  it('sends no mutating command in a dry run, records each planned call and leaves the topology', async () => {
    // Prepare
    new Databases({ oldAurora: 'deleted' });
    const before = await topology();

    // Act
    const { done, name } = await runReprotect('dry-run');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mutatingSent()).toEqual([]);
    const run = await record(name);
    expect(run.outcome).toBe('recovered');
    expect(run.actions.map((action) => `${action.operation} ${action.dryRun}`)).toEqual([
      'CreateDBSnapshot true',
      'CreateDBInstanceReadReplica true',
      'CreateDBCluster true',
      'CreateDBInstance true',
    ]);
    expect(await topology()).toEqual(before);
  });

  it('refuses (blocked, nothing changed) when the old Aurora primary was taken out of the global cluster and takes writes', async () => {
    // Prepare: the fence found it rejoined; someone removed it from catalog-global since (RemoveFromGlobalCluster).
    new Databases({ oldAurora: 'standalone' });

    // Act
    const { done, name } = await runReprotect();

    // Assess
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Refused' });
    expect(mutatingSent()).toEqual([]);
    const run = await record(name);
    expect(run.outcome).toBe('blocked');
    expect(run.findings).toEqual([
      {
        check: 'old-primary-fenced',
        resource: 'rds:us-east-1:catalog-east',
        expected: 'the old primary fenced (or rejoined as a secondary)',
        found: 'catalog-east (us-east-1) is a standalone cluster, out of the global cluster: it takes writes',
        fix: 'stop it (aws rds stop-db-cluster --db-cluster-identifier catalog-east --region us-east-1) or delete it, then run reprotect again; a new secondary takes its place',
      },
    ]);
  });

  it('refuses (blocked, nothing changed) with a finding naming the region when the old region does not answer', async () => {
    // Prepare
    new Databases({ oldRegionDown: true });

    // Act
    const { done, name } = await runReprotect();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Refused' });
    expect(mutatingSent()).toEqual([]);
    const run = await record(name);
    expect(run.outcome).toBe('blocked');
    expect(run.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'old-region-answers', fix: 'run reprotect again once us-east-1 answers' }),
      ]),
    );
    expect(putEvents(mocks).map((event) => event.detailType)).toContain('Run Blocked');
  });

  it('refuses when the topology has not failed over, and when every database has a standby again', async () => {
    // Prepare
    new Databases();
    await suite.ledger.putTopology('orders', planTopology(plan));

    // Act
    const notFailedOver = await runReprotect();

    // Assess
    expect(notFailedOver.done.transitions.at(-1)).toMatchObject({ state: 'Refused' });
    expect((await record(notFailedOver.name)).findings?.map((finding) => finding.check)).toEqual([
      'topology-failed-over',
    ]);

    // Prepare: a reprotect that ran: a second one finds a standby everywhere.
    await suite.ledger.putTopology('orders', fencedTopology());
    const first = await runReprotect();
    expect(first.done.transitions.at(-1)).toMatchObject({ state: 'Protected' });

    // Act
    const again = await runReprotect();

    // Assess
    expect(again.done.transitions.at(-1)).toMatchObject({ state: 'Refused' });
    expect((await record(again.name)).findings?.map((finding) => finding.check)).toEqual([
      'no-standby-yet',
      'no-standby-yet',
    ]);
    expect(mocks.rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
  });

  it('rejects a fence input with one line naming the action', async () => {
    // Prepare
    new Databases();
    const { executionArn } = runner.startExecution({
      stateMachineArn: REPROTECT_ARN,
      name: 'orders-reprotect-wrong',
      input: JSON.stringify({ plan: 'orders', action: 'fence', mode: 'live', reason: 'xyz', requestedBy: 'a' }),
    });
    const execution = runner.get(executionArn) as LocalExecution;

    // Act
    await execution.done;

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRunInput' });
    expect(execution.cause).toContain('action: this state machine runs "reprotect"; start "fence" from');
  });
});
