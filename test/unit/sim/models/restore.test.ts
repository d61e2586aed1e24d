import {
  CreateDBInstanceCommand,
  DBInstanceAlreadyExistsFault,
  DBInstanceAutomatedBackupNotFoundFault,
  DBInstanceNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  InvalidDBClusterStateFault,
  InvalidRestoreFault,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { clients, resetClients, useClientPlugin } from '../../../../shared/aws/clients';
import { createSimPlugin } from '../../../../sim/sdk-plugin';
import type { ScenarioSpec } from '../../../../sim/world';
import { useFakeCredentials } from '../../../support/credentials';
import { type SimHarness, startSim, T0 } from '../fixture';

const STANDBY = 'us-west-2';

// Virtual time runs the world's health checks and alarms too: a busy machine needs more than jest's 5 s.
jest.setTimeout(30_000);
const TAGS = [{ Key: 'switchback:restore-test', Value: 'orders' }];

const spec = (extra: Partial<ScenarioSpec> = {}): ScenarioSpec => ({
  name: 'restore',
  description: 'restore tests',
  outages: [],
  ...extra,
});

describe('RestoreModel (through the SDK plugin)', () => {
  let sim: SimHarness | undefined;
  useFakeCredentials();
  afterEach(() => {
    sim?.close();
    sim = undefined;
    resetClients();
  });

  const start = (extra: Partial<ScenarioSpec> = {}): SimHarness => {
    sim = startSim(spec(extra));
    useClientPlugin(createSimPlugin(sim.world));
    return sim;
  };
  const rds = () => clients.rds(STANDBY);

  /** The replicated backups of orders-db in the standby region. */
  const replicated = async () => {
    const answer = await rds().send(
      new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: 'orders-db' }),
    );
    const backup = answer.DBInstanceAutomatedBackups?.find((b) => b.Status === 'replicating');
    if (!backup?.DBInstanceAutomatedBackupsArn || !backup.RestoreWindow?.LatestTime) throw new Error('no backup');
    return { arn: backup.DBInstanceAutomatedBackupsArn, latest: backup.RestoreWindow.LatestTime };
  };
  const status = async (id: string) =>
    (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];

  it('restores the replicated backups by ARN into a creating instance that is available after base + storage time', async () => {
    // Prepare
    const harness = start();
    const { arn, latest } = await replicated();

    // Act
    const answer = await rds().send(
      new RestoreDBInstanceToPointInTimeCommand({
        SourceDBInstanceAutomatedBackupsArn: arn,
        TargetDBInstanceIdentifier: 'sbrt-orders-db-1',
        RestoreTime: latest,
        DBInstanceClass: 'db.t4g.micro',
        DBSubnetGroupName: 'restore-tests',
        VpcSecurityGroupIds: ['sg-0closed'],
        Tags: TAGS,
      }),
    );
    const restored = harness.world.restores.instances[0];
    const readyAfterMs = (restored?.readyMs ?? 0) - T0;
    await harness.advance(readyAfterMs - 1);
    const before = await status('sbrt-orders-db-1');
    await harness.advance(1);
    const after = await status('sbrt-orders-db-1');

    // Assess: 600 s + 3 s/GiB x 100 GiB, within the 10% jitter.
    expect(answer.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(answer.DBInstance?.Endpoint).toBeUndefined();
    expect(readyAfterMs).toBeGreaterThanOrEqual(900_000 * 0.9);
    expect(readyAfterMs).toBeLessThanOrEqual(900_000 * 1.1);
    expect(restored?.restoreTimeMs).toBe(latest.getTime());
    expect(before?.DBInstanceStatus).toBe('creating');
    expect(after).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.t4g.micro',
      DBSubnetGroup: { DBSubnetGroupName: 'restore-tests' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0closed', Status: 'active' }],
      TagList: TAGS,
      PubliclyAccessible: false,
    });
    expect(after?.Endpoint?.Address).toMatch(/^sbrt-orders-db-1\..*\.us-west-2\.rds\.amazonaws\.com$/);
    expect(harness.world.actions.map((a) => `${a.operation} ${a.target} ${a.outcome}`)).toEqual([
      'RestoreDBInstanceToPointInTime sbrt-orders-db-1 accepted',
    ]);
  });

  it('takes longer to restore more storage', async () => {
    const small = start({ restore: { allocatedStorageGiB: 20 } });
    const { arn } = await replicated();
    const restore = (id: string) =>
      rds().send(
        new RestoreDBInstanceToPointInTimeCommand({
          SourceDBInstanceAutomatedBackupsArn: arn,
          TargetDBInstanceIdentifier: id,
          UseLatestRestorableTime: true,
        }),
      );
    await restore('sbrt-small');
    const smallMs = (small.world.restores.instances[0]?.readyMs ?? 0) - T0;
    small.close();
    resetClients();
    const large = start({ restore: { allocatedStorageGiB: 2000 } });
    await restore('sbrt-large');
    const largeMs = (large.world.restores.instances[0]?.readyMs ?? 0) - T0;

    expect(smallMs).toBeLessThan(800_000);
    expect(largeMs).toBeGreaterThan(6000_000);
  });

  it('refuses a missing replicated backup, a time outside the window, both time fields and a taken identifier', async () => {
    // Prepare
    const harness = start();
    const { arn, latest } = await replicated();
    const restore = (input: Partial<ConstructorParameters<typeof RestoreDBInstanceToPointInTimeCommand>[0]>) =>
      rds().send(
        new RestoreDBInstanceToPointInTimeCommand({
          SourceDBInstanceAutomatedBackupsArn: arn,
          TargetDBInstanceIdentifier: 'sbrt-x',
          ...input,
        }),
      );

    // Act / Assess
    await expect(
      restore({ SourceDBInstanceAutomatedBackupsArn: `${arn}0`, UseLatestRestorableTime: true }),
    ).rejects.toBeInstanceOf(DBInstanceAutomatedBackupNotFoundFault);
    await expect(restore({ RestoreTime: new Date(latest.getTime() + 1000) })).rejects.toBeInstanceOf(
      InvalidRestoreFault,
    );
    await expect(restore({ RestoreTime: latest, UseLatestRestorableTime: true })).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    });
    await expect(
      restore({ TargetDBInstanceIdentifier: 'orders-db-replica', RestoreTime: latest }),
    ).rejects.toBeInstanceOf(DBInstanceAlreadyExistsFault);
    await restore({ RestoreTime: latest });
    await expect(restore({ RestoreTime: latest })).rejects.toBeInstanceOf(DBInstanceAlreadyExistsFault);
    expect(harness.world.restores.existing().instances).toEqual(['sbrt-x']);
  });

  it('has no replicated backup to restore when the cross-region copy is off', async () => {
    start({ backups: { crossRegionCopy: false } });
    const answer = rds().send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: 'orders-db' }));
    await expect(answer).rejects.toBeInstanceOf(DBInstanceAutomatedBackupNotFoundFault);
  });

  it.each([
    ['incompatible-option-group', 'incompatible-option-group'],
    ['incompatible-restore', 'incompatible-restore'],
    ['never-available', 'creating'],
  ] as const)('ends a restore whose outcome is %s in %s', async (outcome, expected) => {
    // Prepare
    const harness = start({ restore: { outcome } });
    const { arn } = await replicated();

    // Act
    await rds().send(
      new RestoreDBInstanceToPointInTimeCommand({
        SourceDBInstanceAutomatedBackupsArn: arn,
        TargetDBInstanceIdentifier: 'sbrt-bad',
        UseLatestRestorableTime: true,
      }),
    );
    // Past the longest restore of 100 GiB (900 s + 10%): a restore that never becomes available is still creating.
    await harness.advance(1200_000);

    // Assess
    expect((await status('sbrt-bad'))?.DBInstanceStatus).toBe(expected);
  });

  it('deletes a restored instance only without a final snapshot, and never a plan database', async () => {
    // Prepare
    const harness = start();
    const { arn } = await replicated();
    await rds().send(
      new RestoreDBInstanceToPointInTimeCommand({
        SourceDBInstanceAutomatedBackupsArn: arn,
        TargetDBInstanceIdentifier: 'sbrt-del',
        UseLatestRestorableTime: true,
      }),
    );

    // Act / Assess: deletable while still creating, then deleting, then gone.
    await expect(rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'sbrt-del' }))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    });
    await expect(
      rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'orders-db-replica', SkipFinalSnapshot: true })),
    ).rejects.toThrow(/protected/);
    const deleting = await rds().send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'sbrt-del', SkipFinalSnapshot: true }),
    );
    expect(deleting.DBInstance?.DBInstanceStatus).toBe('deleting');
    await expect(
      rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'sbrt-del', SkipFinalSnapshot: true })),
    ).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    await harness.advance(240_000);
    await expect(status('sbrt-del')).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
    const all = await rds().send(new DescribeDBInstancesCommand({}));
    expect(all.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['orders-db-replica']);
  });

  it('restores an Aurora secondary cluster to a point in time, adds an instance, and deletes both in order', async () => {
    // Prepare
    const harness = start();

    // Act
    const cluster = await rds().send(
      new RestoreDBClusterToPointInTimeCommand({
        SourceDBClusterIdentifier: 'catalog-west',
        DBClusterIdentifier: 'sbrt-catalog',
        UseLatestRestorableTime: true,
        RestoreType: 'copy-on-write',
        DBSubnetGroupName: 'restore-tests',
        VpcSecurityGroupIds: ['sg-0closed'],
        Tags: TAGS,
      }),
    );
    const createEarly = rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'sbrt-catalog-1',
        DBClusterIdentifier: 'sbrt-catalog',
        DBInstanceClass: 'db.t4g.medium',
        Engine: 'aurora-postgresql',
      }),
    );
    await expect(createEarly).rejects.toBeInstanceOf(InvalidDBClusterStateFault);
    await harness.advance(800_000);
    const instance = await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'sbrt-catalog-1',
        DBClusterIdentifier: 'sbrt-catalog',
        DBInstanceClass: 'db.t4g.medium',
        Engine: 'aurora-postgresql',
      }),
    );
    await harness.advance(500_000);
    const ready = await status('sbrt-catalog-1');
    const deleteClusterFirst = rds().send(
      new DeleteDBClusterCommand({ DBClusterIdentifier: 'sbrt-catalog', SkipFinalSnapshot: true }),
    );
    await expect(deleteClusterFirst).rejects.toBeInstanceOf(InvalidDBClusterStateFault);
    await rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'sbrt-catalog-1', SkipFinalSnapshot: true }));
    await rds().send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'sbrt-catalog', SkipFinalSnapshot: true }));
    await harness.advance(240_000);
    const clusters = await rds().send(new DescribeDBClustersCommand({}));

    // Assess
    expect(cluster.DBCluster?.Status).toBe('creating');
    expect(instance.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(ready).toMatchObject({ DBInstanceStatus: 'available', DBClusterIdentifier: 'sbrt-catalog' });
    expect(clusters.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['catalog-west']);
    expect(harness.world.restores.existing()).toEqual({ instances: [], clusters: [] });
    await expect(
      rds().send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'catalog-west', SkipFinalSnapshot: true })),
    ).rejects.toThrow(/protected/);
  });

  it('gives no answer when the standby region is down (connect timeout)', async () => {
    // Prepare
    const harness = start({ outages: [{ region: 'standby', atSeconds: 0 }] });
    const started = harness.clock.now();

    // Act
    const call = rds().send(
      new RestoreDBClusterToPointInTimeCommand({
        SourceDBClusterIdentifier: 'catalog-west',
        DBClusterIdentifier: 'sbrt-catalog',
        UseLatestRestorableTime: true,
      }),
    );
    const outcome = call.then(
      () => 'answered',
      (error: Error) => error.name,
    );
    // Each of the client's two attempts waits its 5 s request timeout, with the SDK's backoff between them.
    await harness.advance(11_000);

    // Assess
    expect(await outcome).toBe('TimeoutError');
    expect(harness.clock.now() - started).toBeGreaterThanOrEqual(10_000);
    expect(harness.world.restores.clusters).toEqual([]);
  });
});
