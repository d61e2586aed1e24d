import {
  type DBClusterAutomatedBackup,
  type DBInstanceAutomatedBackup,
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  type RDSClient,
  StopDBInstanceCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import type { DbClusterState, DbInstanceState, GlobalClusterState, RdsPort } from '../domain/ports';
import { toSwitchbackError } from './aws-errors';
import { PacedReads } from './paced-reads';
import { RDS_READ_PACING, readUnlessNotFound } from './rds-calls';
import { rdsClient } from './sdk/rds';

/** `arn:aws:rds:us-west-2:123456789012:cluster:catalog-west` -> region and the last part (the identifier). */
const parseRdsArn = (arn: string): { region: string; identifier: string } => {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', identifier: parts.slice(6).join(':') || arn };
};

const iso = (date: Date | undefined): string | undefined => (date ? date.toISOString() : undefined);

const newest = (times: (Date | undefined)[]): string | undefined => {
  const known = times.filter((time): time is Date => time instanceof Date);
  if (known.length === 0) return undefined;
  return new Date(Math.max(...known.map((time) => time.getTime()))).toISOString();
};

/**
 * RdsPort over the RDS API. Every call names its region: the failover path talks to the standby region only
 * (the global-cluster calls too, which any region of the global cluster serves), so that it never waits on the
 * region it recovers from. "Not found" answers become `undefined`; throttling becomes ThrottledError
 * (toSwitchbackError); every other error keeps its AWS name for the use case to judge.
 */
export class RdsAdapter implements RdsPort {
  private readonly client: (region: string) => RDSClient;
  private readonly reads: PacedReads;

  /**
   * @param deps.client - the RDS client of a region; defaults to the shared clients (built once per region).
   * @param deps.reads - how reads are paced; defaults to the adapter's own (RDS_READ_PACING).
   */
  constructor(deps: { client?: (region: string) => RDSClient; reads?: PacedReads } = {}) {
    this.client = deps.client ?? ((region) => rdsClient(region));
    this.reads = deps.reads ?? new PacedReads(RDS_READ_PACING);
  }

  describeInstance(region: string, identifier: string): Promise<DbInstanceState | undefined> {
    return readUnlessNotFound(
      'DescribeDBInstances',
      'DBInstanceNotFoundFault',
      async () => {
        const out = await this.client(region).send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
        );
        const instance = out.DBInstances?.[0];
        if (!instance) return undefined;
        return {
          identifier: instance.DBInstanceIdentifier ?? identifier,
          arn: instance.DBInstanceArn,
          status: instance.DBInstanceStatus ?? 'unknown',
          replicationSource: instance.ReadReplicaSourceDBInstanceIdentifier || undefined,
          backupRetentionPeriod: instance.BackupRetentionPeriod ?? 0,
          latestRestorableTime: iso(instance.LatestRestorableTime),
        };
      },
      this.reads,
    );
  }

  async promoteReadReplica(region: string, identifier: string, backupRetentionPeriod: number): Promise<void> {
    try {
      await this.client(region).send(
        new PromoteReadReplicaCommand({
          DBInstanceIdentifier: identifier,
          BackupRetentionPeriod: backupRetentionPeriod,
        }),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'PromoteReadReplica', error);
    }
  }

  async stopInstance(region: string, identifier: string): Promise<void> {
    try {
      await this.client(region).send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    } catch (error) {
      throw toSwitchbackError('rds', 'StopDBInstance', error);
    }
  }

  describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined> {
    return readUnlessNotFound(
      'DescribeGlobalClusters',
      'GlobalClusterNotFoundFault',
      async () => {
        const out = await this.client(region).send(
          new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: identifier }),
        );
        const global = out.GlobalClusters?.[0];
        if (!global) return undefined;
        const failover = global.FailoverState;
        return {
          identifier: global.GlobalClusterIdentifier ?? identifier,
          status: global.Status ?? 'unknown',
          ...(global.EngineVersion ? { engineVersion: global.EngineVersion } : {}),
          members: (global.GlobalClusterMembers ?? []).flatMap((member) => {
            if (!member.DBClusterArn) return [];
            const { region: memberRegion, identifier: clusterIdentifier } = parseRdsArn(member.DBClusterArn);
            return [
              {
                clusterArn: member.DBClusterArn,
                clusterIdentifier,
                region: memberRegion,
                isWriter: member.IsWriter === true,
                ...(member.SynchronizationStatus ? { synchronizationStatus: member.SynchronizationStatus } : {}),
              },
            ];
          }),
          failoverState: failover?.Status
            ? {
                status: failover.Status,
                fromClusterArn: failover.FromDbClusterArn,
                toClusterArn: failover.ToDbClusterArn,
                isDataLossAllowed: failover.IsDataLossAllowed,
              }
            : undefined,
        };
      },
      this.reads,
    );
  }

  describeCluster(region: string, identifier: string): Promise<DbClusterState | undefined> {
    return readUnlessNotFound(
      'DescribeDBClusters',
      'DBClusterNotFoundFault',
      async () => {
        const out = await this.client(region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
        const cluster = out.DBClusters?.[0];
        if (!cluster) return undefined;
        return {
          identifier: cluster.DBClusterIdentifier ?? identifier,
          arn: cluster.DBClusterArn ?? '',
          status: cluster.Status ?? 'unknown',
          ...(cluster.EngineVersion ? { engineVersion: cluster.EngineVersion } : {}),
          backupRetentionPeriod: cluster.BackupRetentionPeriod ?? 0,
          latestRestorableTime: iso(cluster.LatestRestorableTime),
        };
      },
      this.reads,
    );
  }

  /** Unplanned failover: the secondary becomes the writer at once; writes not yet replicated are lost. */
  async failoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    try {
      await this.client(region).send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalCluster,
          TargetDbClusterIdentifier: targetClusterArn,
          AllowDataLoss: true,
        }),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'FailoverGlobalCluster', error);
    }
  }

  /** Planned switchover: waits for the secondary to catch up (RPO 0); needs the primary region to answer. */
  async switchoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    try {
      await this.client(region).send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalCluster,
          TargetDbClusterIdentifier: targetClusterArn,
        }),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'SwitchoverGlobalCluster', error);
    }
  }

  /**
   * Backups replicated into `region` from another region's instance or cluster (cross-Region automated backup
   * replication): the newest `RestoreWindow.LatestTime` of those whose source is `sourceArn`.
   */
  async latestReplicatedBackup(region: string, sourceArn: string): Promise<string | undefined> {
    return sourceArn.includes(':cluster:')
      ? this.latestClusterBackup(region, sourceArn)
      : this.latestInstanceBackup(region, sourceArn);
  }

  private async latestInstanceBackup(region: string, sourceArn: string): Promise<string | undefined> {
    const operation = 'DescribeDBInstanceAutomatedBackups';
    const backups = await readUnlessNotFound(
      operation,
      'DBInstanceAutomatedBackupNotFoundFault',
      async () => {
        const pages: DBInstanceAutomatedBackup[] = [];
        let marker: string | undefined;
        do {
          const out = await this.client(region).send(
            new DescribeDBInstanceAutomatedBackupsCommand({
              Filters: [{ Name: 'db-instance-id', Values: [sourceArn] }],
              Marker: marker,
            }),
          );
          pages.push(...(out.DBInstanceAutomatedBackups ?? []));
          marker = out.Marker;
        } while (marker);
        return pages;
      },
      this.reads,
    );
    // The filter accepts identifiers too; keep only the backups whose source is exactly this ARN.
    return newest(
      (backups ?? [])
        .filter((backup) => backup.DBInstanceArn === sourceArn)
        .map((backup) => backup.RestoreWindow?.LatestTime),
    );
  }

  private async latestClusterBackup(region: string, sourceArn: string): Promise<string | undefined> {
    const operation = 'DescribeDBClusterAutomatedBackups';
    const backups = await readUnlessNotFound(
      operation,
      'DBClusterAutomatedBackupNotFoundFault',
      async () => {
        const pages: DBClusterAutomatedBackup[] = [];
        let marker: string | undefined;
        do {
          const out = await this.client(region).send(
            new DescribeDBClusterAutomatedBackupsCommand({
              Filters: [{ Name: 'db-cluster-id', Values: [sourceArn] }],
              Marker: marker,
            }),
          );
          pages.push(...(out.DBClusterAutomatedBackups ?? []));
          marker = out.Marker;
        } while (marker);
        return pages;
      },
      this.reads,
    );
    return newest(
      (backups ?? [])
        .filter((backup) => backup.DBClusterArn === sourceArn)
        .map((backup) => backup.RestoreWindow?.LatestTime),
    );
  }
}
