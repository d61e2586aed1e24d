import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type Tag,
} from '@aws-sdk/client-rds';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { PacedReads } from './paced-reads';
import { RDS_READ_PACING, readCluster, readInstance, readUnlessNotFound, startOnce } from './rds-calls';
import { rdsClient } from './sdk/rds';

/** The newest point a restore can reach, and from what. */
export interface RestorableSource {
  /** RDS: the replicated automated backups' ARN in the standby region; Aurora: the secondary cluster's identifier. */
  source: string;
  latestRestorableTime: string;
}

/** A throwaway as DescribeDBInstances/DescribeDBClusters show it. */
export interface RestoredResource {
  identifier: string;
  status: string;
  engine?: string;
  endpoint?: { address: string; port: number };
  createdAt?: string;
  tags: Record<string, string>;
}

/** Where and how a throwaway is made. */
export interface RestoreTarget {
  identifier: string;
  instanceClass?: string;
  subnetGroup: string;
  securityGroup: string;
  tags: Record<string, string>;
}

/** What restore tests ask of RDS (shared/usecases/restore-test/). */
export interface RestorePort {
  replicatedBackup(region: string, sourceInstance: string): Promise<RestorableSource | undefined>;
  clusterRestorable(region: string, cluster: string): Promise<RestorableSource | undefined>;
  /** Starts the restore; `exists` when the identifier is taken already (a redrive of the same test). */
  restoreInstance(
    region: string,
    source: string,
    restoreTime: string,
    target: RestoreTarget,
  ): Promise<'started' | 'exists'>;
  restoreCluster(
    region: string,
    source: string,
    restoreTime: string,
    target: RestoreTarget,
  ): Promise<'started' | 'exists'>;
  createClusterInstance(
    region: string,
    cluster: string,
    engine: string,
    target: Omit<RestoreTarget, 'subnetGroup' | 'securityGroup'>,
  ): Promise<'started' | 'exists'>;
  describeInstance(region: string, identifier: string): Promise<RestoredResource | undefined>;
  describeCluster(region: string, identifier: string): Promise<RestoredResource | undefined>;
  /** Deletes without a final snapshot; `gone` when there is nothing (left) to delete. */
  deleteInstance(region: string, identifier: string): Promise<'deleting' | 'gone'>;
  deleteCluster(region: string, identifier: string): Promise<'deleting' | 'gone'>;
  /** Instances and clusters whose identifier starts with `prefix`. */
  listByPrefix(
    region: string,
    prefix: string,
  ): Promise<{ instances: RestoredResource[]; clusters: RestoredResource[] }>;
}

const tagList = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const tagMap = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? '']));

/**
 * RestorePort over the RDS API of the standby region. The throwaway is private (not publicly accessible), in the
 * plan's subnet group and security group, without deletion protection, and deleted without a final snapshot.
 */
export class RdsRestoreAdapter implements RestorePort {
  private readonly client: (region: string) => RDSClient;
  private readonly reads: PacedReads;

  /**
   * @param deps.client - the RDS client of a region; defaults to the shared clients (built once per region).
   * @param deps.reads - how reads are tried again when throttled; defaults to the adapter's own (RDS_READ_PACING).
   */
  constructor(deps: { client?: (region: string) => RDSClient; reads?: PacedReads } = {}) {
    this.client = deps.client ?? ((region) => rdsClient(region));
    this.reads = deps.reads ?? new PacedReads(RDS_READ_PACING);
  }

