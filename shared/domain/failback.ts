import { fenceTargets } from './fence';
import type { PreflightFinding } from './preflight';
import type { PromotionResult } from './run';
import { type DatabaseCopy, type DatabaseTopology, describeCopy, type Topology } from './topology';

/**
 * The failback runbook's pure rules: a planned return to the plan's primary region with no data loss. It needs a
 * re-protected topology (each database's standby in the primary region) and zero replica lag before any promotion.
 * Aurora moves with SwitchoverGlobalCluster, which waits for the secondary to catch up and keeps the old writer as a
 * secondary (RPO 0; aws-facts.md: Aurora User Guide, "Disaster recovery for Aurora global databases"); RDS promotes
 * the replica in the primary region once its lag is 0, and the old writer becomes an old primary to fence and
 * re-protect (a promoted RDS replica has no replica of its own).
 */

/** One database to move back: from its writer now to its standby in the plan's primary region. */
export interface FailbackTarget {
  id: string;
  kind: DatabaseTopology['kind'];
  /** The writer now (it stops being the writer). */
  from: DatabaseCopy;
  /** The standby in the plan's primary region (it becomes the writer). */
  to: DatabaseCopy;
  /** The Aurora global cluster's identifier (aurora-global only). */
  globalCluster?: string;
}

/** What "Assess Failback" found: the targets, or why the run may not go on (nothing is changed then). */
export interface FailbackPlan {
  decision: 'proceed' | 'skip' | 'block';
  targets: FailbackTarget[];
  findings: PreflightFinding[];
  reasons: string[];
}

/**
 * Which databases a failback moves, and whether it may: `skip` when the plan's primary region serves already with
 * every writer there, `block` (with one finding per database) when a database has no standby in the primary region
 * (not re-protected), `proceed` otherwise.
 */
export const failbackPlan = (
  topology: Topology,
  primaryRegion: string,
  globalClusters: Record<string, string>,
): FailbackPlan => {
  const home = topology.databases.every((db) => db.writer.region === primaryRegion);
  if (topology.activeRegion === primaryRegion && home) {
    return {
      decision: 'skip',
      targets: [],
      findings: [],
      reasons: [`${primaryRegion} serves already and every database writes there: nothing to fail back`],
    };
  }
  const findings: PreflightFinding[] = [];
  const targets: FailbackTarget[] = [];
  for (const db of topology.databases) {
    if (db.writer.region === primaryRegion) continue;
    if (!db.standby || db.standby.region !== primaryRegion) {
      findings.push({
        check: 'standby-exists',
        resource: `${db.kind === 'rds-read-replica' ? 'rds' : 'aurora'}:${db.writer.region}:${db.writer.identifier}`,
        expected: `a standby of ${db.id} replicating in ${primaryRegion}`,
        found: db.standby ? `its standby is ${describeCopy(db.standby)}` : 'no standby (not re-protected)',
        fix: `re-protect ${db.id} into ${primaryRegion} first (the reprotect runbook), then run the failback again`,
      });
      continue;
    }
    targets.push({
      id: db.id,
      kind: db.kind,
      from: db.writer,
      to: db.standby,
      ...(globalClusters[db.id] ? { globalCluster: globalClusters[db.id] } : {}),
    });
  }
  if (findings.length > 0) {
    return {
      decision: 'block',
      targets: [],
      findings,
      reasons: findings.map((f) => `${f.resource}: expected ${f.expected}, found ${f.found}`),
    };
  }
  return {
    decision: 'proceed',
    targets,
    findings: [],
    reasons: targets.map((t) => `${t.id}: back from ${describeCopy(t.from)} to ${describeCopy(t.to)}`),
  };
};

/** One database's replica lag, as "Check Failback Lag" read it. */
export interface LagReading {
  databaseId: string;
  kind: DatabaseTopology['kind'];
  /** Seconds; null when no datapoint could be read (unknown is not zero). */
  lagSeconds: number | null;
  /** Aurora: the secondary's synchronization status (a switchover needs it `connected`). */
  synchronizationStatus?: string;
  /** RDS: the standby no longer replicates, an earlier attempt of this failback promoted it (its lag is history). */
  alreadyPromoted?: boolean;
}

