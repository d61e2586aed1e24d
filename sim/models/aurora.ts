import type {
  CreateDBClusterCommandInput,
  CreateDBInstanceCommandInput,
  DBCluster,
  DBClusterAutomatedBackup,
  DBInstance,
  Filter,
  GlobalCluster,
} from '@aws-sdk/client-rds';
import type { Scheduler } from '../clock';
import { awsError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { Regions } from './health';
import { HISTORY_MS, refuseInvalidIdentifier } from './rds';

/**
 * Aurora global databases: a global cluster whose writer cluster is in the primary region and a secondary cluster
 * in the standby region; FailoverGlobalCluster (AllowDataLoss: RPO = lag at failure) and SwitchoverGlobalCluster
 * (RPO 0, needs the primary reachable) make the secondary the writer after the modelled time, with
 * GlobalCluster.FailoverState set meanwhile (Aurora User Guide, "Disaster recovery for Aurora global databases").
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface AuroraCluster {
  identifier: string;
  region: string;
  arn: string;
  resourceId: string;
  createdMs: number;
  restorePhaseMs: number;
  /** A secondary added by CreateDBCluster: `creating` until then. */
  availableMs?: number;
  kmsKeyId?: string;
}

/** An instance of a secondary cluster added by CreateDBInstance (the plan's own clusters' instances are not modelled). */
export interface AuroraInstance {
  identifier: string;
  region: string;
  clusterIdentifier: string;
  instanceClass: string;
  createdMs: number;
  availableMs: number;
}

export interface GlobalOperation {
  kind: 'failover' | 'switchover';
  fromArn: string;
  toArn: string;
  startedMs: number;
  doneMs: number;
  /** Secondary lag when the operation began, ms: the data a failover loses (0 for a switchover). */
  dataLossMs: number;
}

export interface AuroraFaults {
  /** Fixed AuroraGlobalDBRPOLag in ms, instead of the seeded < 1 s. */
  lagMs?: number;
  /** LatestRestorableTime stuck this many seconds before the drill start. */
  staleBackupsSeconds?: number;
}

export class AuroraGlobal {
  /** Members in creation order; the writer is `writerArn`. */
  readonly members: AuroraCluster[];
  writerArn: string;
  readonly operations: GlobalOperation[] = [];

  constructor(
    readonly identifier: string,
    readonly arn: string,
    readonly resourceId: string,
    primary: AuroraCluster,
    secondary: AuroraCluster,
    /** Seeded durations, ms. */
    readonly failoverMs: number,
    readonly switchoverMs: number,
    readonly faults: AuroraFaults,
  ) {
    this.members = [primary, secondary];
    this.writerArn = primary.arn;
  }

  /** The operation in progress at `atMs`, if any. */
  operationAt(atMs: number): GlobalOperation | undefined {
    return this.operations.find((op) => op.startedMs <= atMs && atMs < op.doneMs);
  }

  /** The writer's ARN at `atMs`: operations complete on their own when their time comes. */
  writerAt(atMs: number): string {
    let writer = this.writerArn;
    for (const op of this.operations) if (op.doneMs <= atMs) writer = op.toArn;
    return writer;
  }
}

/**
 * A cluster taken out of its global cluster (RemoveFromGlobalCluster): it stays, a standalone cluster that no longer
 * replicates and takes writes (Aurora User Guide, "Removing a cluster from an Amazon Aurora global database": a
 * secondary removed becomes a standalone, writable cluster), and never rejoins by itself.
 */
export interface DetachedCluster {
  cluster: AuroraCluster;
  /** The global cluster it was taken out of (its backups keep their cadence). */
  from: AuroraGlobal;
  detachedMs: number;
}

