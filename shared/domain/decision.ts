import type { Plan } from '../plan/schema';
import { backupMaxAgeSeconds } from '../plan/settings';
import type { Assessment, DatabaseAssessment, Mode, Trigger } from './run';
import { failoverRefusal, type Topology } from './topology';

/**
 * The Decide step: given the plan, what was measured and what the ledger says, proceed, ask a person, or skip.
 * Pure: the same readings always give the same decision, so a decision can be explained and tested.
 */

/** Seconds for people: whole numbers stay whole, others keep one decimal. */
export const formatSeconds = (seconds: number): string =>
  `${Number.isInteger(seconds) ? seconds : Math.round(seconds * 10) / 10} s`;

const ageSeconds = (time: string, now: Date): number => (now.getTime() - new Date(time).getTime()) / 1000;

/** Why the plan is not to be failed over now (a rule on its current topology, then the cool-down), or undefined. */
export const skipReason = (plan: Plan, topology: Topology, trigger: Trigger, now: Date): string | undefined => {
  const refusal = failoverRefusal(plan, topology);
  if (refusal) return refusal;
  // A person asking explicitly is not a flapping alarm: the cool-down only damps alarm-started runs.
  if (trigger.type === 'alarm' && topology.lastFailoverAt) {
    const since = ageSeconds(topology.lastFailoverAt, now);
    if (since >= 0 && since < plan.trigger.coolDownSeconds) {
      return (
        `plan ${plan.app} is in its cool-down: last failover at ${topology.lastFailoverAt}` +
        ` (${topology.lastIncidentId ?? 'unrecorded run'}), ${formatSeconds(Math.round(since))} ago,` +
        ` cool-down ${formatSeconds(plan.trigger.coolDownSeconds)}`
      );
    }
  }
  return undefined;
};

/** The worst lag of the databases still to promote; null when any of them is unknown. */
export const worstLag = (databases: readonly DatabaseAssessment[]): number | null => {
  let worst = 0;
  for (const db of databases) {
    if (db.alreadyPromoted) continue;
    if (db.lagSeconds === null) return null;
    worst = Math.max(worst, db.lagSeconds);
  }
  return worst;
};

/**
 * The databases promoted before the run began (an earlier run that failed after promoting them, or a person): what
 * each lost was decided then, with a lag this run cannot measure any more, so the run records no RPO
 * (recoveryPoint).
 */
export const promotedBeforeWarnings = (databases: readonly DatabaseAssessment[]): string[] =>
  databases
    .filter((db) => db.alreadyPromoted)
    .map(
      (db) =>
        `${db.id}: already promoted when this run began (by an earlier run or a person): the data it lost then was not measured by this run, which records no RPO; see the earlier run's record`,
    );

/**
 * Backup problems a failover warns about (a standby with no restorable time or an old one, no cross-region copy):
 * never a stop. Readiness reports the same warnings as findings.
 */
export const backupWarnings = (plan: Plan, databases: readonly DatabaseAssessment[], now: Date): string[] => {
  const limit = backupMaxAgeSeconds(plan);
  const warnings: string[] = [];
  for (const db of databases) {
    // A missing standby is a preflight finding (shared/domain/preflight.ts) that stops the run: no backup to judge.
    if (db.standbyStatus === 'not-found') continue;
    // A read replica usually has no automated backups of its own (RDS for PostgreSQL replicas never do): before
    // promotion, the restore point that survives the region is the cross-region copy checked below. The standby's
    // own restorable time counts once it is the writer; verify-recovery checks it again after promotion.
    if (db.alreadyPromoted || db.kind === 'aurora-global') {
      if (!db.latestRestorableTime) {
        warnings.push(`${db.id} has no restorable time: automated backups of the standby may be off`);
      } else {
        const age = Math.round(ageSeconds(db.latestRestorableTime, now));
        if (age > limit) {
          warnings.push(`${db.id} newest restorable point is ${formatSeconds(age)} old, limit ${formatSeconds(limit)}`);
        }
      }
    }
    // Once promoted, the old primary's backups are history: a missing copy of them says nothing about this run.
    // An Aurora global database's secondary cluster is itself the cross-region copy (storage-level replication,
    // Aurora User Guide, Global Database): its lag is the measure, checked against the RPO budget.
    if (plan.backups.crossRegionCopy && !db.alreadyPromoted && db.kind === 'rds-read-replica') {
      if (!db.latestCrossRegionCopy) {
        warnings.push(`${db.id} has no cross-region backup copy in ${plan.regions.standby} (backups.crossRegionCopy)`);
      } else {
        const age = Math.round(ageSeconds(db.latestCrossRegionCopy, now));
        if (age > limit) {
          warnings.push(
            `${db.id} cross-region backup copy is ${formatSeconds(age)} old, limit ${formatSeconds(limit)}`,
          );
        }
      }
    }
  }
  return warnings;
};

