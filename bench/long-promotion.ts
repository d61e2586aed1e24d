import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlanFile } from '../shared/plan/load';
import type { Plan } from '../shared/plan/schema';
import { runDrill } from '../sim/drill';
import { countHistory } from '../sim/history';
import { loadFailoverDefinition } from '../sim/local-runner';
import { criticalPathRatio, type DrillReport } from '../sim/report';
import type { TimingOverrides } from '../sim/timing';
import type { SimCall } from '../sim/world';

/**
 * The `long-promotion` bench: a plan with 10 databases (5 RDS read replicas, 5 Aurora global clusters) whose
 * promotions take 60 minutes, and a Route 53 change that takes 15 minutes to reach INSYNC (observed "> 10 min during
 * incidents", aws-facts.md: DNS), run as a drill through the real failover state machine. What Step Functions
 * would log and bill for it, how hard it polls RDS, and how far its RTO is from the critical-path bound.
 */

export const LONG_PROMOTION_DATABASES = 10;
export const LONG_PROMOTION_TIMING: TimingOverrides = {
  rds: { promoteSeconds: 3600, promoteJitter: 0 },
  aurora: { failoverSeconds: 3600, switchoverSeconds: 3600, jitter: 0 },
  route53: { changeInSyncSeconds: 900 },
};
/** A quarter of Step Functions' 25,000-event history quota (aws-facts.md, Orchestration: Step Functions quotas). */
export const TARGET_HISTORY_EVENTS = 6250;

/**
 * The example plan with `count` databases, half RDS read replicas and half Aurora global clusters, named after the
 * example's two (`orders-db-1`, `catalog-1`, ...), and an RTO budget of 2 hours: an hour-long promotion is expected.
 */
export const manyDatabasePlan = (base: Plan, count: number): Plan => {
  const [rds, aurora] = [
    base.databases.find((db) => db.kind === 'rds-read-replica'),
    base.databases.find((db) => db.kind === 'aurora-global'),
  ];
  if (rds?.kind !== 'rds-read-replica' || aurora?.kind !== 'aurora-global') {
    throw new Error('the base plan needs one rds-read-replica and one aurora-global database');
  }
  const databases = Array.from({ length: count }, (_, i): Plan['databases'][number] => {
    const n = Math.floor(i / 2) + 1;
    return i % 2 === 0
      ? {
          ...rds,
          id: `${rds.id}-${n}`,
          primary: { ...rds.primary, instance: `${rds.primary.instance}-${n}` },
          replica: { ...rds.replica, instance: `${rds.replica.instance}-${n}` },
        }
      : {
          ...aurora,
          id: `${aurora.id}-${n}`,
          globalCluster: `${aurora.globalCluster}-${n}`,
          primary: { ...aurora.primary, cluster: `${aurora.primary.cluster}-${n}` },
          secondary: { ...aurora.secondary, cluster: `${aurora.secondary.cluster}-${n}` },
        };
  });
  return { ...base, budgets: { ...base.budgets, rtoSeconds: 7200 }, databases };
};

export interface LongPromotionResult {
  report: DrillReport;
  historyEvents: number;
  stateTransitions: number;
  /** RDS Describe* calls the failover execution made, per minute of its run: mean and the busiest minute. */
  rdsDescribesPerMinute: { mean: number; peak: number; total: number };
  /** RTO actual / critical-path lower bound (null when the run did not recover). */
  rtoRatio: number | null;
}

/** RDS Describe* calls between `fromMs` and `toMs`: the total, per minute on average, and in the busiest minute. */
export const describeRate = (
  calls: readonly SimCall[],
  fromMs: number,
  toMs: number,
): { mean: number; peak: number; total: number } => {
  const describes = calls.filter(
    (c) => c.client === 'RDSClient' && c.operation.startsWith('Describe') && c.atMs >= fromMs && c.atMs <= toMs,
  );
  const perMinute = new Map<number, number>();
  for (const call of describes) {
    const minute = Math.floor((call.atMs - fromMs) / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  const minutes = Math.max(1 / 60, (toMs - fromMs) / 60_000);
  return { mean: describes.length / minutes, peak: Math.max(0, ...perMinute.values()), total: describes.length };
};

/** Runs the long-promotion drill (see the module comment) on `basePlanFile` with 10 databases. */
export const runLongPromotion = async (basePlanFile: string, seed = 1): Promise<LongPromotionResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'switchback-long-promotion-'));
  try {
    const planFile = join(dir, 'long-promotion.yml');
    // JSON is YAML: the plan file is the plan as data.
    writeFileSync(planFile, JSON.stringify(manyDatabasePlan(loadPlanFile(basePlanFile), LONG_PROMOTION_DATABASES)));
    const { report, runner, world } = await runDrill({
      planFile,
      scenario: 'region-outage',
      seed,
      slackPreview: false,
      timing: LONG_PROMOTION_TIMING,
      wallTimeoutMs: 900_000,
    });
    const execution = runner.list()[0];
    if (!execution) throw new Error('the long-promotion drill started no failover execution');
    const { events, stateTransitions } = countHistory(loadFailoverDefinition(), execution);
    const fromMs = execution.startDate.getTime();
    const toMs = execution.stopDate?.getTime() ?? world.clock.now();
    return {
      report,
      historyEvents: events,
      stateTransitions,
      rdsDescribesPerMinute: describeRate(world.liveCalls, fromMs, toMs),
      rtoRatio: criticalPathRatio(report),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
