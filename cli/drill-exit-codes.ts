/** `switchback drill` exit codes (README, "Drills"; `switchback drill --help`). */
export const DRILL_EXIT_CODES = {
  /** The run recovered within its RTO and RPO budgets. */
  withinBudgets: 0,
  /** The drill could not run: a bad plan, an unknown scenario, a drill that got stuck. */
  error: 1,
  /** Bad flags. */
  usage: 2,
  /** The run recovered but missed its RTO or RPO budget. */
  overBudget: 3,
  /**
   * The run did not recover: it failed, was denied, or stopped at an approval nobody answered; or it says it
   * recovered while DNS answers another region for one of the plan's records, or a database's writer takes no
   * writes there (the drill's DNS and writer checks).
   */
  notRecovered: 4,
} as const;

/** The exit code for a drill's report, so that a pipeline can gate on the RTO and RPO budgets. */
export const drillExitCode = (report: {
  outcome: string;
  withinBudgets: boolean | null;
  restoreTests?: { passed: boolean; withinRto?: boolean }[];
  dns?: { disagreements: string[] };
  writers?: { disagreements: string[] };
  legs?: { dns?: { disagreements: string[] } }[];
}): number => {
  // A restore-test drill: a failed test is "not recovered" (from backup), a restore slower than the RTO over budget.
  if (report.outcome === 'tested') {
    const tests = report.restoreTests ?? [];
    if (tests.length === 0 || tests.some((t) => !t.passed)) return DRILL_EXIT_CODES.notRecovered;
    return tests.some((t) => t.withinRto === false) ? DRILL_EXIT_CODES.overBudget : DRILL_EXIT_CODES.withinBudgets;
  }
  const checksFailed =
    (report.dns?.disagreements.length ?? 0) +
      (report.writers?.disagreements.length ?? 0) +
      (report.legs ?? []).reduce((sum, leg) => sum + (leg.dns?.disagreements.length ?? 0), 0) >
    0;
  if (report.outcome !== 'recovered' || checksFailed) return DRILL_EXIT_CODES.notRecovered;
  return report.withinBudgets === false ? DRILL_EXIT_CODES.overBudget : DRILL_EXIT_CODES.withinBudgets;
};
