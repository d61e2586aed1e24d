import type { Plan } from '../plan/schema';
import { copyInstanceName, copyName, snapshotName } from './copy-names';
import type { PreflightFinding } from './preflight';
import type { ActionRecord } from './run';
import { type DatabaseCopy, type DatabaseTopology, describeCopy, stopClusterCommand, type Topology } from './topology';

/**
 * The reprotect runbook's pure rules: when a plan may be re-protected, what each database's new standby is called,
 * how long to wait between checks, and the topology afterwards. After a failover the new primary (the topology's
 * writer) has no standby; reprotect gives it one again, in the old primary's region (or the plan's
 * `reprotect.region`): RDS a new cross-region read replica (the old primary snapshotted first, deleted only when
 * the plan says so); Aurora the old primary when it rejoined the global cluster as a secondary, else a new
 * secondary cluster.
 */

/** One database to re-protect, as "Assess Reprotect" hands it to "Reprotect Database". */
export interface ReprotectTarget {
  id: string;
  kind: DatabaseTopology['kind'];
  writer: DatabaseCopy;
  oldPrimary: DatabaseCopy;
  /** Where the new standby goes. */
  region: string;
  /**
   * The derived names (shared/domain/copy-names.ts; deterministic per failover, so a retry, a redrive or a new run
   * after a crash finds what an earlier attempt started, and never creates a second one): the new standby (RDS
   * instance or Aurora cluster, named from the plan's name for the standby, so it never grows), the Aurora
   * cluster's instance, the old primary's snapshot and its final snapshot.
   */
  names: { standby: string; clusterInstance?: string; snapshot: string; finalSnapshot: string };
  /** Aurora: the global cluster; the old primary is a reader member of it (rejoined) or a new cluster joins it. */
  globalCluster?: string;
  /** Aurora: whether the old primary rejoined the global cluster (it becomes the standby) or a new cluster is made. */
  path: 'rds-replica' | 'aurora-rejoined' | 'aurora-new-secondary';
  kmsKeyId?: string;
  instanceClass?: string;
  deleteOldPrimary: boolean;
  /** RDS: the new replica protects only once its lag is within the plan's RPO budget (it starts far behind). */
  maxLagSeconds: number;
}

/** What one "Reprotect Database" step found or did; `done` ends its polling. */
export interface ReprotectResult {
  databaseId: string;
  /** protected: the new standby replicates; planned: a dry run's plan; waiting: see `detail`; timed-out: gave up. */
  state: 'protected' | 'planned' | 'waiting' | 'timed-out';
  done: boolean;
  pollSeconds: number;
  checks: number;
  /** The first check's time (the reprotect phase's start for this database). */
  startedAt: string;
  checkedAt: string;
  detail: string;
  /** The new standby, once it replicates. */
  standby?: DatabaseCopy;
  /** The old primary's snapshot (RDS), once available. */
  snapshot?: string;
  /** The old primary's fate: kept (stopped), deleting (with a final snapshot), or it is the standby now. */
  oldPrimary?: 'kept' | 'deleting' | 'standby';
  actions: ActionRecord[];
}

/** The first wait between checks; each later one doubles, up to the cap (a replica takes minutes to hours). */
export const REPROTECT_FIRST_POLL_SECONDS = 30;
export const REPROTECT_MAX_POLL_SECONDS = 300;
/** Checks before a step gives up: with the backoff, about 24 hours (a large database's replica can take hours). */
export const REPROTECT_MAX_CHECKS = 300;

/** Seconds to wait before check number `checks + 1`: 30, 60, 120, 240, then 300. */
export const reprotectPollSeconds = (checks: number): number =>
  Math.min(REPROTECT_MAX_POLL_SECONDS, REPROTECT_FIRST_POLL_SECONDS * 2 ** Math.max(0, checks - 1));

/** The seed of a database's derived names: the failover that made the current writer, and the database. */
const nameSeed = (topology: Topology, db: DatabaseTopology): string =>
  `${topology.lastIncidentId ?? topology.updatedBy ?? 'plan'}|${db.id}|${db.writer.region}|${db.writer.identifier}`;

/** What "Assess Reprotect" read of one database before deciding. */
export interface ReprotectReading {
  id: string;
  /** The writer (new primary) answered: encrypted? (undefined when it could not be read) */
  writer?: { encrypted: boolean; exists: boolean };
  /** The old primary's region answered (false: it timed out or refused connections). */
  oldRegionAnswers: boolean;
  /** Aurora: the old primary is a reader member of the global cluster that replicates (connected). */
  rejoined?: boolean;
  /** Aurora: the old primary is a standalone cluster, out of the global cluster, not stopped: it takes writes. */
  standalone?: boolean;
}