/**
 * Whether a reading allows a promotion with no data loss. RDS: ReplicaLag must read 0 (an RDS promotion stops
 * replication where it stands). Aurora: the secondary must be connected; SwitchoverGlobalCluster itself waits until
 * the secondary has caught up, so its sub-second lag is not lost (aws-facts.md: Aurora User Guide).
 */
export const lagCleared = (reading: LagReading): boolean =>
  reading.kind === 'rds-read-replica'
    ? reading.lagSeconds === 0 || reading.alreadyPromoted === true
    : reading.synchronizationStatus === undefined || reading.synchronizationStatus === 'connected';

/** The "Check Failback Lag" decision: proceed, wait (until `waitUntil`), or block when the bound has passed. */
export interface LagDecision {
  decision: 'proceed' | 'wait' | 'block';
  readings: LagReading[];
  /** The bound of the wait, set by the first check. */
  waitUntil: string;
  /** Seconds the Wait state waits before the next check. */
  pollSeconds: number;
  checks: number;
  findings: PreflightFinding[];
  checkedAt: string;
}

/** Decides from the readings and the bound: every lag cleared, proceed; else wait until `waitUntil`, then block. */
export const decideLag = (
  readings: LagReading[],
  bound: {
    now: Date;
    waitUntil: string;
    pollSeconds: number;
    checks: number;
    /** The most checks the bound allows (maxLagWaitSeconds / pollSeconds, plus the first). */
    maxChecks: number;
    targets: FailbackTarget[];
  },
): LagDecision => {
  const pending = readings.filter((reading) => !lagCleared(reading));
  const base = {
    readings,
    waitUntil: bound.waitUntil,
    pollSeconds: bound.pollSeconds,
    checks: bound.checks,
    checkedAt: bound.now.toISOString(),
  };
  if (pending.length === 0) return { ...base, decision: 'proceed', findings: [] };
  // Bounded by time and by checks: each Wait lasts pollSeconds, so the checks bound the wait even on a clock that
  // does not move (a state-machine test's zero-length waits).
  if (bound.now.getTime() < Date.parse(bound.waitUntil) && bound.checks < bound.maxChecks) {
    return { ...base, decision: 'wait', findings: [] };
  }
  return {
    ...base,
    decision: 'block',
    findings: pending.map((reading) => {
      const target = bound.targets.find((t) => t.id === reading.databaseId);
      const where = target ? describeCopy(target.to) : reading.databaseId;
      return {
        check: 'standby-replicating',
        resource: `${reading.kind === 'rds-read-replica' ? 'rds' : 'aurora'}:${target?.to.region ?? ''}:${target?.to.identifier ?? reading.databaseId}`,
        expected: reading.kind === 'rds-read-replica' ? 'replica lag 0 s' : 'the secondary connected',
        found:
          reading.kind === 'rds-read-replica'
            ? `${where}: replica lag ${reading.lagSeconds === null ? 'unknown' : `${reading.lagSeconds} s`} until ${bound.waitUntil}`
            : `${where}: ${reading.synchronizationStatus}`,
        fix:
          'pause the application writes (failback.writePause in the plan) or wait for a quiet period, check the ' +
          'replica, then run the failback again',
      };
    }),
  };
};

/**
 * What one "Fail Back Database" step found or did; `done` ends its polling. A PromotionResult (Flip DNS and the
 * notifier read it as the failover's), with the writer it ends on.
 */
export interface FailbackResult extends PromotionResult {
  /** The copy that writes when done (the same as `newPrimary`). */
  writer: DatabaseCopy;
  /** The Aurora global cluster's identifier (aurora-global only). */
  globalCluster?: string;
  done: boolean;
  checks: number;
  detail: string;
}

/**
 * The topology after a failback: the plan's primary region serves; an Aurora database's old writer stays as the
 * secondary (the switchover re-protects it the other way); an RDS database's old writer is an old primary whose
 * state is unknown until the fence runbook looks, and the database has no standby until reprotect gives it one.
 * A topology this failback already moved (its `lastFailbackIncidentId`) is returned as it is: a retried or redriven
 * Record Failback must not swap an Aurora database's writer and standby back.
 */
