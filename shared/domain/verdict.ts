import type { Budgeted } from './run';

/**
 * The verdict of a recovery against its budgets, in the words every surface uses (the drill's table and JSON, its
 * HTML report, Slack): "recovered within the RTO and RPO budgets", or "recovered, 305 s over the RTO budget".
 */

/** Whole seconds over budget (rounded up), 0 when within it or not recorded. */
export const secondsOverBudget = (value: Budgeted | null | undefined): number =>
  value && !value.withinBudget ? Math.ceil(value.actualSeconds - value.budgetSeconds) : 0;

/** What a recovery missed: each budget overrun, in seconds. */
export interface RecoveryVerdict {
  /** e.g. "recovered, 305 s over the RTO budget and 35 s over the RPO budget" */
  text: string;
  /** True when neither budget was missed (a budget not recorded is not counted as missed). */
  withinBudgets: boolean;
  rtoOverSeconds: number;
  rpoOverSeconds: number;
}

/** The verdict of a run that recovered, from its RTO and RPO against their budgets. */
export const recoveryVerdict = (budgets: {
  rto?: Budgeted | null | undefined;
  rpo?: Budgeted | null | undefined;
}): RecoveryVerdict => {
  const rtoOverSeconds = secondsOverBudget(budgets.rto);
  const rpoOverSeconds = secondsOverBudget(budgets.rpo);
  const misses = [
    ...(budgets.rto && !budgets.rto.withinBudget ? [`${rtoOverSeconds} s over the RTO budget`] : []),
    ...(budgets.rpo && !budgets.rpo.withinBudget ? [`${rpoOverSeconds} s over the RPO budget`] : []),
  ];
  const recorded = [...(budgets.rto ? ['RTO'] : []), ...(budgets.rpo ? ['RPO'] : [])];
  const text =
    misses.length > 0
      ? `recovered, ${misses.join(' and ')}`
      : recorded.length > 0
        ? `recovered within the ${recorded.join(' and ')} budget${recorded.length > 1 ? 's' : ''}`
        : 'recovered';
  return { text, withinBudgets: misses.length === 0, rtoOverSeconds, rpoOverSeconds };
};