export class AuroraModel {
  readonly globals: AuroraGlobal[] = [];
  readonly instances: AuroraInstance[] = [];
  readonly detached: DetachedCluster[] = [];

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly regions: Regions,
    private readonly account: string,
    private readonly t0Ms: number,
  ) {}

  /** Adds a global cluster with its two members. Draws both operation durations from the stream. */
  addGlobal(
    identifier: string,
    primary: { cluster: string; region: string },
    secondary: { cluster: string; region: string },
    faults: AuroraFaults,
  ): AuroraGlobal {
    const { aurora } = this.timing;
    const failoverMs = Math.round(this.random.jitter(aurora.failoverSeconds, aurora.jitter) * 1000);
    const switchoverMs = Math.round(this.random.jitter(aurora.switchoverSeconds, aurora.jitter) * 1000);
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const cluster = (ref: { cluster: string; region: string }): AuroraCluster => {
      const arn = `arn:aws:rds:${ref.region}:${this.account}:cluster:${ref.cluster}`;
      return {
        identifier: ref.cluster,
        region: ref.region,
        arn,
        resourceId: `cluster-${this.random.hexAt(`cluster:${arn}`, 0, 26).toUpperCase()}`,
        createdMs: this.t0Ms - 90 * DAY_MS,
        restorePhaseMs: Math.floor(this.random.next() * cadenceMs),
      };
    };
    const global = new AuroraGlobal(
      identifier,
      `arn:aws:rds::${this.account}:global-cluster:${identifier}`,
      `cluster-${this.random.hexAt(`global:${identifier}`, 0, 26)}`,
      cluster(primary),
      cluster(secondary),
      failoverMs,
      switchoverMs,
      faults,
    );
    this.globals.push(global);
    return global;
  }

  /** The global cluster that has a member `identifier` in `region`. */
  findCluster(region: string, identifier: string): { global: AuroraGlobal; cluster: AuroraCluster } | undefined {
    for (const global of this.globals) {
      const cluster = global.members.find(
        (m) => m.region === region && (m.identifier === identifier || m.arn === identifier),
      );
      if (cluster) return { global, cluster };
    }
    return undefined;
  }

  /**
   * AuroraGlobalDBRPOLag of a secondary in ms at `atMs`: seeded per minute (< 1 s) or fixed by the scenario;
   * frozen at its last value while the writer's region is down or once an operation has begun.
   */
  lagMsAt(global: AuroraGlobal, atMs: number): number {
    const writer = global.members.find((m) => m.arn === global.writerAt(atMs));
    let effective = atMs;
    const outage = writer ? this.regions.outageAt(writer.region, atMs) : undefined;
    if (outage) effective = Math.min(effective, outage.fromMs - 1);
    const started = global.operations.find((op) => op.startedMs <= effective);
    if (started) effective = started.startedMs - 1;
    if (global.faults.lagMs !== undefined) return global.faults.lagMs;
    return Math.round(
      this.random.betweenAt(
        `aurora-lag:${global.arn}`,
        Math.floor(effective / MINUTE_MS),
        this.timing.aurora.lagMinMs,
        this.timing.aurora.lagMaxMs,
      ),
    );
  }

  /** AuroraGlobalDBRPOLag datapoint of `cluster` for a minute: published while it is a secondary. */
  rpoLagSample(global: AuroraGlobal, cluster: AuroraCluster, minuteStartMs: number): number | undefined {
    if (minuteStartMs < this.t0Ms - HISTORY_MS) return undefined;
    if (global.writerAt(minuteStartMs) === cluster.arn) return undefined;
    if (global.operationAt(minuteStartMs)) return undefined;
    return this.lagMsAt(global, minuteStartMs);
  }

  /** DescribeGlobalClusters: one (GlobalClusterNotFoundFault if absent) or all. */
  describeGlobal(identifier?: string): GlobalCluster[] {
    const now = this.clock.now();
    let list = this.globals;
    if (identifier !== undefined) {
      list = list.filter((g) => g.identifier === identifier || g.arn === identifier);
      if (list.length === 0) {
        throw awsError('RDSClient', {
          code: 'GlobalClusterNotFoundFault',
          message: `Global cluster ${identifier} not found.`,
          status: 404,
        });
      }
    }
    return list.map((global) => this.toGlobalCluster(global, now));
  }

  /**
   * FailoverGlobalCluster. With AllowDataLoss, an unplanned failover; otherwise (or with Switchover) a switchover,
   * as the API documents. Refuses when the target is not a secondary member or an operation is under way.
   */
  failover(identifier: string, target: string, allowDataLoss: boolean, switchover: boolean): GlobalCluster {
    return this.begin(identifier, target, allowDataLoss && !switchover ? 'failover' : 'switchover');
  }

  /** SwitchoverGlobalCluster. */
  switchover(identifier: string, target: string): GlobalCluster {
    return this.begin(identifier, target, 'switchover');
  }

  /**
   * CreateDBCluster with GlobalClusterIdentifier: a new secondary cluster in `region`, `creating` for
   * timing.aurora.secondaryClusterSeconds. It replicates once its first instance is available (Aurora User Guide,
   * "Adding an AWS Region to an Amazon Aurora global database"). Refuses like RDS: an invalid name
   * (InvalidParameterValue), a taken name
   * (DBClusterAlreadyExistsFault), an unknown global cluster, a region that already has a member, and an encrypted
   * global database without a KmsKeyId of the new region.
   */
  createSecondary(region: string, input: CreateDBClusterCommandInput): DBCluster {
    const now = this.clock.now();
    const identifier = String(input.DBClusterIdentifier ?? '');
    refuseInvalidIdentifier('DBClusterIdentifier', identifier);
    const global = this.globals.find((g) => g.identifier === input.GlobalClusterIdentifier);
    if (!global) {
      throw awsError('RDSClient', {
        code: 'GlobalClusterNotFoundFault',
        message: `Global cluster ${input.GlobalClusterIdentifier} not found.`,
        status: 404,
      });
    }
    if (this.findCluster(region, identifier)) {
      throw awsError('RDSClient', { code: 'DBClusterAlreadyExistsFault', message: 'DB Cluster already exists' });
    }
    if (global.members.some((m) => m.region === region)) {
      throw awsError('RDSClient', {
        code: 'InvalidGlobalClusterStateFault',
        message: `Global cluster ${global.identifier} already has a member in ${region}.`,
      });
    }
    // The modelled global databases are encrypted (StorageEncrypted true).
    if (!input.KmsKeyId) {
      throw awsError('RDSClient', {
        code: 'InvalidParameterCombination',
        message: `A KMS key of ${region} is required to add a secondary cluster to the encrypted global cluster ${global.identifier}.`,
      });
    }
    const arn = `arn:aws:rds:${region}:${this.account}:cluster:${identifier}`;
    const cluster: AuroraCluster = {
      identifier,
      region,
      arn,
      resourceId: `cluster-${this.random.hexAt(`cluster:${arn}`, 0, 26).toUpperCase()}`,
      createdMs: now,
      restorePhaseMs: Math.floor(this.random.next() * this.timing.rds.restorableCadenceSeconds * 1000),
      availableMs: now + this.timing.aurora.secondaryClusterSeconds * 1000,
      kmsKeyId: input.KmsKeyId,
    };
    global.members.push(cluster);
    return this.toDbCluster(global, cluster, now);
  }

  /** CreateDBInstance in a cluster of a global database: the cluster must be available; the name valid and free. */
  createInstance(region: string, input: CreateDBInstanceCommandInput): DBInstance {
    const now = this.clock.now();
    const identifier = String(input.DBInstanceIdentifier ?? '');
    refuseInvalidIdentifier('DBInstanceIdentifier', identifier);
    const found = this.findCluster(region, String(input.DBClusterIdentifier ?? ''));
    if (!found) {
      throw awsError('RDSClient', {
        code: 'DBClusterNotFoundFault',
        message: `DBCluster ${input.DBClusterIdentifier} not found.`,
        status: 404,
      });
    }
    if (this.findInstance(region, identifier)) {
      throw awsError('RDSClient', {
        code: 'DBInstanceAlreadyExists',
        message: `DB instance already exists: ${identifier}`,
      });
    }
    if (found.cluster.availableMs !== undefined && now < found.cluster.availableMs) {
      throw awsError('RDSClient', {
        code: 'InvalidDBClusterStateFault',
        message: `DB cluster ${found.cluster.identifier} is not in available state (current state: creating).`,
      });
    }
    const instance: AuroraInstance = {
      identifier,
      region,
      clusterIdentifier: found.cluster.identifier,
      instanceClass: input.DBInstanceClass ?? 'db.r6g.large',
      createdMs: now,
      availableMs: now + this.timing.aurora.secondaryInstanceSeconds * 1000,
    };
    this.instances.push(instance);
    return this.toDbInstance(instance, now);
  }

  /**
   * Takes a member out of its global cluster, as RemoveFromGlobalCluster does (a person detaching the old primary,
   * e.g. to keep it apart): it stays as a standalone cluster that takes writes (DetachedCluster) and never rejoins.
   * The writer cannot be taken out here (Aurora removes the primary only as the last member).
   */
  detach(globalIdentifier: string, clusterIdentifier: string): void {
    const global = this.globals.find((g) => g.identifier === globalIdentifier);
    const index = global?.members.findIndex((m) => m.identifier === clusterIdentifier) ?? -1;
    const cluster = global?.members[index];
    if (!global || !cluster) return;
    if (global.writerAt(this.clock.now()) === cluster.arn) {
      throw new RangeError(`${clusterIdentifier} is the writer of ${globalIdentifier}: detach a secondary`);
    }
    global.members.splice(index, 1);
    this.detached.push({ cluster, from: global, detachedMs: this.clock.now() });
  }

  /** Deletes a standalone cluster (DeleteDBCluster of a detached one): it is gone. */
  deleteDetached(region: string, identifier: string): void {
    const index = this.detached.findIndex((d) => d.cluster.region === region && d.cluster.identifier === identifier);
    if (index >= 0) this.detached.splice(index, 1);
  }

  /** The standalone cluster `identifier` in `region`, if one was detached. */
  findDetached(region: string, identifier: string): DetachedCluster | undefined {
    return this.detached.find(
      (d) => d.cluster.region === region && (d.cluster.identifier === identifier || d.cluster.arn === identifier),
    );
  }

  /** An instance added by CreateDBInstance, if any. */
  findInstance(region: string, identifier: string): AuroraInstance | undefined {
    return this.instances.find((i) => i.region === region && i.identifier === identifier);
  }

  toDbInstance(instance: AuroraInstance, now: number): DBInstance {
    return {
      DBInstanceIdentifier: instance.identifier,
      DBInstanceArn: `arn:aws:rds:${instance.region}:${this.account}:db:${instance.identifier}`,
      DBInstanceClass: instance.instanceClass,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DBInstanceStatus: now < instance.availableMs ? 'creating' : 'available',
      DBClusterIdentifier: instance.clusterIdentifier,
      InstanceCreateTime: new Date(instance.createdMs),
      StorageEncrypted: true,
      DeletionProtection: false,
    };
  }

  /** Whether a member replicates: the plan's clusters do; a new secondary once its first instance is available. */
  private replicatesAt(cluster: AuroraCluster, now: number): boolean {
    if (cluster.availableMs === undefined) return true;
    return this.instances.some(
      (i) => i.region === cluster.region && i.clusterIdentifier === cluster.identifier && now >= i.availableMs,
    );
  }

  /** DescribeDBClusters in `region`: one (DBClusterNotFoundFault if absent) or all. */
  describeClusters(region: string, identifier?: string): DBCluster[] {
    const now = this.clock.now();
    const out: DBCluster[] = [];
    for (const global of this.globals) {
      for (const cluster of global.members) {
        if (cluster.region !== region) continue;
        if (identifier !== undefined && cluster.identifier !== identifier && cluster.arn !== identifier) continue;
        out.push(this.toDbCluster(global, cluster, now));
      }
    }
    for (const { cluster, from } of this.detached) {
      if (cluster.region !== region) continue;
      if (identifier !== undefined && cluster.identifier !== identifier && cluster.arn !== identifier) continue;
      // Standalone: no global cluster, available, its own writer.
      const { GlobalClusterIdentifier: _global, ...standalone } = this.toDbCluster(from, cluster, now);
      out.push({ ...standalone, Status: 'available' });
    }
    if (identifier !== undefined && out.length === 0) {
      throw awsError('RDSClient', {
        code: 'DBClusterNotFoundFault',
        message: `DBCluster ${identifier} not found.`,
        status: 404,
      });
    }
    return out;
  }

  /** DescribeDBClusterAutomatedBackups in `region`: the automated backups of the clusters there. */
  describeClusterBackups(
    region: string,
    input: { DBClusterIdentifier?: string; DbClusterResourceId?: string; Filters?: Filter[] },
  ): DBClusterAutomatedBackup[] {
    const now = this.clock.now();
    const out: DBClusterAutomatedBackup[] = [];
    for (const global of this.globals) {
      for (const cluster of global.members) {
        if (cluster.region !== region) continue;
        if (input.DBClusterIdentifier && input.DBClusterIdentifier !== cluster.identifier) continue;
        if (input.DbClusterResourceId && input.DbClusterResourceId !== cluster.resourceId) continue;
        const latest = this.latestRestorableAt(global, cluster, now);
        out.push({
          Engine: 'aurora-postgresql',
          EngineVersion: '16.4',
          DBClusterIdentifier: cluster.identifier,
          DBClusterArn: cluster.arn,
          DbClusterResourceId: cluster.resourceId,
          Region: cluster.region,
          RestoreWindow: {
            EarliestTime: new Date(Math.max(cluster.createdMs, now - 7 * DAY_MS)),
            LatestTime: new Date(latest),
          },
          Status: 'active',
          ClusterCreateTime: new Date(cluster.createdMs),
          BackupRetentionPeriod: 7,
          StorageEncrypted: true,
          DBClusterAutomatedBackupsArn: `arn:aws:rds:${cluster.region}:${this.account}:cluster-auto-backup:cluster-ab-${cluster.resourceId.slice(8).toLowerCase()}`,
        });
      }
    }
    let list = out;
    for (const filter of input.Filters ?? []) {
      const values = filter.Values ?? [];
      if (filter.Name === 'db-cluster-id') {
        list = list.filter(
          (b) => values.includes(b.DBClusterIdentifier ?? '') || values.includes(b.DBClusterArn ?? ''),
        );
      } else if (filter.Name === 'db-cluster-resource-id') {
        list = list.filter((b) => values.includes(b.DbClusterResourceId ?? ''));
      } else if (filter.Name === 'status') list = list.filter((b) => values.includes(b.Status ?? ''));
    }
    return list;
  }

  /** Aurora keeps LatestRestorableTime on the same cadence as RDS (within 5 min), or stuck when stale. */
  latestRestorableAt(global: AuroraGlobal, cluster: AuroraCluster, atMs: number): number {
    if (global.faults.staleBackupsSeconds !== undefined) return this.t0Ms - global.faults.staleBackupsSeconds * 1000;
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    return atMs - ((((atMs - cluster.restorePhaseMs) % cadenceMs) + cadenceMs) % cadenceMs);
  }

  private begin(identifier: string, target: string, kind: GlobalOperation['kind']): GlobalCluster {
    const now = this.clock.now();
    const global = this.globals.find((g) => g.identifier === identifier || g.arn === identifier);
    if (!global) {
      throw awsError('RDSClient', {
        code: 'GlobalClusterNotFoundFault',
        message: `Global cluster ${identifier} not found.`,
        status: 404,
      });
    }
    const to = global.members.find((m) => m.arn === target || m.identifier === target);
    if (!to) {
      throw awsError('RDSClient', {
        code: 'DBClusterNotFoundFault',
        message: `DBCluster ${target} is not a member of global cluster ${identifier}.`,
        status: 404,
      });
    }
    if (global.operationAt(now)) {
      throw awsError('RDSClient', {
        code: 'InvalidGlobalClusterStateFault',
        message: `Global cluster ${identifier} is already failing over.`,
      });
    }
    const writerArn = global.writerAt(now);
    if (writerArn === to.arn) {
      throw awsError('RDSClient', {
        code: 'InvalidGlobalClusterStateFault',
        message: `DBCluster ${to.identifier} is already the primary cluster of global cluster ${identifier}.`,
      });
    }
    const from = global.members.find((m) => m.arn === writerArn);
    if (kind === 'switchover' && from && this.regions.isDown(from.region, now)) {
      throw awsError('RDSClient', {
        code: 'InvalidGlobalClusterStateFault',
        message: `The primary cluster ${from.identifier} is unavailable: a switchover needs it; use FailoverGlobalCluster with AllowDataLoss.`,
      });
    }
    // A switchover moves the writer with no data loss, so both ends must answer: a target whose region is away
    // (its member pending resync) cannot catch up (Aurora User Guide, "Disaster recovery for Aurora global databases").
    if (kind === 'switchover' && this.regions.isDown(to.region, now)) {
      throw awsError('RDSClient', {
        code: 'InvalidDBClusterStateFault',
        message: `DBCluster ${to.identifier} is not synchronized with global cluster ${identifier} (pending-resync): a switchover needs it connected.`,
      });
    }
    const lagMs = this.lagMsAt(global, now);
    const durationMs = kind === 'failover' ? global.failoverMs : global.switchoverMs + lagMs;
    global.operations.push({
      kind,
      fromArn: writerArn,
      toArn: to.arn,
      startedMs: now,
      doneMs: now + durationMs,
      dataLossMs: kind === 'failover' ? lagMs : 0,
    });
    return this.toGlobalCluster(global, now);
  }

  private toGlobalCluster(global: AuroraGlobal, now: number): GlobalCluster {
    const writer = global.writerAt(now);
    const op = global.operationAt(now);
    return {
      GlobalClusterIdentifier: global.identifier,
      GlobalClusterResourceId: global.resourceId,
      GlobalClusterArn: global.arn,
      Status: op ? (op.kind === 'failover' ? 'failing-over' : 'switching-over') : 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      StorageEncrypted: true,
      DeletionProtection: true,
      GlobalClusterMembers: global.members.map((m) => ({
        DBClusterArn: m.arn,
        Readers: m.arn === writer ? global.members.filter((o) => o.arn !== writer).map((o) => o.arn) : [],
        IsWriter: m.arn === writer,
        SynchronizationStatus:
          this.regions.isDown(m.region, now) || !this.replicatesAt(m, now) ? 'pending-resync' : 'connected',
      })),
      FailoverState: op
        ? {
            Status: 'failing-over',
            FromDbClusterArn: op.fromArn,
            ToDbClusterArn: op.toArn,
            IsDataLossAllowed: op.kind === 'failover',
          }
        : undefined,
    };
  }

  private toDbCluster(global: AuroraGlobal, cluster: AuroraCluster, now: number): DBCluster {
    const op = global.operationAt(now);
    const creating = cluster.availableMs !== undefined && now < cluster.availableMs;
    const status = creating
      ? 'creating'
      : op && (op.toArn === cluster.arn || op.fromArn === cluster.arn)
        ? 'failing-over'
        : 'available';
    return {
      DBClusterIdentifier: cluster.identifier,
      DBClusterArn: cluster.arn,
      DbClusterResourceId: cluster.resourceId,
      // A member names its global cluster (DescribeDBClusters, DBCluster.GlobalClusterIdentifier).
      GlobalClusterIdentifier: global.identifier,
      Status: status,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      EngineMode: 'provisioned',
      BackupRetentionPeriod: 7,
      EarliestRestorableTime: new Date(Math.max(cluster.createdMs, now - 7 * DAY_MS)),
      LatestRestorableTime: new Date(this.latestRestorableAt(global, cluster, now)),
      ClusterCreateTime: new Date(cluster.createdMs),
      Endpoint: `${cluster.identifier}.cluster-c${cluster.resourceId.slice(8, 20).toLowerCase()}.${cluster.region}.rds.amazonaws.com`,
      ReaderEndpoint: `${cluster.identifier}.cluster-ro-c${cluster.resourceId.slice(8, 20).toLowerCase()}.${cluster.region}.rds.amazonaws.com`,
      Port: 5432,
      MultiAZ: true,
      StorageEncrypted: true,
      DeletionProtection: true,
      DBClusterMembers: [],
    };
  }
}
