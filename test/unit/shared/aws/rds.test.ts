import 'aws-sdk-client-mock-jest';
import {
  DBInstanceNotFoundFault,
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { PacedReads } from '../../../../shared/aws/paced-reads';
import { RdsAdapter } from '../../../../shared/aws/rds';
import { ThrottledError } from '../../../../shared/errors';

const rdsMock = mockClient(RDSClient);

const ORDERS_PRIMARY_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders-db';
const CATALOG_EAST_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east';
const CATALOG_WEST_ARN = 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west';

/**
 * The adapter over the mocked client; its reads are tried once (a budget of 0) unless `retries` gives them a budget
 * with pauses that take no time; `batch`: the reads made at once go out together.
 */
const adapterFor = (retries = false, batch = false) => {
  const regions: string[] = [];
  const rds = new RdsAdapter({
    batch,
    client: (region) => {
      regions.push(region);
      return new RDSClient({ region });
    },
    reads: new PacedReads({
      maxInFlight: Number.POSITIVE_INFINITY,
      budgetMs: retries ? 1000 : 0,
      firstPauseMs: 10,
      sleep: async () => undefined,
    }),
  });
  return { rds, regions };
};

const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

describe('RdsAdapter', () => {
  beforeEach(() => {
    rdsMock.reset();
  });

  describe('describeInstance', () => {
    it('returns the replica state from the region asked when the instance exists', async () => {
      // Prepare
      rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db-replica' }).resolves({
        DBInstances: [
          {
            DBInstanceIdentifier: 'orders-db-replica',
            DBInstanceArn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
            DBInstanceStatus: 'backing-up',
            ReadReplicaSourceDBInstanceIdentifier: ORDERS_PRIMARY_ARN,
            BackupRetentionPeriod: 3,
            LatestRestorableTime: new Date('2026-11-25T02:58:00.000Z'),
          },
        ],
      });
      const { rds, regions } = adapterFor();

      // Act
      const state = await rds.describeInstance('us-west-2', 'orders-db-replica');

      // Assess
      expect(regions).toEqual(['us-west-2']);
      expect(state).toEqual({
        identifier: 'orders-db-replica',
        arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
        status: 'backing-up',
        replicationSource: ORDERS_PRIMARY_ARN,
        backupRetentionPeriod: 3,
        latestRestorableTime: '2026-11-25T02:58:00.000Z',
      });
    });

    it('returns undefined when RDS answers DBInstanceNotFound', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstancesCommand)
        .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance orders-db-replica not found.', $metadata: {} }));

      // Act
      const state = await adapterFor().rds.describeInstance('us-west-2', 'orders-db-replica');

      // Assess
      expect(state).toBeUndefined();
    });

    it('tries a read that RDS throttled again, and returns what it read', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstancesCommand)
        .rejectsOnce(throttling())
        .resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-db-replica', DBInstanceStatus: 'available' }] });

      // Act
      const state = await adapterFor(true).rds.describeInstance('us-west-2', 'orders-db-replica');

      // Assess
      expect(state).toMatchObject({ identifier: 'orders-db-replica', status: 'available' });
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 2);
    });

    it('throws ThrottledError when RDS throttles', async () => {
      // Prepare
      rdsMock.on(DescribeDBInstancesCommand).rejects(throttling());

      // Act
      const act = adapterFor().rds.describeInstance('us-west-2', 'orders-db-replica');

      // Assess
      await expect(act).rejects.toBeInstanceOf(ThrottledError);
    });
  });

  describe('reads made at once', () => {
    it('sends each read alone without `batch` (a function whose invocations each read one database)', async () => {
      // Prepare
      rdsMock.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => ({
        DBInstances: [{ DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: 'available' }],
      }));
      const { rds } = adapterFor();

      // Act
      const states = await Promise.all([
        rds.describeInstance('us-west-2', 'a-db'),
        rds.describeInstance('us-west-2', 'b-db'),
      ]);

      // Assess
      expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((call) => call.args[0].input)).toEqual([
        { DBInstanceIdentifier: 'a-db' },
        { DBInstanceIdentifier: 'b-db' },
      ]);
      expect(states.map((state) => state?.identifier)).toEqual(['a-db', 'b-db']);
    });

    const instance = (id: string, region = 'us-west-2') => ({
      DBInstanceIdentifier: id,
      DBInstanceArn: `arn:aws:rds:${region}:123456789012:db:${id}`,
      DBInstanceStatus: 'available',
    });

    it('reads the instances of one region asked at once in one DescribeDBInstances, by a db-instance-id filter', async () => {
      // Prepare
      rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance('b-db'), instance('a-db')] });
      const { rds } = adapterFor(false, true);

      // Act
      const states = await Promise.all([
        rds.describeInstance('us-west-2', 'a-db'),
        rds.describeInstance('us-west-2', 'B-DB'),
        rds.describeInstance('us-west-2', 'gone-db'),
        rds.describeInstance('us-west-2', 'a-db'),
      ]);

      // Assess: one request, each name once; RDS identifiers are not case-sensitive; one it did not list is none
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
      expect(rdsMock).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
        Filters: [{ Name: 'db-instance-id', Values: ['a-db', 'B-DB', 'gone-db'] }],
        MaxRecords: 100,
      });
      expect(states.map((state) => state?.identifier)).toEqual(['a-db', 'b-db', undefined, 'a-db']);
    });

    it('sends one request per region, and one read alone by its identifier', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'east-db' })
        .resolves({ DBInstances: [instance('east-db', 'us-east-1')] })
        .on(DescribeDBInstancesCommand, { Filters: [{ Name: 'db-instance-id', Values: ['a-db', 'b-db'] }] })
        .resolves({ DBInstances: [instance('a-db'), instance('b-db')] });
      const { rds, regions } = adapterFor(false, true);

      // Act
      const states = await Promise.all([
        rds.describeInstance('us-west-2', 'a-db'),
        rds.describeInstance('us-east-1', 'east-db'),
        rds.describeInstance('us-west-2', 'b-db'),
      ]);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 2);
      expect([...regions].sort()).toEqual(['us-east-1', 'us-west-2']);
      expect(states.map((state) => state?.arn)).toEqual([
        'arn:aws:rds:us-west-2:123456789012:db:a-db',
        'arn:aws:rds:us-east-1:123456789012:db:east-db',
        'arn:aws:rds:us-west-2:123456789012:db:b-db',
      ]);
    });

    it('names at most 100 identifiers a request (a page of DescribeDBInstances), in as many requests as it takes', async () => {
      // Prepare
      const ids = Array.from({ length: 150 }, (_, i) => `db-${i}`);
      rdsMock.on(DescribeDBInstancesCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
        DBInstances: (input.Filters[0]?.Values ?? []).map((id) => instance(id)),
      }));
      const { rds } = adapterFor(false, true);

      // Act
      const states = await Promise.all(ids.map((id) => rds.describeInstance('us-west-2', id)));

      // Assess
      const sent = rdsMock
        .commandCalls(DescribeDBInstancesCommand)
        .map((call) => call.args[0].input.Filters?.[0]?.Values);
      expect(sent.map((values) => values?.length)).toEqual([100, 50]);
      expect(states.map((state) => state?.identifier)).toEqual(ids);
    });

    it('reads every page of a batched read', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstancesCommand, { Marker: undefined })
        .resolves({ DBInstances: [instance('a-db')], Marker: 'page-2' })
        .on(DescribeDBInstancesCommand, { Marker: 'page-2' })
        .resolves({ DBInstances: [instance('b-db')] });
      const { rds } = adapterFor(false, true);

      // Act
      const states = await Promise.all([
        rds.describeInstance('us-west-2', 'a-db'),
        rds.describeInstance('us-west-2', 'b-db'),
      ]);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 2);
      expect(states.map((state) => state?.identifier)).toEqual(['a-db', 'b-db']);
    });

    it('gives every read of a throttled batch ThrottledError, and a later read is a new request', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstancesCommand)
        .rejectsOnce(throttling())
        .resolves({ DBInstances: [instance('a-db')] });
      const { rds } = adapterFor(false, true);

      // Act
      const first = await Promise.allSettled([
        rds.describeInstance('us-west-2', 'a-db'),
        rds.describeInstance('us-west-2', 'b-db'),
      ]);
      const later = await rds.describeInstance('us-west-2', 'a-db');

      // Assess
      expect(first.map((result) => result.status === 'rejected' && result.reason instanceof ThrottledError)).toEqual([
        true,
        true,
      ]);
      expect(later?.status).toBe('available');
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 2);
    });

    it('reads the clusters of one region asked at once in one DescribeDBClusters, by a db-cluster-id filter', async () => {
      // Prepare
      rdsMock.on(DescribeDBClustersCommand).resolves({
        DBClusters: [
          { DBClusterIdentifier: 'catalog-west', DBClusterArn: CATALOG_WEST_ARN, Status: 'available' },
          { DBClusterIdentifier: 'search-west', Status: 'modifying' },
        ],
      });
      const { rds } = adapterFor(false, true);

      // Act
      const states = await Promise.all([
        rds.describeCluster('us-west-2', CATALOG_WEST_ARN),
        rds.describeCluster('us-west-2', 'search-west'),
      ]);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 1);
      expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
        Filters: [{ Name: 'db-cluster-id', Values: [CATALOG_WEST_ARN, 'search-west'] }],
      });
      expect(states.map((state) => state?.status)).toEqual(['available', 'modifying']);
    });

    it('reads the replicated backups of the sources asked at once in one request, each source its own', async () => {
      // Prepare
      const other = 'arn:aws:rds:us-east-1:123456789012:db:billing-db';
      rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
        DBInstanceAutomatedBackups: [
          { DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:50:00.000Z') } },
          { DBInstanceArn: other, RestoreWindow: { LatestTime: new Date('2026-11-25T02:40:00.000Z') } },
          { DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:55:00.000Z') } },
        ],
      });
      const { rds } = adapterFor(false, true);

      // Act
      const latest = await Promise.all([
        rds.latestReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN),
        rds.latestReplicatedBackup('us-west-2', other),
      ]);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstanceAutomatedBackupsCommand, 1);
      expect(rdsMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
        Filters: [{ Name: 'db-instance-id', Values: [ORDERS_PRIMARY_ARN, other] }],
      });
      expect(latest).toEqual(['2026-11-25T02:55:00.000Z', '2026-11-25T02:40:00.000Z']);
    });

    it('lists the global clusters once for several asked at once (RDS takes no filter for them)', async () => {
      // Prepare
      rdsMock
        .on(DescribeGlobalClustersCommand, { Marker: undefined })
        .resolves({
          GlobalClusters: [{ GlobalClusterIdentifier: 'catalog-global', Status: 'available' }],
          Marker: 'next',
        })
        .on(DescribeGlobalClustersCommand, { Marker: 'next' })
        .resolves({ GlobalClusters: [{ GlobalClusterIdentifier: 'search-global', Status: 'failing-over' }] });
      const { rds } = adapterFor(false, true);

      // Act
      const states = await Promise.all([
        rds.describeGlobalCluster('us-west-2', 'catalog-global'),
        rds.describeGlobalCluster('us-west-2', 'search-global'),
        rds.describeGlobalCluster('us-west-2', 'other-global'),
      ]);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeGlobalClustersCommand, 2);
      expect(rdsMock).not.toHaveReceivedCommandWith(DescribeGlobalClustersCommand, {
        GlobalClusterIdentifier: expect.anything(),
      });
      expect(states.map((state) => state?.status)).toEqual(['available', 'failing-over', undefined]);
    });
  });

  describe('promoteReadReplica', () => {
    it('sends PromoteReadReplica with the backup retention to keep', async () => {
      // Prepare
      rdsMock.on(PromoteReadReplicaCommand).resolves({});

      // Act
      await adapterFor().rds.promoteReadReplica('us-west-2', 'orders-db-replica', 7);

      // Assess
      expect(rdsMock).toHaveReceivedCommandWith(PromoteReadReplicaCommand, {
        DBInstanceIdentifier: 'orders-db-replica',
        BackupRetentionPeriod: 7,
      });
    });

    it('tries a promote call that RDS throttled again: a throttled request was refused before anything was done', async () => {
      // Prepare
      rdsMock.on(PromoteReadReplicaCommand).rejectsOnce(throttling()).resolves({});

      // Act
      await adapterFor(true).rds.promoteReadReplica('us-west-2', 'orders-db-replica', 3);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 2);
    });

    it('keeps the AWS error name when RDS refuses the promotion', async () => {
      // Prepare
      rdsMock
        .on(PromoteReadReplicaCommand)
        .rejects(new InvalidDBInstanceStateFault({ message: 'not a read replica', $metadata: {} }));

      // Act
      const act = adapterFor().rds.promoteReadReplica('us-west-2', 'orders-db-replica', 7);

      // Assess
      await expect(act).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    });
  });

  describe('describeGlobalCluster', () => {
    it('reads members with their region and identifier from the ARN when the global cluster exists', async () => {
      // Prepare
      rdsMock.on(DescribeGlobalClustersCommand).resolves({
        GlobalClusters: [
          {
            GlobalClusterIdentifier: 'catalog-global',
            Status: 'available',
            GlobalClusterMembers: [
              { DBClusterArn: CATALOG_EAST_ARN, IsWriter: true },
              { DBClusterArn: CATALOG_WEST_ARN, IsWriter: false },
            ],
            FailoverState: {
              Status: 'failing-over',
              FromDbClusterArn: CATALOG_EAST_ARN,
              ToDbClusterArn: CATALOG_WEST_ARN,
              IsDataLossAllowed: true,
            },
          },
        ],
      });

      // Act
      const state = await adapterFor().rds.describeGlobalCluster('us-west-2', 'catalog-global');

      // Assess
      expect(state).toEqual({
        identifier: 'catalog-global',
        status: 'available',
        members: [
          { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: true },
          { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: false },
        ],
        failoverState: {
          status: 'failing-over',
          fromClusterArn: CATALOG_EAST_ARN,
          toClusterArn: CATALOG_WEST_ARN,
          isDataLossAllowed: true,
        },
      });
    });

    it('returns undefined when the global cluster does not exist', async () => {
      // Prepare
      rdsMock
        .on(DescribeGlobalClustersCommand)
        .rejects(new GlobalClusterNotFoundFault({ message: 'not found', $metadata: {} }));

      // Act
      const state = await adapterFor().rds.describeGlobalCluster('us-west-2', 'catalog-global');

      // Assess
      expect(state).toBeUndefined();
    });
  });

  describe('describeCluster', () => {
    it('returns the cluster state when the cluster exists', async () => {
      // Prepare
      rdsMock.on(DescribeDBClustersCommand).resolves({
        DBClusters: [
          {
            DBClusterIdentifier: 'catalog-west',
            DBClusterArn: CATALOG_WEST_ARN,
            Status: 'available',
            BackupRetentionPeriod: 1,
            LatestRestorableTime: new Date('2026-11-25T03:04:00.000Z'),
          },
        ],
      });

      // Act
      const state = await adapterFor().rds.describeCluster('us-west-2', 'catalog-west');

      // Assess
      expect(state).toEqual({
        identifier: 'catalog-west',
        arn: CATALOG_WEST_ARN,
        status: 'available',
        backupRetentionPeriod: 1,
        latestRestorableTime: '2026-11-25T03:04:00.000Z',
      });
    });
  });

  describe('global failover and switchover', () => {
    it('sends FailoverGlobalCluster with AllowDataLoss to the region asked', async () => {
      // Prepare
      rdsMock.on(FailoverGlobalClusterCommand).resolves({});
      const { rds, regions } = adapterFor();

      // Act
      await rds.failoverGlobalCluster('us-west-2', 'catalog-global', CATALOG_WEST_ARN);

      // Assess
      expect(regions).toEqual(['us-west-2']);
      expect(rdsMock).toHaveReceivedCommandWith(FailoverGlobalClusterCommand, {
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: CATALOG_WEST_ARN,
        AllowDataLoss: true,
      });
    });

    it('sends SwitchoverGlobalCluster without data loss', async () => {
      // Prepare
      rdsMock.on(SwitchoverGlobalClusterCommand).resolves({});

      // Act
      await adapterFor().rds.switchoverGlobalCluster('us-west-2', 'catalog-global', CATALOG_WEST_ARN);

      // Assess
      expect(rdsMock).toHaveReceivedCommandWith(SwitchoverGlobalClusterCommand, {
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: CATALOG_WEST_ARN,
      });
      expect(rdsMock).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 0);
    });

    it('tries a global failover that RDS throttled again', async () => {
      // Prepare
      rdsMock.on(FailoverGlobalClusterCommand).rejectsOnce(throttling()).resolves({});

      // Act
      await adapterFor(true).rds.failoverGlobalCluster('us-west-2', 'catalog-global', CATALOG_WEST_ARN);

      // Assess
      expect(rdsMock).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 2);
    });

    it('throws ThrottledError when the failover call is throttled', async () => {
      // Prepare
      rdsMock.on(FailoverGlobalClusterCommand).rejects(throttling());

      // Act
      const act = adapterFor().rds.failoverGlobalCluster('us-west-2', 'catalog-global', CATALOG_WEST_ARN);

      // Assess
      await expect(act).rejects.toBeInstanceOf(ThrottledError);
    });
  });

  describe('latestReplicatedBackup', () => {
    it('returns the newest restore window end of the source instance across pages', async () => {
      // Prepare
      rdsMock
        .on(DescribeDBInstanceAutomatedBackupsCommand, { Marker: undefined })
        .resolves({
          DBInstanceAutomatedBackups: [
            { DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:50:00.000Z') } },
            {
              DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:other',
              RestoreWindow: { LatestTime: new Date('2026-11-25T02:59:59.000Z') },
            },
          ],
          Marker: 'page-2',
        })
        .on(DescribeDBInstanceAutomatedBackupsCommand, { Marker: 'page-2' })
        .resolves({
          DBInstanceAutomatedBackups: [
            { DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:55:00.000Z') } },
          ],
        });

      // Act
      const latest = await adapterFor().rds.latestReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN);

      // Assess
      expect(latest).toBe('2026-11-25T02:55:00.000Z');
      expect(rdsMock).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
        Filters: [{ Name: 'db-instance-id', Values: [ORDERS_PRIMARY_ARN] }],
      });
    });

    it('asks for cluster backups when the source is a cluster', async () => {
      // Prepare
      rdsMock.on(DescribeDBClusterAutomatedBackupsCommand).resolves({
        DBClusterAutomatedBackups: [
          { DBClusterArn: CATALOG_EAST_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:57:00.000Z') } },
        ],
      });

      // Act
      const latest = await adapterFor().rds.latestReplicatedBackup('us-west-2', CATALOG_EAST_ARN);

      // Assess
      expect(latest).toBe('2026-11-25T02:57:00.000Z');
      expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstanceAutomatedBackupsCommand, 0);
    });

    it('returns undefined when no backup of the source was replicated', async () => {
      // Prepare
      rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });

      // Act
      const latest = await adapterFor().rds.latestReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN);

      // Assess
      expect(latest).toBeUndefined();
    });
  });
});
