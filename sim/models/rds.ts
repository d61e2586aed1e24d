import type {
  CreateDBInstanceReadReplicaCommandInput,
  DBInstance,
  DBInstanceAutomatedBackup,
  DBSnapshot,
  DeleteDBInstanceCommandInput,
  Filter,
} from '@aws-sdk/client-rds';
import { MAX_RDS_IDENTIFIER, MAX_RDS_SNAPSHOT_IDENTIFIER, rdsIdentifierProblems } from '../../shared/domain/copy-names';
import type { Scheduler } from '../clock';
import { awsError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { Regions } from './health';
import { type RequestQuota, RequestRateLimits } from './rate-limit';

/**
 * RDS instances: a primary in the primary region and its cross-region read replica in the standby region, with
 * replication lag, `backing-up` windows, PromoteReadReplica (modifying -> rebooting -> available: the instance
 * reboots, RDS User Guide "Promoting a read replica"), point-in-time restore freshness and automated backups
 * replicated to the standby region. Statuses are functions of virtual time, so reading them never changes them.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** How far back metric and backup history reaches before the drill starts. */
/**
 * Refuses a name RDS would refuse, with RDS's error: InvalidParameterValue, "The parameter <name> is not a valid
 * identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not
 * end with a hyphen or contain two consecutive hyphens." (too long: "... because it is longer than <max>
 * characters."). Instance and cluster identifiers have at most 63 characters, snapshot identifiers 255.
 */
export const refuseInvalidIdentifier = (parameter: string, value: string, max = MAX_RDS_IDENTIFIER): void => {
  const problems = rdsIdentifierProblems(value, max);
  if (problems.length === 0) return;
  const tooLong = problems.length === 1 && problems[0] === `is longer than ${max} characters`;
  throw awsError('RDSClient', {
    code: 'InvalidParameterValue',
    message: tooLong
      ? `The parameter ${parameter} is not a valid identifier because it is longer than ${max} characters.`
      : `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
  });
};

export const HISTORY_MS = 3 * 3600_000;

export interface Window {
  fromMs: number;
  toMs: number;
}

export interface Promotion {
  startedMs: number;
  rebootMs: number;
  doneMs: number;
  outcome: 'available' | 'incompatible-parameters';
  /** Replica lag when promotion began: the writes the new primary does not have (seconds). */
  lagSecondsAtStart: number;
  backupRetentionPeriod: number;
}

/** What the scenario sets on an RDS pair. */
export interface RdsFaults {
  /** Fixed replica lag in seconds, instead of the seeded 1-3 s. */
  lagSeconds?: number;
  /** How promotion ends: "available" (default) or a failed state such as "incompatible-parameters". */
  promotionOutcome?: Promotion['outcome'];
  /** `backing-up` windows of the replica (absolute virtual ms). */
  backingUp?: Window[];
  /** A `backing-up` window of this many seconds that begins at the first PromoteReadReplica call. */
  backingUpOnFirstPromoteSeconds?: number;
  /** LatestRestorableTime stuck this many seconds before the drill start (stale backups). */
  staleBackupsSeconds?: number;
  /** Whether automated backups are replicated to the standby region (default true). */
  crossRegionCopy?: boolean;
}

export class RdsInstance {
  readonly arn: string;
  readonly resourceId: string;
  readonly endpoint: string;
  promotion: Promotion | undefined;
  /** StopDBInstance: `stopping` from `startedMs`, `stopped` from `doneMs`. */
  stop: { startedMs: number; doneMs: number } | undefined;
  /** A replica made by CreateDBInstanceReadReplica: `creating` until `availableMs`, then catching up. */
  creation: { availableMs: number; initialLagSeconds: number; catchUpMs: number } | undefined;
  /** DeleteDBInstance: `deleting` from `startedMs`, gone from `doneMs`. */
  deletion: { startedMs: number; doneMs: number } | undefined;
  kmsKeyId: string | undefined;
  /** The plan's instances are created with deletion protection; a replica made by CreateDBInstanceReadReplica is not. */
  deletionProtection = true;
  readonly backingUp: Window[] = [];
  backingUpOnFirstPromoteSeconds: number | undefined;
  /** ARN of the replicated automated backups in the standby region, when replication is on (primary only). */
  replicatedBackupsArn: string | undefined;
  /** ARN of this instance's own automated backups. */
  readonly automatedBackupsArn: string;

  constructor(
    readonly identifier: string,
    readonly region: string,
    account: string,
    random: Random,
    readonly createdMs: number,
    /** Source primary's ARN for a replica. */
    readonly sourceArn: string | undefined,
    readonly initialBackupRetentionPeriod: number,
    /** Offset of the log-upload cadence, ms (seeded). */
    readonly restorePhaseMs: number,
    /** Promotion duration, ms (seeded at world construction). */
    readonly promoteDurationMs: number,
    readonly faults: RdsFaults,
  ) {
    this.arn = `arn:aws:rds:${region}:${account}:db:${identifier}`;
    this.resourceId = `db-${random.hexAt(`dbi:${this.arn}`, 0, 26).toUpperCase()}`;
    this.endpoint = `${identifier}.c${random.hexAt(`endpoint:${account}:${region}`, 0, 12)}.${region}.rds.amazonaws.com`;
    this.automatedBackupsArn = `arn:aws:rds:${region}:${account}:auto-backup:ab-${random.hexAt(`ab:${this.arn}`, 0, 32)}`;
    this.backingUp.push(...(faults.backingUp ?? []));
    this.backingUpOnFirstPromoteSeconds = faults.backingUpOnFirstPromoteSeconds;
  }

  /** RDS DBInstanceStatus at `atMs`. */
  statusAt(atMs: number): string {
    if (this.deletion && atMs >= this.deletion.startedMs) return 'deleting';
    if (this.creation && atMs < this.creation.availableMs) return 'creating';
    if (this.stop && atMs >= this.stop.startedMs) return atMs < this.stop.doneMs ? 'stopping' : 'stopped';
    const promotion = this.promotion;
    if (promotion && atMs >= promotion.startedMs) {
      if (atMs < promotion.rebootMs) return 'modifying';
      if (promotion.outcome !== 'available') return promotion.outcome;
      if (atMs < promotion.doneMs) return 'rebooting';
      return 'available';
    }
    if (this.backingUp.some((w) => w.fromMs <= atMs && atMs < w.toMs)) return 'backing-up';
    return 'available';
  }

  /** The source ARN while this instance is a replica; a successful promotion detaches it when the reboot begins. */
  sourceAt(atMs: number): string | undefined {
    const promotion = this.promotion;
    if (promotion && promotion.outcome === 'available' && atMs >= promotion.rebootMs) return undefined;
    return this.sourceArn;
  }

  /** True once DeleteDBInstance has run its course: the instance is no longer listed. */
  goneAt(atMs: number): boolean {
    return this.deletion !== undefined && atMs >= this.deletion.doneMs;
  }

  /** True once a successful promotion has completed. */
  writableAt(atMs: number): boolean {
    // A stopping instance takes no new connections; a stopped one answers nothing.
    if (this.stop && atMs >= this.stop.startedMs) return false;
    if (!this.sourceArn) return true;
    const promotion = this.promotion;
    return promotion !== undefined && promotion.outcome === 'available' && atMs >= promotion.doneMs;
  }

  backupRetentionAt(atMs: number): number {
    const promotion = this.promotion;
    if (promotion && promotion.outcome === 'available' && atMs >= promotion.doneMs) {
      return promotion.backupRetentionPeriod;
    }
    return this.initialBackupRetentionPeriod;
  }

  /**
   * LatestRestorableTime at `atMs`: RDS uploads logs on a cadence, so it trails now by less than the cadence
   * ("typically within 5 min", RDS User Guide); stuck at a fixed time when backups are stale; absent without
   * backups; for a promoted replica, no earlier than the end of its promotion.
   */
  latestRestorableAt(atMs: number, cadenceMs: number, driftStartMs: number): number | undefined {
    if (this.backupRetentionAt(atMs) === 0) return undefined;
    if (this.faults.staleBackupsSeconds !== undefined) return driftStartMs - this.faults.staleBackupsSeconds * 1000;
    const onCadence = atMs - ((((atMs - this.restorePhaseMs) % cadenceMs) + cadenceMs) % cadenceMs);
    const promotion = this.promotion;
    if (this.sourceArn && promotion) return Math.max(promotion.doneMs, onCadence);
    return onCadence;
  }
}

/** The RDS instances of the world and the operations on them. */
/** A manual DB snapshot (CreateDBSnapshot, or the final snapshot of DeleteDBInstance). */
export interface RdsSnapshot {
  identifier: string;
  region: string;
  instance: RdsInstance;
  startedMs: number;
  doneMs: number;
}

/**
 * The RDS API's request rate, per account and Region, every operation and every caller together (the console, other
 * tools, this product; Aurora's calls are RDS API calls): a token bucket of 300 requests refilled at 12 a second (RDS
 * User Guide, "Request throttling for the Amazon RDS API"). Past it, ThrottlingException "Rate exceeded".
 */
export const RDS_REQUEST_QUOTA: RequestQuota = { capacity: 300, refillPerSecond: 12 };

export class RdsModel {
  readonly instances: RdsInstance[] = [];
  /** The RDS API's request rate in each Region (RDS_REQUEST_QUOTA), made on the Region's first request. */
  private readonly requestRates = new Map<string, RequestRateLimits>();
  readonly snapshots: RdsSnapshot[] = [];
  /** Called with each replica CreateDBInstanceReadReplica makes (the world registers its ReplicaLag metric). */
  onReplicaCreated: ((replica: RdsInstance) => void) | undefined;
  /**
   * Since when the application sends no writes (the plan's failback write pause is set), epoch ms: a replica that
   * receives nothing new has caught up, so ReplicaLag reads 0 from the first minute that begins after it.
   */
  writesPausedFromMs: number | undefined;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly regions: Regions,
    private readonly account: string,
    /** Drill start, epoch ms. */
    private readonly t0Ms: number,
  ) {}

  /**
   * One RDS API request of `operation` in `region` against the account's request rate there: admitted, or RDS's
   * ThrottlingException ("Rate exceeded"), counted.
   */
  admitRequest(region: string, operation: string): void {
    if (!this.requestRate(region).admit(operation)) {
      throw awsError('RDSClient', { code: 'ThrottlingException', message: 'Rate exceeded' });
    }
  }

  /** The requests the RDS API refused for the rate, per Region and operation. */
  throttledRequests(): { region: string; operation: string; count: number }[] {
    return [...this.requestRates].flatMap(([region, rate]) =>
      [...rate.throttled].map(([operation, count]) => ({ region, operation, count })),
    );
  }

  /**
   * The account's other callers of the RDS API in `region` from now on, asking for more than its rate: they take
   * `perSecond` of its 12 requests a second and leave the rest, without a burst (RequestRateLimits#shareWith).
   */
  shareRequestRate(region: string, perSecond: number): void {
    this.requestRate(region).shareWith(perSecond);
  }

  private requestRate(region: string): RequestRateLimits {
    let rate = this.requestRates.get(region);
    if (!rate) {
      rate = new RequestRateLimits({ account: RDS_REQUEST_QUOTA }, () => this.clock.now());
      this.requestRates.set(region, rate);
    }
    return rate;
  }

  /** Adds a primary and its cross-region read replica. Draws the replica's promotion duration from the stream. */
  addPair(
    primary: { identifier: string; region: string },
    replica: { identifier: string; region: string },
    faults: RdsFaults,
  ): { primary: RdsInstance; replica: RdsInstance } {
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const promoteMs = Math.round(
      this.random.jitter(this.timing.rds.promoteSeconds, this.timing.rds.promoteJitter) * 1000,
    );
    const created = this.t0Ms - 90 * DAY_MS;
    const p = new RdsInstance(
      primary.identifier,
      primary.region,
      this.account,
      this.random,
      created,
      undefined,
      7,
      Math.floor(this.random.next() * cadenceMs),
      0,
      { staleBackupsSeconds: faults.staleBackupsSeconds },
    );
    const r = new RdsInstance(
      replica.identifier,
      replica.region,
      this.account,
      this.random,
      created,
      p.arn,
      0,
      Math.floor(this.random.next() * cadenceMs),
      promoteMs,
      faults,
    );
    if (faults.crossRegionCopy !== false) {
      p.replicatedBackupsArn = `arn:aws:rds:${replica.region}:${this.account}:auto-backup:ab-${this.random.hexAt(`ab-copy:${p.arn}`, 0, 32)}`;
    }
    this.instances.push(p, r);
    return { primary: p, replica: r };
  }

  /**
   * Adds a cross-region read replica of `source` (as CreateDBInstanceReadReplica leaves it once it replicates), for a
   * world that starts re-protected. Draws its promotion duration from the stream.
   */
  addReplica(
    source: RdsInstance,
    replica: { identifier: string; region: string },
    faults: RdsFaults,
    createdMs: number,
  ): RdsInstance {
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const promoteMs = Math.round(
      this.random.jitter(this.timing.rds.promoteSeconds, this.timing.rds.promoteJitter) * 1000,
    );
    const instance = new RdsInstance(
      replica.identifier,
      replica.region,
      this.account,
      this.random,
      createdMs,
      source.arn,
      0,
      Math.floor(this.random.next() * cadenceMs),
      promoteMs,
      faults,
    );
    this.instances.push(instance);
    return instance;
  }

  /** The instance `identifier` (or ARN) in `region`, if any (a deleted one is gone). */
  find(region: string, identifier: string): RdsInstance | undefined {
    const now = this.clock.now();
    return this.instances.find(
      (i) => i.region === region && (i.identifier === identifier || i.arn === identifier) && !i.goneAt(now),
    );
  }

  /** The replica whose source is `primaryArn`, if any. */
  replicaOf(primaryArn: string): RdsInstance | undefined {
    return this.instances.find((i) => i.sourceArn === primaryArn);
  }

  /**
   * Replica lag in seconds at `atMs`: seeded per minute (or the scenario's fixed value); frozen at its last value
   * while the source's region is down or once promotion has begun (replication has stopped).
   */
  lagSecondsAt(replica: RdsInstance, atMs: number): number {
    const source = this.instances.find((i) => i.arn === replica.sourceArn);
    let effective = atMs;
    const outage = source ? this.regions.outageAt(source.region, atMs) : undefined;
    if (outage) effective = Math.min(effective, outage.fromMs - 1);
    if (replica.promotion && replica.promotion.startedMs <= effective) effective = replica.promotion.startedMs - 1;
    if (replica.faults.lagSeconds !== undefined) return replica.faults.lagSeconds;
    const minute = Math.floor(effective / MINUTE_MS);
    // The plan's failback write pause: the application sends nothing new, so no lag from ongoing writes.
    const paused = this.writesPausedFromMs !== undefined && minute * MINUTE_MS >= this.writesPausedFromMs;
    const seeded = paused
      ? 0
      : Math.round(
          this.random.betweenAt(
            `replica-lag:${replica.arn}`,
            minute,
            this.timing.rds.replicaLagMinSeconds,
            this.timing.rds.replicaLagMaxSeconds,
          ),
        );
    // A new replica starts behind by the writes made since its snapshot and catches up (RDS User Guide,
    // "Creating a read replica"): the lag falls from its initial value to the usual seeded lag.
    const creation = replica.creation;
    if (!creation) return seeded;
    const caughtUp = Math.min(1, Math.max(0, (effective - creation.availableMs) / creation.catchUpMs));
    return Math.max(seeded, Math.round(creation.initialLagSeconds * (1 - caughtUp)));
  }

  /** ReplicaLag datapoint for a minute: published only while the instance is a replica. */
  replicaLagSample(replica: RdsInstance, minuteStartMs: number): number | undefined {
    if (minuteStartMs < this.t0Ms - HISTORY_MS) return undefined;
    if (!replica.sourceAt(minuteStartMs)) return undefined;
    if (replica.creation && minuteStartMs < replica.creation.availableMs) return undefined;
    if (replica.goneAt(minuteStartMs)) return undefined;
    return this.lagSecondsAt(replica, minuteStartMs);
  }

  /** DescribeDBInstances in `region`: one instance (DBInstanceNotFound if absent) or all. */
  describe(region: string, identifier?: string, filters?: Filter[]): DBInstance[] {
    const now = this.clock.now();
    let list = this.instances.filter((i) => i.region === region && !i.goneAt(now));
    if (identifier !== undefined) {
      list = list.filter((i) => i.identifier === identifier || i.arn === identifier);
      if (list.length === 0) {
        throw awsError('RDSClient', {
          code: 'DBInstanceNotFound',
          message: `DBInstance ${identifier} not found.`,
          status: 404,
        });
      }
    }
    for (const filter of filters ?? []) {
      const values = filter.Values ?? [];
      if (filter.Name === 'db-instance-id')
        list = list.filter((i) => values.includes(i.identifier) || values.includes(i.arn));
      else if (filter.Name === 'dbi-resource-id') list = list.filter((i) => values.includes(i.resourceId));
    }
    return list.map((i) => this.toDbInstance(i, now));
  }

  /**
   * PromoteReadReplica. Refuses like RDS: not a replica, not `available` (backing-up, modifying). Starts the
   * promotion with its seeded duration and returns the instance as RDS does (status "modifying").
   */
  promote(region: string, identifier: string, backupRetentionPeriod: number | undefined): DBInstance {
    const now = this.clock.now();
    const instance = this.find(region, identifier);
    if (!instance) {
      throw awsError('RDSClient', {
        code: 'DBInstanceNotFound',
        message: `DBInstance ${identifier} not found.`,
        status: 404,
      });
    }
    const promotion = instance.promotion;
    const promoted = promotion?.outcome === 'available' && now >= promotion.doneMs;
    if (!instance.sourceArn || promoted) {
      throw awsError('RDSClient', { code: 'InvalidDBInstanceState', message: 'DB Instance is not a read replica.' });
    }
    if (instance.backingUpOnFirstPromoteSeconds !== undefined) {
      instance.backingUp.push({ fromMs: now, toMs: now + instance.backingUpOnFirstPromoteSeconds * 1000 });
      instance.backingUpOnFirstPromoteSeconds = undefined;
    }
    const status = instance.statusAt(now);
    if (status !== 'available') {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `DB instance ${instance.identifier} is not in available state (current state: ${status}).`,
      });
    }
    const durationMs = instance.promoteDurationMs;
    instance.promotion = {
      startedMs: now,
      rebootMs: now + Math.round(durationMs * (1 - this.timing.rds.promoteRebootShare)),
      doneMs: now + durationMs,
      outcome: instance.faults.promotionOutcome ?? 'available',
      lagSecondsAtStart: this.lagSecondsAt(instance, now),
      // PromoteReadReplica API: BackupRetentionPeriod defaults to 1.
      backupRetentionPeriod: backupRetentionPeriod ?? 1,
    };
    return this.toDbInstance(instance, now);
  }

  /**
   * StopDBInstance. Refuses like RDS ("Stopping an Amazon RDS DB instance temporarily", limitations): an instance
   * that is not `available`, one that is a read replica, and one that still has a read replica attached.
   */
  stopInstance(region: string, identifier: string): DBInstance {
    const now = this.clock.now();
    const instance = this.find(region, identifier);
    if (!instance) {
      throw awsError('RDSClient', {
        code: 'DBInstanceNotFound',
        message: `DBInstance ${identifier} not found.`,
        status: 404,
      });
    }
    const status = instance.statusAt(now);
    if (status !== 'available') {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `Instance ${instance.identifier} is not in available state (current state: ${status}).`,
      });
    }
    const attached = this.replicaOf(instance.arn);
    if (instance.sourceAt(now) || attached?.sourceAt(now)) {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `Cannot stop instance ${instance.identifier}: it is a read replica or has a read replica.`,
      });
    }
    instance.stop = { startedMs: now, doneMs: now + this.timing.rds.stopSeconds * 1000 };
    return this.toDbInstance(instance, now);
  }

  private notFound(identifier: string): Error {
    return awsError('RDSClient', {
      code: 'DBInstanceNotFound',
      message: `DBInstance ${identifier} not found.`,
      status: 404,
    });
  }

  /**
   * CreateDBSnapshot in the instance's region: `creating` for timing.rds.snapshotSeconds, then `available`. Refuses
   * like RDS: an invalid name (InvalidParameterValue), a taken name (DBSnapshotAlreadyExists), an instance that is neither available nor stopped.
   */
  createSnapshot(region: string, instanceId: string, snapshotId: string): DBSnapshot {
    const now = this.clock.now();
    refuseInvalidIdentifier('DBSnapshotIdentifier', snapshotId, MAX_RDS_SNAPSHOT_IDENTIFIER);
    const instance = this.find(region, instanceId);
    if (!instance) throw this.notFound(instanceId);
    if (this.snapshots.some((snap) => snap.region === region && snap.identifier === snapshotId)) {
      throw awsError('RDSClient', {
        code: 'DBSnapshotAlreadyExists',
        message: `Cannot create the snapshot because a snapshot with the identifier ${snapshotId} already exists.`,
      });
    }
    const status = instance.statusAt(now);
    if (status !== 'available' && status !== 'stopped') {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `Cannot snapshot ${instance.identifier}: it is ${status}.`,
      });
    }
    const snapshot = {
      identifier: snapshotId,
      region,
      instance,
      startedMs: now,
      doneMs: now + this.timing.rds.snapshotSeconds * 1000,
    };
    this.snapshots.push(snapshot);
    return this.toDbSnapshot(snapshot, now);
  }

  /** DescribeDBSnapshots in `region`: one (DBSnapshotNotFound if absent) or all. */
  describeSnapshots(region: string, identifier?: string): DBSnapshot[] {
    const now = this.clock.now();
    const list = this.snapshots.filter(
      (snap) => snap.region === region && (identifier === undefined || snap.identifier === identifier),
    );
    if (identifier !== undefined && list.length === 0) {
      throw awsError('RDSClient', {
        code: 'DBSnapshotNotFound',
        message: `DBSnapshot ${identifier} not found.`,
        status: 404,
      });
    }
    return list.map((snap) => this.toDbSnapshot(snap, now));
  }

  /**
   * CreateDBInstanceReadReplica in `region` (the replica's), of the source named by ARN (any region) or by
   * identifier (same region). Refuses like RDS: an invalid name (InvalidParameterValue), a taken name
   * (DBInstanceAlreadyExists), a source that does not exist
   * or is not available, and a cross-region replica of an encrypted source without a KmsKeyId of the replica's
   * region (RDS API, CreateDBInstanceReadReplica, KmsKeyId: "If you create an encrypted read replica in a different
   * AWS Region, then you must specify a KMS key identifier for the destination AWS Region").
   */
  createReadReplica(region: string, input: CreateDBInstanceReadReplicaCommandInput): DBInstance {
    const now = this.clock.now();
    const identifier = String(input.DBInstanceIdentifier ?? '');
    const sourceId = String(input.SourceDBInstanceIdentifier ?? '');
    refuseInvalidIdentifier('DBInstanceIdentifier', identifier);
    if (this.find(region, identifier)) {
      throw awsError('RDSClient', {
        code: 'DBInstanceAlreadyExists',
        message: `DB instance already exists: ${identifier}`,
      });
    }
    const sourceRegion = sourceId.startsWith('arn:') ? (sourceId.split(':')[3] ?? '') : region;
    const source = this.find(sourceRegion, sourceId);
    if (!source) throw this.notFound(sourceId);
    const status = source.statusAt(now);
    if (status !== 'available' || !source.writableAt(now)) {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `DB instance ${source.identifier} is not in available state (current state: ${status}).`,
      });
    }
    // Every modelled instance is encrypted (StorageEncrypted true).
    if (sourceRegion !== region && !input.KmsKeyId) {
      throw awsError('RDSClient', {
        code: 'InvalidParameterCombination',
        message:
          'A KMS key identifier for the destination AWS Region is required to create an encrypted read replica in a different AWS Region.',
      });
    }
    const keyRegion = input.KmsKeyId?.startsWith('arn:') ? input.KmsKeyId.split(':')[3] : region;
    if (keyRegion !== region) {
      throw awsError('RDSClient', {
        code: 'KMSKeyNotAccessibleFault',
        message: `The specified KMS key ${input.KmsKeyId} is not in ${region}.`,
      });
    }
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const replica = new RdsInstance(
      identifier,
      region,
      this.account,
      this.random,
      now,
      source.arn,
      0,
      Math.floor(this.random.next() * cadenceMs),
      Math.round(this.random.jitter(this.timing.rds.promoteSeconds, this.timing.rds.promoteJitter) * 1000),
      {},
    );
    replica.creation = {
      availableMs: now + this.timing.rds.replicaCreateSeconds * 1000,
      initialLagSeconds: this.timing.rds.replicaInitialLagSeconds,
      catchUpMs: this.timing.rds.replicaCatchUpSeconds * 1000,
    };
    replica.kmsKeyId = input.KmsKeyId;
    replica.deletionProtection = input.DeletionProtection === true;
    this.instances.push(replica);
    this.onReplicaCreated?.(replica);
    return this.toDbInstance(replica, now);
  }

  /**
   * DeleteDBInstance: `deleting`, gone after timing.rds.deleteSeconds; a final snapshot unless SkipFinalSnapshot.
   * Refuses like RDS: an instance with deletion protection, a final snapshot name that is taken or missing, an
   * instance already deleting.
   */
  deleteInstance(region: string, input: DeleteDBInstanceCommandInput): DBInstance {
    const now = this.clock.now();
    const identifier = String(input.DBInstanceIdentifier ?? '');
    const instance = this.find(region, identifier);
    if (!instance) throw this.notFound(identifier);
    if (instance.deletionProtection) {
      throw awsError('RDSClient', {
        code: 'InvalidParameterCombination',
        message: 'Cannot delete protected DB Instance, please disable deletion protection and try again.',
      });
    }
    if (instance.deletion) {
      throw awsError('RDSClient', {
        code: 'InvalidDBInstanceState',
        message: `Instance ${identifier} is already being deleted.`,
      });
    }
    if (!input.SkipFinalSnapshot) {
      const finalId = input.FinalDBSnapshotIdentifier;
      if (!finalId) {
        throw awsError('RDSClient', {
          code: 'InvalidParameterCombination',
          message: 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
        });
      }
      refuseInvalidIdentifier('FinalDBSnapshotIdentifier', finalId, MAX_RDS_SNAPSHOT_IDENTIFIER);
      if (this.snapshots.some((snap) => snap.region === region && snap.identifier === finalId)) {
        throw awsError('RDSClient', {
          code: 'DBSnapshotAlreadyExists',
          message: `Cannot create the snapshot because a snapshot with the identifier ${finalId} already exists.`,
        });
      }
      this.snapshots.push({
        identifier: finalId,
        region,
        instance,
        startedMs: now,
        doneMs: now + this.timing.rds.snapshotSeconds * 1000,
      });
    }
    instance.deletion = { startedMs: now, doneMs: now + this.timing.rds.deleteSeconds * 1000 };
    return this.toDbInstance(instance, now);
  }

  private toDbSnapshot(snapshot: RdsSnapshot, now: number): DBSnapshot {
    return {
      DBSnapshotIdentifier: snapshot.identifier,
      DBInstanceIdentifier: snapshot.instance.identifier,
      DBSnapshotArn: `arn:aws:rds:${snapshot.region}:${this.account}:snapshot:${snapshot.identifier}`,
      SnapshotCreateTime: new Date(snapshot.startedMs),
      Engine: 'postgres',
      AllocatedStorage: 100,
      Status: now < snapshot.doneMs ? 'creating' : 'available',
      PercentProgress: Math.min(
        100,
        Math.floor(((now - snapshot.startedMs) / (snapshot.doneMs - snapshot.startedMs)) * 100),
      ),
      SnapshotType: 'manual',
      Encrypted: true,
    };
  }

  /** DescribeDBInstanceAutomatedBackups in `region`: own backups ("active") and replicated ones ("replicating"). */
  describeAutomatedBackups(
    region: string,
    input: {
      DBInstanceIdentifier?: string;
      DbiResourceId?: string;
      DBInstanceAutomatedBackupsArn?: string;
      Filters?: Filter[];
    },
  ): DBInstanceAutomatedBackup[] {
    const now = this.clock.now();
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const backups: DBInstanceAutomatedBackup[] = [];
    for (const instance of this.instances) {
      const retention = instance.backupRetentionAt(now);
      if (retention === 0) continue;
      const earliest = Math.max(instance.createdMs, now - retention * DAY_MS);
      const base = {
        DBInstanceArn: instance.arn,
        DbiResourceId: instance.resourceId,
        Region: instance.region,
        DBInstanceIdentifier: instance.identifier,
        AllocatedStorage: 100,
        Port: 5432,
        InstanceCreateTime: new Date(instance.createdMs),
        MasterUsername: 'postgres',
        Engine: 'postgres',
        EngineVersion: '16.4',
        LicenseModel: 'postgresql-license',
        Encrypted: true,
        StorageType: 'gp3',
        IAMDatabaseAuthenticationEnabled: false,
        BackupRetentionPeriod: retention,
        BackupTarget: 'region',
      };
      if (instance.region === region) {
        const latest = instance.latestRestorableAt(now, cadenceMs, this.t0Ms);
        backups.push({
          ...base,
          Status: 'active',
          RestoreWindow: {
            EarliestTime: new Date(earliest),
            LatestTime: latest === undefined ? undefined : new Date(latest),
          },
          DBInstanceAutomatedBackupsArn: instance.automatedBackupsArn,
          DBInstanceAutomatedBackupsReplications: instance.replicatedBackupsArn
            ? [{ DBInstanceAutomatedBackupsArn: instance.replicatedBackupsArn }]
            : [],
        });
      }
      const replica = this.replicaOf(instance.arn);
      if (instance.replicatedBackupsArn && replica?.region === region) {
        // The copy stops when the source region goes down: what is there stays, nothing newer arrives.
        const outage = this.regions.outageAt(instance.region, now);
        const sourceNow = outage ? outage.fromMs : now;
        const sourceLatest = instance.latestRestorableAt(sourceNow, cadenceMs, this.t0Ms) ?? sourceNow;
        backups.push({
          ...base,
          Status: 'replicating',
          RestoreWindow: {
            EarliestTime: new Date(earliest),
            LatestTime: new Date(sourceLatest - this.timing.rds.crossRegionCopyLagSeconds * 1000),
          },
          DBInstanceAutomatedBackupsArn: instance.replicatedBackupsArn,
        });
      }
    }
    let list = backups;
    const explicit = input.DBInstanceIdentifier ?? input.DbiResourceId ?? input.DBInstanceAutomatedBackupsArn;
    if (input.DBInstanceIdentifier) list = list.filter((b) => b.DBInstanceIdentifier === input.DBInstanceIdentifier);
    if (input.DbiResourceId) list = list.filter((b) => b.DbiResourceId === input.DbiResourceId);
    if (input.DBInstanceAutomatedBackupsArn) {
      list = list.filter((b) => b.DBInstanceAutomatedBackupsArn === input.DBInstanceAutomatedBackupsArn);
    }
    for (const filter of input.Filters ?? []) {
      const values = filter.Values ?? [];
      if (filter.Name === 'db-instance-id') {
        list = list.filter(
          (b) => values.includes(b.DBInstanceIdentifier ?? '') || values.includes(b.DBInstanceArn ?? ''),
        );
      } else if (filter.Name === 'dbi-resource-id') list = list.filter((b) => values.includes(b.DbiResourceId ?? ''));
      else if (filter.Name === 'status') list = list.filter((b) => values.includes(b.Status ?? ''));
    }
    if (explicit !== undefined && list.length === 0) {
      throw awsError('RDSClient', {
        code: 'DBInstanceAutomatedBackupNotFound',
        message: `No automated backup found for ${explicit}.`,
        status: 404,
      });
    }
    return list;
  }

  private toDbInstance(instance: RdsInstance, now: number): DBInstance {
    const cadenceMs = this.timing.rds.restorableCadenceSeconds * 1000;
    const latest = instance.latestRestorableAt(now, cadenceMs, this.t0Ms);
    const source = instance.sourceAt(now);
    const replica = this.replicaOf(instance.arn);
    const replicaIsAttached = replica !== undefined && replica.sourceAt(now) !== undefined;
    return {
      DBInstanceIdentifier: instance.identifier,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBInstanceStatus: instance.statusAt(now),
      MasterUsername: 'postgres',
      Endpoint: { Address: instance.endpoint, Port: 5432, HostedZoneId: 'Z2R2ITUGPM61AM' },
      AllocatedStorage: 100,
      InstanceCreateTime: new Date(instance.createdMs),
      PreferredBackupWindow: '07:00-07:30',
      BackupRetentionPeriod: instance.backupRetentionAt(now),
      AvailabilityZone: `${instance.region}a`,
      MultiAZ: false,
      ReadReplicaSourceDBInstanceIdentifier: source,
      // A replica that is available replicates (DescribeDBInstances StatusInfos "read replication").
      ...(source && instance.statusAt(now) === 'available'
        ? { StatusInfos: [{ StatusType: 'read replication', Status: 'replicating', Normal: true }] }
        : {}),
      ...(instance.kmsKeyId ? { KmsKeyId: instance.kmsKeyId } : {}),
      ReadReplicaDBInstanceIdentifiers: replicaIsAttached ? [replica.arn] : [],
      LatestRestorableTime: latest === undefined ? undefined : new Date(latest),
      StorageType: 'gp3',
      StorageEncrypted: true,
      DbiResourceId: instance.resourceId,
      DBInstanceArn: instance.arn,
      DeletionProtection: instance.deletionProtection,
      DBInstanceAutomatedBackupsReplications: instance.replicatedBackupsArn
        ? [{ DBInstanceAutomatedBackupsArn: instance.replicatedBackupsArn }]
        : undefined,
    };
  }
}