const lagReasons = (plan: Plan, databases: readonly DatabaseAssessment[]): string[] => {
  const budget = plan.budgets.rpoSeconds;
  const reasons: string[] = [];
  for (const db of databases) {
    if (db.alreadyPromoted) continue;
    if (db.lagSeconds === null) {
      reasons.push(`${db.id} replica lag unknown (no datapoint): the data at risk cannot be measured`);
    } else if (db.lagSeconds > budget) {
      reasons.push(`${db.id} replica lag ${formatSeconds(db.lagSeconds)} > RPO budget ${formatSeconds(budget)}`);
    }
  }
  return reasons;
};

/**
 * Decides whether a run proceeds, waits for approval or is skipped.
 *
 * - the plan already runs in its standby region: skip (no failback by accident);
 * - an alarm-started run within `trigger.coolDownSeconds` of the last failover: skip (a flapping alarm);
 * - `trigger.approval`: `always` asks; `on-lag-over-rpo` asks when the worst lag exceeds `budgets.rpoSeconds` or
 *   any lag is unknown; `auto` proceeds;
 * - dry-run never pauses: "approve" becomes "proceed" with a warning saying what would have been asked;
 * - stale backups or a missing cross-region copy are warnings, never a stop: the region is down and recovery
 *   matters more, but a person must know;
 * - `readinessAsks` (what the plan's last readiness found that a person must weigh, such as a standby endpoint that
 *   fails its health check: standbyHealthByReadiness) ask for approval with `always` and `on-lag-over-rpo`, and are
 *   warnings with `auto`.
 *
 * @param plan - the validated plan
 * @param readings - one reading per database of the plan
 * @param mode - the run's mode
 * @param topology - the plan's current topology (shared/domain/topology.ts)
 * @param now - the decision time
 * @param trigger - how the run began (the cool-down applies to alarms only)
 * @param readinessAsks - questions from the plan's last readiness
 */
export const decide = (
  plan: Plan,
  readings: readonly DatabaseAssessment[],
  mode: Mode,
  topology: Topology,
  now: Date,
  trigger: Trigger = { type: 'manual' },
  readinessAsks: readonly string[] = [],
): Assessment => {
  const base = {
    decidedAt: now.toISOString(),
    databases: [...readings],
    maxLagSeconds: worstLag(readings),
    approvalTimeoutSeconds: plan.trigger.approvalTimeoutSeconds,
  };
  const skip = skipReason(plan, topology, trigger, now);
  if (skip) return { ...base, decision: 'skip', reasons: [skip], warnings: [] };

  const warnings = [...promotedBeforeWarnings(readings), ...backupWarnings(plan, readings, now)];
  let asks: string[] = [];
  let reasons: string[];
  switch (plan.trigger.approval) {
    case 'always':
      asks = [`plan ${plan.app} asks for approval of every failover (trigger.approval: always)`, ...readinessAsks];
      reasons = asks;
      break;
    case 'on-lag-over-rpo': {
      asks = [...lagReasons(plan, readings), ...readinessAsks];
      const worst = base.maxLagSeconds;
      reasons = asks.length
        ? asks
        : [
            `worst replica lag ${formatSeconds(worst ?? 0)} within RPO budget ${formatSeconds(plan.budgets.rpoSeconds)}`,
          ];
      break;
    }
    case 'auto':
      reasons = [`plan ${plan.app} fails over without approval (trigger.approval: auto)`];
      warnings.push(...readinessAsks);
      break;
  }
  if (asks.length === 0) return { ...base, decision: 'proceed', reasons, warnings };
  if (mode === 'dry-run') {
    return {
      ...base,
      decision: 'proceed',
      reasons,
      warnings: [...warnings, `would request approval: ${asks.join('; ')}`],
    };
  }
  return { ...base, decision: 'approve', reasons, warnings };
};