export const topologyAfterFailback = (
  topology: Topology,
  primaryRegion: string,
  /** The databases that moved back (their failback results, or every database once all of them did). */
  results: readonly Pick<FailbackResult, 'databaseId'>[],
  change: { at: string; incidentId: string },
): Topology => {
  if (topology.lastFailbackIncidentId === change.incidentId) return topology;
  const byId = new Map(results.map((result) => [result.databaseId, result]));
  // The records of the region that serves again answer their own values (Flip DNS Back restored them): their fences
  // are over. A fence of the other region's records stays (the fence runbook adds those).
  const { dnsFences: fences = [], ...rest } = topology;
  const dnsFences = fences.filter((fence) => fence.region !== primaryRegion);
  return {
    ...rest,
    ...(dnsFences.length > 0 ? { dnsFences } : {}),
    activeRegion: primaryRegion,
    databases: topology.databases.map((db): DatabaseTopology => {
      const result = byId.get(db.id);
      if (!result || !db.standby) return db;
      const base = { id: db.id, kind: db.kind, writer: db.standby };
      if (db.kind === 'aurora-global') return { ...base, standby: db.writer };
      return { ...base, standby: null, oldPrimary: { ...db.writer, state: 'unknown', since: change.at } };
    }),
    lastFailbackAt: change.at,
    lastFailbackIncidentId: change.incidentId,
    updatedAt: change.at,
    updatedBy: change.incidentId,
  };
};

/**
 * The runbooks a standalone failback starts once it recovered, to re-protect the other way: the fence of the old
 * writers it left in the other region, then reprotect (a new standby there). Named after the failback's incident,
 * like a game day's legs (`<incident>-<n>-<runbook>`), so a retried or redriven step finds the execution the first
 * attempt started and starts nothing twice. At most 80 characters (Step Functions' limit on execution names).
 */
export const reprotectBackNames = (incidentId: string): { fence: string; reprotect: string } => {
  const head = incidentId.slice(0, 80 - '-2-reprotect'.length);
  return { fence: `${head}-1-fence`, reprotect: `${head}-2-reprotect` };
};

/** Seconds between two looks at the fence a failback started (a fence of a region that answers takes minutes). */
export const REPROTECT_BACK_POLL_SECONDS = 30;
/** Looks at that fence before the failback stops waiting (about an hour): reprotect is then left to a person. */
export const REPROTECT_BACK_MAX_CHECKS = 120;

/**
 * What a standalone failback did to re-protect the other way (its record's `reprotectBack`): `started` the reprotect
 * runbook (`reprotect.execution`), `not-started` (why in `detail`, what to run in `command`: the fence failed or was
 * deferred, nothing needed re-protecting), or `waiting` for the old writers to be fenced, by the fence it started or
 * by whichever fence run holds the plan's lock.
 */
export interface ReprotectBack {
  state: 'waiting' | 'started' | 'not-started';
  fence?: { execution: string; outcome?: string };
  reprotect?: { execution: string; alreadyStarted: boolean };
  detail: string;
  /** Only when not started and a person should act: the command to run (once what `detail` says is done). */
  command?: string;
  checks: number;
  pollSeconds: number;
  checkedAt: string;
}

/**
 * The databases a re-protect the other way would act on (no standby) whose old writer no fence has fenced yet: the
 * topology decides, whichever fence run fenced them (reprotect refuses an old primary that is not fenced).
 */
export const unfencedForReprotect = (topology: Topology): DatabaseTopology[] => {
  const toFence = new Set(fenceTargets(topology, {}).map((target) => target.id));
  return topology.databases.filter((db) => db.standby === null && toFence.has(db.id));
};

/**
 * One line on what a standalone failback did to re-protect the other way, for its Slack message and `switchback
 * status`: "Re-protect started: <execution>", "Re-protect not started: <reason>; run <command>", or what it waits for.
 */
export const describeReprotectBack = (
  back: Pick<ReprotectBack, 'state' | 'detail' | 'command'> & { reprotect?: { execution: string } },
): string => {
  if (back.state === 'started') return `Re-protect started: ${back.reprotect?.execution ?? back.detail}`;
  if (back.state === 'waiting') return `Re-protect waits: ${back.detail}`;
  return `Re-protect not started: ${back.detail}${back.command ? `; run ${back.command}` : ''}`;
};