  replicatedBackup(region: string, sourceInstance: string): Promise<RestorableSource | undefined> {
    return readUnlessNotFound(
      'DescribeDBInstanceAutomatedBackups',
      'DBInstanceAutomatedBackupNotFoundFault',
      async () => {
        const out = await this.client(region).send(
          new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: sourceInstance }),
        );
        const replicated = (out.DBInstanceAutomatedBackups ?? []).find(
          (b) => b.Status === 'replicating' && b.DBInstanceAutomatedBackupsArn && b.RestoreWindow?.LatestTime,
        );
        if (!replicated?.DBInstanceAutomatedBackupsArn || !replicated.RestoreWindow?.LatestTime) return undefined;
        return {
          source: replicated.DBInstanceAutomatedBackupsArn,
          latestRestorableTime: replicated.RestoreWindow.LatestTime.toISOString(),
        };
      },
      this.reads,
    );
  }

  async clusterRestorable(region: string, cluster: string): Promise<RestorableSource | undefined> {
    const latest = (await readCluster(this.client(region), cluster, this.reads))?.LatestRestorableTime;
    return latest ? { source: cluster, latestRestorableTime: latest.toISOString() } : undefined;
  }

  async restoreInstance(
    region: string,
    source: string,
    restoreTime: string,
    target: RestoreTarget,
  ): Promise<'started' | 'exists'> {
    return startOnce('RestoreDBInstanceToPointInTime', 'DBInstanceAlreadyExistsFault', () =>
      this.client(region).send(
        new RestoreDBInstanceToPointInTimeCommand({
          SourceDBInstanceAutomatedBackupsArn: source,
          TargetDBInstanceIdentifier: target.identifier,
          RestoreTime: new Date(restoreTime),
          DBInstanceClass: target.instanceClass,
          DBSubnetGroupName: target.subnetGroup,
          VpcSecurityGroupIds: [target.securityGroup],
          PubliclyAccessible: false,
          MultiAZ: false,
          DeletionProtection: false,
          Tags: tagList(target.tags),
        }),
      ),
    );
  }

  async restoreCluster(
    region: string,
    source: string,
    restoreTime: string,
    target: RestoreTarget,
  ): Promise<'started' | 'exists'> {
    return startOnce('RestoreDBClusterToPointInTime', 'DBClusterAlreadyExistsFault', () =>
      this.client(region).send(
        new RestoreDBClusterToPointInTimeCommand({
          SourceDBClusterIdentifier: source,
          DBClusterIdentifier: target.identifier,
          RestoreToTime: new Date(restoreTime),
          // A copy-on-write clone shares the source's pages until written: quicker and cheaper for a test.
          RestoreType: 'copy-on-write',
          DBSubnetGroupName: target.subnetGroup,
          VpcSecurityGroupIds: [target.securityGroup],
          DeletionProtection: false,
          Tags: tagList(target.tags),
        }),
      ),
    );
  }

  async createClusterInstance(
    region: string,
    cluster: string,
    engine: string,
    target: Omit<RestoreTarget, 'subnetGroup' | 'securityGroup'>,
  ): Promise<'started' | 'exists'> {
    return startOnce('CreateDBInstance', 'DBInstanceAlreadyExistsFault', () =>
      this.client(region).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: target.identifier,
          DBClusterIdentifier: cluster,
          Engine: engine,
          DBInstanceClass: target.instanceClass,
          PubliclyAccessible: false,
          Tags: tagList(target.tags),
        }),
      ),
    );
  }

  async describeInstance(region: string, identifier: string): Promise<RestoredResource | undefined> {
    const found = await readInstance(this.client(region), identifier, this.reads);
    if (!found) return undefined;
    return {
      identifier: found.DBInstanceIdentifier ?? identifier,
      status: found.DBInstanceStatus ?? 'unknown',
      engine: found.Engine,
      endpoint: found.Endpoint?.Address
        ? { address: found.Endpoint.Address, port: found.Endpoint.Port ?? 5432 }
        : undefined,
      createdAt: found.InstanceCreateTime?.toISOString(),
      tags: tagMap(found.TagList),
    };
  }

  async describeCluster(region: string, identifier: string): Promise<RestoredResource | undefined> {
    const found = await readCluster(this.client(region), identifier, this.reads);
    if (!found) return undefined;
    return {
      identifier: found.DBClusterIdentifier ?? identifier,
      status: found.Status ?? 'unknown',
      engine: found.Engine,
      endpoint: found.Endpoint ? { address: found.Endpoint, port: found.Port ?? 5432 } : undefined,
      createdAt: found.ClusterCreateTime?.toISOString(),
      tags: tagMap(found.TagList),
    };
  }

  async deleteInstance(region: string, identifier: string): Promise<'deleting' | 'gone'> {
    try {
      await this.client(region).send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: identifier,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        }),
      );
      return 'deleting';
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'DBInstanceNotFoundFault') return 'gone';
      if (
        name === 'InvalidDBInstanceStateFault' &&
        (await this.describeInstance(region, identifier))?.status === 'deleting'
      ) {
        return 'deleting';
      }
      throw toSwitchbackError('rds', 'DeleteDBInstance', error);
    }
  }

  async deleteCluster(region: string, identifier: string): Promise<'deleting' | 'gone'> {
    try {
      await this.client(region).send(
        new DeleteDBClusterCommand({ DBClusterIdentifier: identifier, SkipFinalSnapshot: true }),
      );
      return 'deleting';
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'DBClusterNotFoundFault') return 'gone';
      if (
        name === 'InvalidDBClusterStateFault' &&
        (await this.describeCluster(region, identifier))?.status === 'deleting'
      ) {
        return 'deleting';
      }
      throw toSwitchbackError('rds', 'DeleteDBCluster', error);
    }
  }

  async listByPrefix(
    region: string,
    prefix: string,
  ): Promise<{ instances: RestoredResource[]; clusters: RestoredResource[] }> {
    const client = this.client(region);
    const instances: RestoredResource[] = [];
    const clusters: RestoredResource[] = [];
    try {
      let marker: string | undefined;
      do {
        const page = await client.send(new DescribeDBInstancesCommand({ Marker: marker }));
        for (const i of page.DBInstances ?? []) {
          if (!i.DBInstanceIdentifier?.startsWith(prefix)) continue;
          instances.push({
            identifier: i.DBInstanceIdentifier,
            status: i.DBInstanceStatus ?? 'unknown',
            createdAt: i.InstanceCreateTime?.toISOString(),
            tags: tagMap(i.TagList),
          });
        }
        marker = page.Marker;
      } while (marker);
      do {
        const page = await client.send(new DescribeDBClustersCommand({ Marker: marker }));
        for (const c of page.DBClusters ?? []) {
          if (!c.DBClusterIdentifier?.startsWith(prefix)) continue;
          clusters.push({
            identifier: c.DBClusterIdentifier,
            status: c.Status ?? 'unknown',
            createdAt: c.ClusterCreateTime?.toISOString(),
            tags: tagMap(c.TagList),
          });
        }
        marker = page.Marker;
      } while (marker);
    } catch (error) {
      throw toSwitchbackError('rds', 'DescribeDBInstances', error);
    }
    return { instances, clusters };
  }
}