/** The verdict of "Assess Reprotect": proceed with these targets, skip, or block with findings. */
export interface ReprotectDecision {
  decision: 'proceed' | 'block';
  targets: ReprotectTarget[];
  findings: PreflightFinding[];
}

const planPath = (plan: Plan, id: string): string => `databases[${plan.databases.findIndex((db) => db.id === id)}]`;

/**
 * Which databases reprotect acts on, and why it may not: the plan must have failed over (the topology's active
 * region is not the plan's primary, or a database has an old primary) and at least one database must lack a standby
 * (a database that has one is skipped: re-protection is judged per database); for the others,
 * each old primary must be fenced (or rejoined) and its region must answer (its snapshot, a replica there), and an
 * encrypted writer needs a KMS key of the new standby's region in the plan.
 */
export const decideReprotect = (
  plan: Plan,
  topology: Topology,
  readings: readonly ReprotectReading[],
): ReprotectDecision => {
  const findings: PreflightFinding[] = [];
  const targets: ReprotectTarget[] = [];
  const failedOver =
    topology.activeRegion !== plan.regions.primary || topology.databases.some((db) => db.oldPrimary !== undefined);
  if (!failedOver) {
    return {
      decision: 'block',
      targets: [],
      findings: [
        {
          check: 'topology-failed-over',
          resource: `plan:${plan.app}`,
          expected: 'a failed-over topology (a writer without a standby)',
          found: `${topology.activeRegion} serves and every database has its standby`,
          fix: 'nothing to re-protect: reprotect follows a failover (see `switchback status --plan NAME`)',
        },
      ],
    };
  }
  // Per database: one that has a standby already is skipped (after a failback an Aurora switchover leaves its old
  // writer as the secondary, while the RDS database waits for its new replica); the others are re-protected.
  const unprotected = topology.databases.filter((db) => !db.standby);
  if (unprotected.length === 0) {
    return {
      decision: 'block',
      targets: [],
      findings: topology.databases.map((db) => ({
        check: 'no-standby-yet',
        resource: `database:${db.id}`,
        expected: 'a writer without a standby',
        found: `standby ${describeCopy(db.standby as DatabaseCopy)} already protects writer ${describeCopy(db.writer)}`,
        fix: 'nothing to re-protect: every database has its standby (see `switchback status --plan NAME`)',
      })),
    };
  }
  for (const db of unprotected) {
    const settings = plan.databases.find((each) => each.id === db.id)?.reprotect;
    const at = planPath(plan, db.id);
    const reading = readings.find((each) => each.id === db.id);
    if (!db.oldPrimary) {
      findings.push({
        check: 'topology-failed-over',
        resource: `database:${db.id}`,
        expected: 'an old primary recorded by the failover',
        found: `writer ${describeCopy(db.writer)} has neither a standby nor an old primary`,
        fix: 'name the standby region in the plan (reprotect.region) and record the topology (switchback status)',
      });
      continue;
    }
    // After a failback the writer is home again: its standby goes back where the old writer served (the other
    // region); after a failover, into the plan's reprotect.region, else the old primary's region.
    const home = db.writer.region === plan.regions.primary;
    const region = home ? db.oldPrimary.region : (settings?.region ?? db.oldPrimary.region);
    if (db.oldPrimary.state === 'unknown' || db.oldPrimary.state === 'unreachable') {
      findings.push({
        check: 'old-primary-fenced',
        resource: `database:${db.id}`,
        expected: 'the old primary fenced (or rejoined as a secondary)',
        found: `old primary ${describeCopy(db.oldPrimary)} is ${db.oldPrimary.state}`,
        fix: 'fence it first: switchback run --action fence --plan NAME',
      });
    }
    if (reading?.standalone) {
      // Whatever the fence recorded then: someone took it out of the global cluster since, and it takes writes again.
      findings.push({
        check: 'old-primary-fenced',
        resource: `rds:${db.oldPrimary.region}:${db.oldPrimary.identifier}`,
        expected: 'the old primary fenced (or rejoined as a secondary)',
        found: `${describeCopy(db.oldPrimary)} is a standalone cluster, out of the global cluster: it takes writes`,
        fix: `stop it (${stopClusterCommand(db.oldPrimary)}) or delete it, then run reprotect again; a new secondary takes its place`,
      });
    }
    if (!reading?.oldRegionAnswers) {
      findings.push({
        check: 'old-region-answers',
        resource: `rds:${db.oldPrimary.region}:${db.oldPrimary.identifier}`,
        expected: `${db.oldPrimary.region} answers (the old primary is snapshotted, the standby goes there)`,
        found: `${db.oldPrimary.region} did not answer`,
        fix: `run reprotect again once ${db.oldPrimary.region} answers`,
      });
    }
    if (reading?.writer && !reading.writer.exists) {
      findings.push({
        check: 'standby-exists',
        resource: `rds:${db.writer.region}:${db.writer.identifier}`,
        expected: 'the writer the topology names',
        found: 'it does not exist',
        fix: 'check the topology (switchback status --plan NAME) against the account',
      });
    }
    const rejoined = db.kind === 'aurora-global' && reading?.rejoined === true;
    const kmsKeyId = settings?.kmsKeys?.[region];
    if (!rejoined && reading?.writer?.encrypted && !kmsKeyId) {
      findings.push({
        check: 'kms-key',
        resource: `rds:${db.writer.region}:${db.writer.identifier}`,
        expected: `a KMS key of ${region} for the encrypted new standby`,
        found: `the writer is encrypted and the plan names no key for ${region}`,
        fix: `set ${at}.reprotect.kmsKeys.${region} to a KMS key ARN in ${region}`,
      });
    }
    const instanceClass = settings?.instanceClass;
    if (db.kind === 'aurora-global' && !rejoined && !instanceClass) {
      findings.push({
        check: 'instance-class',
        resource: `database:${db.id}`,
        expected: 'an instance class for the new secondary cluster',
        found: 'the old primary did not rejoin and the plan names no instance class',
        fix: `set ${at}.reprotect.instanceClass (e.g. "db.r6g.large")`,
      });
    }
    const seed = nameSeed(topology, db);
    const planned = plan.databases.find((each) => each.id === db.id);
    // Named from the plan's name for the standby, never from the current writer's: the name never grows.
    const base =
      planned?.kind === 'rds-read-replica'
        ? planned.replica.instance
        : planned?.kind === 'aurora-global'
          ? planned.secondary.cluster
          : db.writer.identifier;
    const taken = [db.writer.identifier, db.oldPrimary.identifier, ...(db.standby ? [db.standby.identifier] : [])];
    const standbyName = copyName(base, db.kind === 'aurora-global' ? 'sc' : 'rp', seed, taken);
    const globalCluster = planned;
    targets.push({
      id: db.id,
      kind: db.kind,
      writer: db.writer,
      oldPrimary: { region: db.oldPrimary.region, identifier: db.oldPrimary.identifier },
      region,
      names: {
        standby: standbyName,
        ...(db.kind === 'aurora-global' ? { clusterInstance: copyInstanceName(standbyName) } : {}),
        snapshot: snapshotName(db.oldPrimary.identifier, 'pre', seed),
        finalSnapshot: snapshotName(db.oldPrimary.identifier, 'final', seed),
      },
      ...(globalCluster?.kind === 'aurora-global' ? { globalCluster: globalCluster.globalCluster } : {}),
      path: db.kind === 'rds-read-replica' ? 'rds-replica' : rejoined ? 'aurora-rejoined' : 'aurora-new-secondary',
      ...(kmsKeyId && (reading?.writer?.encrypted ?? true) ? { kmsKeyId } : {}),
      ...(instanceClass ? { instanceClass } : {}),
      deleteOldPrimary: db.kind === 'rds-read-replica' && settings?.deleteOldPrimary === true,
      maxLagSeconds: plan.budgets.rpoSeconds,
    });
  }
  return findings.length > 0
    ? { decision: 'block', targets: [], findings }
    : { decision: 'proceed', targets, findings };
};

/**
 * The topology once every database is re-protected: each new standby, and the old primary `replaced` (RDS, a new
 * Aurora secondary) or gone from the topology because it is the standby now (an Aurora primary that rejoined).
 */
export const topologyAfterReprotect = (
  topology: Topology,
  results: readonly ReprotectResult[],
  change: { at: string; incidentId: string },
): Topology => {
  const byId = new Map(results.map((result) => [result.databaseId, result]));
  return {
    ...topology,
    databases: topology.databases.map((db) => {
      const result = byId.get(db.id);
      if (!result?.standby || result.state !== 'protected') return db;
      const { oldPrimary, ...rest } = db;
      if (result.oldPrimary === 'standby' || !oldPrimary) return { ...rest, standby: result.standby };
      return {
        ...rest,
        standby: result.standby,
        oldPrimary: { ...oldPrimary, state: 'replaced' as const, since: result.checkedAt },
      };
    }),
    updatedAt: change.at,
    updatedBy: change.incidentId,
  };
};
