import type { Plan } from '../plan/schema';
import { buildPhases, type RunProgress, roundSeconds } from './phases';
import type { ActionRecord, Budgeted, Outcome, PromotionResult, RunRecord } from './run';

/**
 * RTO and RPO actuals against the plan's budgets, and the run record they go into: the evidence a run leaves.
 */

/** An actual against its budget; seconds rounded to milliseconds. */
export const budgeted = (actualSeconds: number, budgetSeconds: number): Budgeted => {
  const actual = roundSeconds(actualSeconds);
  return { actualSeconds: actual, budgetSeconds, withinBudget: actual <= budgetSeconds };
};

/** RTO: from the start of impact to the end of verification; undefined until verification ended. */
export const recoveryTime = (plan: Plan, progress: RunProgress): Budgeted | undefined => {
  const endedAt = progress.verification?.endedAt;
  if (!endedAt) return undefined;
  const seconds = (new Date(endedAt).getTime() - new Date(progress.run.impactStartedAt).getTime()) / 1000;
  return budgeted(Math.max(0, seconds), plan.budgets.rtoSeconds);
};

/**
 * RPO: the worst replica lag at promotion, the data that may have been lost. A promotion that could not measure
 * its lag is covered by the lag measured at assessment, so an unknown never reads as zero. A database promoted before
 * the run began (by an earlier run that failed after it, or by a person) lost what it lost then, unmeasured by this
 * run: the RPO is then unknown, not recorded (Assess warns which database).
 */
export const recoveryPoint = (plan: Plan, progress: RunProgress): Budgeted | undefined => {
  if (progress.assessment?.databases.some((db) => db.alreadyPromoted)) return undefined;
  const promotions: readonly PromotionResult[] = progress.promotions ?? [];
  const known = promotions.map((p) => p.lagSecondsAtPromotion).filter((lag): lag is number => lag !== null);
  const assessed = progress.assessment?.maxLagSeconds ?? null;
  if (known.length < promotions.length || promotions.length === 0) {
    if (assessed !== null) known.push(assessed);
  }
  if (known.length === 0) return undefined;
  return budgeted(Math.max(...known), plan.budgets.rpoSeconds);
};

/** Every mutating call of the run, made or planned, in time order. */
export const runActions = (progress: RunProgress): ActionRecord[] =>
  [...(progress.promotions ?? []).flatMap((p) => p.actions), ...(progress.dns?.actions ?? [])].sort((a, b) =>
    a.at.localeCompare(b.at),
  );

/**
 * The run record of a run that reached `progress` and ends (or stands) with `outcome` at `endedAt`. RTO is
 * reported for a recovery only: a skipped or denied run recovered nothing. RPO is reported for a recovery (the data
 * lost) and for a run awaiting approval (the data that approving would lose: what the person is asked to accept).
 */
export const buildRunRecord = (plan: Plan, progress: RunProgress, outcome: Outcome, endedAt: string): RunRecord => {
  const recovered = outcome === 'recovered';
  const rto = recovered ? recoveryTime(plan, progress) : undefined;
  const rpo = recovered || outcome === 'awaiting-approval' ? recoveryPoint(plan, progress) : undefined;
  return {
    run: progress.run,
    outcome,
    phases: buildPhases(progress),
    ...(rto ? { rto } : {}),
    ...(rpo ? { rpo } : {}),
    actions: runActions(progress),
    warnings: [...(progress.assessment?.warnings ?? []), ...(progress.verification?.warnings ?? [])],
    ...(progress.verification ? { checks: progress.verification.checks } : {}),
    ...(progress.assessment ? { reasons: progress.assessment.reasons } : {}),
    ...(progress.approval ? { approval: progress.approval } : {}),
    ...(progress.assessment?.preflight?.findings.length ? { findings: progress.assessment.preflight.findings } : {}),
    endedAt,
  };
};
