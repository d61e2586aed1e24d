import type { DBCluster, DBInstance, Filter, Tag } from '@aws-sdk/client-rds';
import type { Scheduler } from '../clock';
import { awsError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { AuroraModel } from './aurora';
import { type RdsModel, refuseInvalidIdentifier } from './rds';

/**
 * Point-in-time restores in the simulated world: RDS `RestoreDBInstanceToPointInTime` from the replicated automated
 * backups (by their ARN, in the backups' region), Aurora `RestoreDBClusterToPointInTime` plus `CreateDBInstance`,
 * and `DeleteDBInstance`/`DeleteDBCluster` without a final snapshot. Durations follow sim/timing.ts (`restore`),
 * scaled by allocated storage (RDS User Guide, "Replicating automated backups to another AWS Region": the duration
 * grows with storage and log replay). Statuses are functions of virtual time, so reading them never changes them.
 *
 * Failure modes: a missing replicated backup (DBInstanceAutomatedBackupNotFound), a restore time outside the
 * restore window (InvalidRestoreFault), an identifier already taken, a restore that ends in a failed status
 * (`incompatible-restore`, `incompatible-option-group`), and one that never becomes available. A region that is
 * down does not answer at all (the SDK plugin's connect timeout, as for every RDS call).
 */

/** How a restore in this world ends. */
export type RestoreOutcome = 'available' | 'incompatible-restore' | 'incompatible-option-group' | 'never-available';

/** What the scenario sets on restores. */
export interface RestoreFaults {
  /** How every restore ends (default "available"). */
  outcome?: RestoreOutcome;
  /** Allocated storage of the restored databases, GiB (default: the source backup's, 100 GiB for Aurora). */
  allocatedStorageGiB?: number;
  /**
   * Throwaways an earlier test left behind (its region did not answer at cleanup), created a day before the drill
   * with a deadline tag already past: an instance and an Aurora cluster, in the standby region.
   */
  leftovers?: boolean;
}

const DEFAULT_AURORA_STORAGE_GIB = 100;

interface Lifecycle {
  createdMs: number;
  /** When creation ends (available or the failed status); Infinity when it never does. */
  readyMs: number;
  outcome: RestoreOutcome;
  /** When DeleteDB* was accepted. */
  deleteRequestedMs?: number;
}

export interface RestoredInstance extends Lifecycle {
  identifier: string;
  region: string;
  arn: string;
  resourceId: string;
  endpoint: string;
  engine: string;
  instanceClass: string;
  allocatedStorageGiB: number;
  subnetGroup?: string;
  securityGroups: string[];
  tags: Tag[];
  /** The restored point (RDS instance restores only; an Aurora instance inherits its cluster's). */
  restoreTimeMs?: number;
  /** The restored Aurora cluster it belongs to. */
  clusterIdentifier?: string;
}

export interface RestoredCluster extends Lifecycle {
  identifier: string;
  region: string;
  arn: string;
  resourceId: string;
  endpoint: string;
  sourceIdentifier: string;
  restoreTimeMs: number;
  allocatedStorageGiB: number;
  subnetGroup?: string;
  securityGroups: string[];
  tags: Tag[];
}

const notFoundInstance = (identifier: string) =>
  awsError('RDSClient', { code: 'DBInstanceNotFound', message: `DBInstance ${identifier} not found.`, status: 404 });
const notFoundCluster = (identifier: string) =>
  awsError('RDSClient', { code: 'DBClusterNotFoundFault', message: `DBCluster ${identifier} not found.`, status: 404 });
const combination = (message: string) => awsError('RDSClient', { code: 'InvalidParameterCombination', message });

/** The restored instances and clusters of the world and the operations on them. */
export class RestoreModel {
  readonly instances: RestoredInstance[] = [];
  readonly clusters: RestoredCluster[] = [];
  private draws = 0;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly account: string,
    private readonly rds: RdsModel,
    private readonly aurora: AuroraModel,
    readonly faults: RestoreFaults = {},
  ) {}

  /** Seeds the scenario's leftovers (see RestoreFaults.leftovers) in `region`. */
  seedLeftovers(region: string, tags: Tag[]): void {
    const created = this.clock.now() - 86_400_000;
    const base = { region, createdMs: created, readyMs: created + 900_000, outcome: 'available' as const, tags };
    const id = 'sbrt-leftover-0000000000';
    this.instances.push({
      ...base,
      identifier: id,
      arn: `arn:aws:rds:${region}:${this.account}:db:${id}`,
      resourceId: 'db-LEFTOVER',
      endpoint: `${id}.leftover.${region}.rds.amazonaws.com`,
      engine: 'postgres',
      instanceClass: 'db.t4g.medium',
      allocatedStorageGiB: 100,
      securityGroups: [],
    });
    const cluster = 'sbrt-leftover-cluster-0000000000';
    this.clusters.push({
      ...base,
      identifier: cluster,
      arn: `arn:aws:rds:${region}:${this.account}:cluster:${cluster}`,
      resourceId: 'cluster-LEFTOVER',
      endpoint: `${cluster}.cluster-leftover.${region}.rds.amazonaws.com`,
      sourceIdentifier: 'unknown',
      restoreTimeMs: created,
      allocatedStorageGiB: 100,
      securityGroups: [],
    });
  }

  /** Status of a restored resource at `atMs`; undefined once it is gone. */
  statusAt(resource: Lifecycle, atMs: number): string | undefined {
    if (resource.deleteRequestedMs !== undefined && atMs >= resource.deleteRequestedMs) {
      return atMs < resource.deleteRequestedMs + this.timing.restore.deleteSeconds * 1000 ? 'deleting' : undefined;
    }
    if (atMs < resource.readyMs) return 'creating';
    return resource.outcome === 'available' ? 'available' : resource.outcome;
  }

  /** The restored instance `identifier` in `region` that still exists now. */
  findInstance(region: string, identifier: string): RestoredInstance | undefined {
    const now = this.clock.now();
    return this.instances.find(
      (i) =>
        i.region === region &&
        (i.identifier === identifier || i.arn === identifier) &&
        this.statusAt(i, now) !== undefined,
    );
  }

  /** The restored cluster `identifier` in `region` that still exists now. */
  findCluster(region: string, identifier: string): RestoredCluster | undefined {
    const now = this.clock.now();
    return this.clusters.find(
      (c) =>
        c.region === region &&
        (c.identifier === identifier || c.arn === identifier) &&
        this.statusAt(c, now) !== undefined,
    );
  }

  /**
   * RestoreDBInstanceToPointInTime from replicated automated backups (`SourceDBInstanceAutomatedBackupsArn`, in
   * `region`). Refuses like RDS: no such backups here, RestoreTime with UseLatestRestorableTime, a time outside
   * the restore window, a target identifier already taken.
   */
  restoreInstance(
    region: string,
    input: {
      SourceDBInstanceAutomatedBackupsArn?: string;
      TargetDBInstanceIdentifier?: string;
      RestoreTime?: Date;
      UseLatestRestorableTime?: boolean;
      DBInstanceClass?: string;
      DBSubnetGroupName?: string;
      VpcSecurityGroupIds?: string[];
      Tags?: Tag[];
    },
  ): DBInstance {
    const now = this.clock.now();
    const target = input.TargetDBInstanceIdentifier ?? '';
    refuseInvalidIdentifier('TargetDBInstanceIdentifier', target);
    if (!input.SourceDBInstanceAutomatedBackupsArn) {
      throw combination('This simulator restores from SourceDBInstanceAutomatedBackupsArn only; give the ARN.');
    }
    const [backup] = this.rds.describeAutomatedBackups(region, {
      DBInstanceAutomatedBackupsArn: input.SourceDBInstanceAutomatedBackupsArn,
    });
    if (!backup) throw combination('No automated backups.');
    const restoreTimeMs = this.pointInTime(
      input.RestoreTime,
      input.UseLatestRestorableTime,
      backup.RestoreWindow?.EarliestTime,
      backup.RestoreWindow?.LatestTime,
    );
    this.assertInstanceFree(region, target);
    const storage = this.faults.allocatedStorageGiB ?? backup.AllocatedStorage ?? DEFAULT_AURORA_STORAGE_GIB;
    const seconds = this.timing.restore.instanceBaseSeconds + this.timing.restore.instanceSecondsPerGiB * storage;
    const instance = this.newInstance(region, target, {
      engine: backup.Engine ?? 'postgres',
      instanceClass: input.DBInstanceClass ?? 'db.r6g.large',
      allocatedStorageGiB: storage,
      subnetGroup: input.DBSubnetGroupName,
      securityGroups: input.VpcSecurityGroupIds ?? [],
      tags: input.Tags ?? [],
      restoreTimeMs,
      durationSeconds: seconds,
    });
    return this.toDbInstance(instance, now);
  }

  /** RestoreDBClusterToPointInTime of a cluster in `region` (an Aurora global secondary restores in its region). */
  restoreCluster(
    region: string,
    input: {
      SourceDBClusterIdentifier?: string;
      DBClusterIdentifier?: string;
      RestoreToTime?: Date;
      UseLatestRestorableTime?: boolean;
      DBSubnetGroupName?: string;
      VpcSecurityGroupIds?: string[];
      Tags?: Tag[];
    },
  ): DBCluster {
    const now = this.clock.now();
    const source = input.SourceDBClusterIdentifier ?? '';
    const target = input.DBClusterIdentifier ?? '';
    refuseInvalidIdentifier('DBClusterIdentifier', target);
    const found = this.aurora.findCluster(region, source);
    if (!found) throw notFoundCluster(source);
    const latest = this.aurora.latestRestorableAt(found.global, found.cluster, now);
    const earliest = Math.max(found.cluster.createdMs, now - 7 * 86_400_000);
    const restoreTimeMs = this.pointInTime(
      input.RestoreToTime,
      input.UseLatestRestorableTime,
      new Date(earliest),
      new Date(latest),
    );
    if (this.findCluster(region, target) || this.aurora.findCluster(region, target)) {
      throw awsError('RDSClient', {
        code: 'DBClusterAlreadyExistsFault',
        message: `DB Cluster ${target} already exists`,
      });
    }
    const storage = this.faults.allocatedStorageGiB ?? DEFAULT_AURORA_STORAGE_GIB;
    const seconds = this.timing.restore.clusterBaseSeconds + this.timing.restore.clusterSecondsPerGiB * storage;
    const arn = `arn:aws:rds:${region}:${this.account}:cluster:${target}`;
    const resourceId = `cluster-${this.random.hexAt(`restored-cluster:${arn}`, this.draws, 26).toUpperCase()}`;
    const cluster: RestoredCluster = {
      identifier: target,
      region,
      arn,
      resourceId,
      endpoint: `${target}.cluster-c${resourceId.slice(8, 20).toLowerCase()}.${region}.rds.amazonaws.com`,
      sourceIdentifier: found.cluster.identifier,
      restoreTimeMs,
      allocatedStorageGiB: storage,
      subnetGroup: input.DBSubnetGroupName,
      securityGroups: input.VpcSecurityGroupIds ?? [],
      tags: input.Tags ?? [],
      createdMs: now,
      // A cluster restore never fails on its own here; the instance in it carries the scenario's outcome.
      readyMs: now + this.duration(`cluster:${arn}`, seconds),
      outcome: 'available',
    };
    this.clusters.push(cluster);
    return this.toDbCluster(cluster, now);
  }

  /** CreateDBInstance in a restored cluster (`DBClusterIdentifier`): the cluster must exist and be available. */
  createInstance(
    region: string,
    input: { DBInstanceIdentifier?: string; DBClusterIdentifier?: string; DBInstanceClass?: string; Tags?: Tag[] },
  ): DBInstance {
    const now = this.clock.now();
    const target = input.DBInstanceIdentifier ?? '';
    refuseInvalidIdentifier('DBInstanceIdentifier', target);
    const clusterId = input.DBClusterIdentifier;
    if (!clusterId) throw combination('This simulator creates instances in restored Aurora clusters only.');
    const cluster = this.findCluster(region, clusterId);
    if (!cluster) throw notFoundCluster(clusterId);
    const status = this.statusAt(cluster, now);
    if (status !== 'available') {
      throw awsError('RDSClient', {
        code: 'InvalidDBClusterStateFault',
        message: `DB cluster ${clusterId} is not in available state (current state: ${status}).`,
      });
    }
    this.assertInstanceFree(region, target);
    const instance = this.newInstance(region, target, {
      engine: 'aurora-postgresql',
      instanceClass: input.DBInstanceClass ?? 'db.r6g.large',
      allocatedStorageGiB: 1,
      subnetGroup: cluster.subnetGroup,
      securityGroups: cluster.securityGroups,
      tags: input.Tags ?? [],
      clusterIdentifier: cluster.identifier,
      durationSeconds: this.timing.restore.auroraInstanceSeconds,
    });
    return this.toDbInstance(instance, now);
  }

  /**
   * DeleteDBInstance. Only without a final snapshot here (SkipFinalSnapshot); the plan's own databases carry
   * deletion protection and are refused; an instance already deleting is refused as RDS does.
   */
  deleteInstance(region: string, input: { DBInstanceIdentifier?: string; SkipFinalSnapshot?: boolean }): DBInstance {
    const now = this.clock.now();
    const identifier = input.DBInstanceIdentifier ?? '';
    const instance = this.findInstance(region, identifier);
    if (!instance) {
      if (this.rds.find(region, identifier)) {
        throw combination('Cannot delete protected DB Instance, please disable deletion protection and try again.');
      }
      throw notFoundInstance(identifier);
    }
    if (input.SkipFinalSnapshot !== true) {
      throw combination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
    }
    if (this.statusAt(instance, now) === 'deleting') {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `Instance ${identifier} is already being deleted.`,
      });
    }
    instance.deleteRequestedMs = now;
    return this.toDbInstance(instance, now);
  }

  /** DeleteDBCluster without a final snapshot; refused while the cluster still has instances not being deleted. */
  deleteCluster(region: string, input: { DBClusterIdentifier?: string; SkipFinalSnapshot?: boolean }): DBCluster {
    const now = this.clock.now();
    const identifier = input.DBClusterIdentifier ?? '';
    const cluster = this.findCluster(region, identifier);
    if (!cluster) {
      if (this.aurora.findCluster(region, identifier)) {
        throw combination('Cannot delete protected Cluster, please disable deletion protection and try again.');
      }
      throw notFoundCluster(identifier);
    }
    if (input.SkipFinalSnapshot !== true) {
      throw combination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
    }
    const members = this.instances.filter(
      (i) => i.region === region && i.clusterIdentifier === cluster.identifier && this.statusAt(i, now) !== undefined,
    );
    if (members.some((i) => this.statusAt(i, now) !== 'deleting') || this.statusAt(cluster, now) === 'deleting') {
      throw awsError('RDSClient', {
        code: 'InvalidDBClusterStateFault',
        message: `Cluster ${identifier} cannot be deleted: it still contains DB instances in non-deleting state, or is already deleting.`,
      });
    }
    cluster.deleteRequestedMs = now;
    return this.toDbCluster(cluster, now);
  }

  /** The restored instances of `region` that exist now, as DescribeDBInstances shows them (filters as RDS). */
  describeInstances(region: string, filters?: Filter[]): DBInstance[] {
    const now = this.clock.now();
    let list = this.instances.filter((i) => i.region === region && this.statusAt(i, now) !== undefined);
    for (const filter of filters ?? []) {
      const values = filter.Values ?? [];
      if (filter.Name === 'db-instance-id')
        list = list.filter((i) => values.includes(i.identifier) || values.includes(i.arn));
      else if (filter.Name === 'db-cluster-id') list = list.filter((i) => values.includes(i.clusterIdentifier ?? ''));
      else if (filter.Name === 'dbi-resource-id') list = list.filter((i) => values.includes(i.resourceId));
    }
    return list.map((i) => this.toDbInstance(i, now));
  }

  /** One restored instance as DescribeDBInstances shows it. */
  describeInstance(instance: RestoredInstance): DBInstance {
    return this.toDbInstance(instance, this.clock.now());
  }

  /** The restored clusters of `region` that exist now, as DescribeDBClusters shows them. */
  describeClusters(region: string): DBCluster[] {
    const now = this.clock.now();
    return this.clusters
      .filter((c) => c.region === region && this.statusAt(c, now) !== undefined)
      .map((c) => this.toDbCluster(c, now));
  }

  /** One restored cluster as DescribeDBClusters shows it. */
  describeCluster(cluster: RestoredCluster): DBCluster {
    return this.toDbCluster(cluster, this.clock.now());
  }

  /** Restored resources that exist now (instances and clusters): what a test must leave at zero. */
  existing(): { instances: string[]; clusters: string[] } {
    const now = this.clock.now();
    return {
      instances: this.instances.filter((i) => this.statusAt(i, now) !== undefined).map((i) => i.identifier),
      clusters: this.clusters.filter((c) => this.statusAt(c, now) !== undefined).map((c) => c.identifier),
    };
  }

  /** Restored resources that exist and whose deletion nobody asked for: what a finished test must leave empty. */
  undeleted(): string[] {
    const now = this.clock.now();
    return [...this.instances, ...this.clusters]
      .filter((r) => r.deleteRequestedMs === undefined && this.statusAt(r, now) !== undefined)
      .map((r) => r.identifier);
  }

  private pointInTime(
    restoreTime: Date | undefined,
    useLatest: boolean | undefined,
    earliest: Date | undefined,
    latest: Date | undefined,
  ): number {
    if (restoreTime !== undefined && useLatest === true) {
      throw combination('Cannot specify both RestoreTime and UseLatestRestorableTime.');
    }
    if (restoreTime === undefined && useLatest !== true) {
      throw combination('Specify RestoreTime or UseLatestRestorableTime.');
    }
    if (!latest) {
      throw awsError('RDSClient', {
        code: 'PointInTimeRestoreNotEnabled',
        message: 'Point-in-time restore is not available: the backups have no restorable time.',
      });
    }
    const at = restoreTime ? new Date(restoreTime).getTime() : latest.getTime();
    if (at > latest.getTime() || (earliest && at < earliest.getTime())) {
      throw awsError('RDSClient', {
        code: 'InvalidRestoreFault',
        message: `The restore time ${new Date(at).toISOString()} is outside the restore window (${earliest?.toISOString()} to ${latest.toISOString()}).`,
      });
    }
    return at;
  }

  private assertInstanceFree(region: string, identifier: string): void {
    if (this.findInstance(region, identifier) || this.rds.find(region, identifier)) {
      throw awsError('RDSClient', {
        code: 'DBInstanceAlreadyExists',
        message: `DB instance already exists: ${identifier}`,
      });
    }
  }

  private duration(key: string, seconds: number): number {
    const draw = this.random.at(`restore:${key}`, this.draws++);
    return Math.round(seconds * (1 + this.timing.restore.jitter * (2 * draw - 1)) * 1000);
  }

  private newInstance(
    region: string,
    identifier: string,
    options: Omit<RestoredInstance, 'identifier' | 'region' | 'arn' | 'resourceId' | 'endpoint' | keyof Lifecycle> & {
      durationSeconds: number;
    },
  ): RestoredInstance {
    const now = this.clock.now();
    const { durationSeconds, ...rest } = options;
    const arn = `arn:aws:rds:${region}:${this.account}:db:${identifier}`;
    const outcome = this.faults.outcome ?? 'available';
    const instance: RestoredInstance = {
      ...rest,
      identifier,
      region,
      arn,
      resourceId: `db-${this.random.hexAt(`restored:${arn}`, this.draws, 26).toUpperCase()}`,
      endpoint: `${identifier}.c${this.random.hexAt(`endpoint:${this.account}:${region}`, 0, 12)}.${region}.rds.amazonaws.com`,
      createdMs: now,
      readyMs: outcome === 'never-available' ? Number.POSITIVE_INFINITY : now + this.duration(arn, durationSeconds),
      outcome,
    };
    this.instances.push(instance);
    return instance;
  }

  private toDbInstance(instance: RestoredInstance, now: number): DBInstance {
    const status = this.statusAt(instance, now) ?? 'deleting';
    return {
      DBInstanceIdentifier: instance.identifier,
      DBInstanceArn: instance.arn,
      DbiResourceId: instance.resourceId,
      DBInstanceClass: instance.instanceClass,
      Engine: instance.engine,
      EngineVersion: '16.4',
      DBInstanceStatus: status,
      // RDS gives the endpoint once the instance is reachable.
      Endpoint: status === 'available' ? { Address: instance.endpoint, Port: 5432 } : undefined,
      AllocatedStorage: instance.allocatedStorageGiB,
      InstanceCreateTime: new Date(instance.createdMs),
      DBSubnetGroup: instance.subnetGroup ? { DBSubnetGroupName: instance.subnetGroup } : undefined,
      VpcSecurityGroups: instance.securityGroups.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
      TagList: instance.tags,
      DBClusterIdentifier: instance.clusterIdentifier,
      PubliclyAccessible: false,
      MultiAZ: false,
      DeletionProtection: false,
      StorageEncrypted: true,
      BackupRetentionPeriod: 1,
      AvailabilityZone: `${instance.region}a`,
    };
  }

  private toDbCluster(cluster: RestoredCluster, now: number): DBCluster {
    const status = this.statusAt(cluster, now) ?? 'deleting';
    return {
      DBClusterIdentifier: cluster.identifier,
      DBClusterArn: cluster.arn,
      DbClusterResourceId: cluster.resourceId,
      Status: status,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      EngineMode: 'provisioned',
      Endpoint: cluster.endpoint,
      Port: 5432,
      ClusterCreateTime: new Date(cluster.createdMs),
      DBSubnetGroup: cluster.subnetGroup,
      VpcSecurityGroups: cluster.securityGroups.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
      TagList: cluster.tags,
      DeletionProtection: false,
      StorageEncrypted: true,
      AllocatedStorage: cluster.allocatedStorageGiB,
      DBClusterMembers: this.instances
        .filter((i) => i.clusterIdentifier === cluster.identifier && this.statusAt(i, now) !== undefined)
        .map((i) => ({ DBInstanceIdentifier: i.identifier, IsClusterWriter: true })),
    };
  }
}
