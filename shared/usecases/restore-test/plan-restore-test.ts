import { awsErrorName } from '../../aws/aws-errors';
import { databasesToTest, restoreTestDeadline, restoreTestSettings } from '../../domain/restore-test';
import type { Plan } from '../../plan/schema';
import type { RestoreTestRun } from './context';
import type { RestoreStepDeps } from './start-restore';
import { sweepRestores } from './sweep-restores';

/**
 * "Plan Restore Tests": which databases this test restores, when it began and by when it must be over. The test id
 * is the execution's name, so a redrive keeps it (and with it the throwaways' names).
 */
export const planRestoreTest = (
  input: {
    plan: Plan;
    testId: string;
    database?: string;
    requestedBy: string;
    /** When the test's execution started ($$.Execution.StartTime); default now. */
    startedAt?: string;
  },
  deps: { now: Date },
): {
  run: RestoreTestRun;
  databases: { id: string; kind: Plan['databases'][number]['kind'] }[];
  validationHook: string | null;
} => {
  const settings = restoreTestSettings(input.plan);
  const databases = databasesToTest(input.plan, input.database).map((db) => ({ id: db.id, kind: db.kind }));
  // The execution's start, so that whoever records the test later (on-run-failed, for a test that ended before its
  // record) keys it as this step does.
  const startedAt = input.startedAt ?? deps.now.toISOString();
  const deadline = restoreTestDeadline(startedAt, settings);
  return {
    run: {
      plan: input.plan.app,
      testId: input.testId,
      region: input.plan.regions.standby,
      startedAt,
      deadline,
      requestedBy: input.requestedBy,
    },
    databases,
    // null rather than absent: the state machine passes it to every database's iteration by path.
    validationHook: settings.validationHook ?? null,
  };
};

/**
 * "Plan Restore Tests" as the state machine runs it: the plan of the test, then the sweep of earlier tests'
 * leftovers past their deadline in the standby region. A sweep that fails is reported, not thrown: it must not stop
 * the test (the next test sweeps again).
 */
export const beginRestoreTest = async (
  input: Parameters<typeof planRestoreTest>[0],
  deps: RestoreStepDeps,
): Promise<ReturnType<typeof planRestoreTest> & { sweep: { swept: string[]; error?: string } }> => {
  const planned = planRestoreTest(input, { now: deps.clock.now() });
  try {
    const { swept } = await sweepRestores({ region: planned.run.region }, deps);
    return { ...planned, sweep: { swept } };
  } catch (error) {
    deps.log.warn('sweep of leftover throwaways failed', { errorName: awsErrorName(error) });
    return { ...planned, sweep: { swept: [], error: awsErrorName(error) } };
  }
};
