import { InvalidRunInputError } from '../shared/errors';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { defaultRestoreDeps } from '../shared/usecases/restore-test/deps';
import { beginRestoreTest } from '../shared/usecases/restore-test/plan-restore-test';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The runbook input (README, "Runbook input") plus the execution name, which is the test id. */
const eventSchema = z.object({
  input: z.object({
    plan: z.string({ error: 'expected the plan name' }).check(z.minLength(1)),
    action: z.literal('restore-test', { error: 'expected action "restore-test"' }),
    database: z.optional(z.string().check(z.minLength(1))),
    requestedBy: z._default(z.string().check(z.minLength(1)), 'schedule'),
  }),
  testId: z.string().check(z.minLength(1)),
  /** $$.Execution.StartTime: the test began when its execution did. */
  startedAt: z.optional(z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' })),
});

/** "Plan Restore Tests": which databases, the test id, its start and deadline; then sweep earlier leftovers. */
export const handler = lambdaHandler(async (event: unknown) => {
  const { input, testId, startedAt } = parseStepInput('restore-test input', eventSchema, event);
  logger.appendKeys({ plan: input.plan, testId });
  try {
    return await beginRestoreTest(
      {
        plan: plans().get(input.plan),
        testId,
        database: input.database,
        requestedBy: input.requestedBy,
        ...(startedAt ? { startedAt } : {}),
      },
      { ...defaultRestoreDeps(), clock: systemClock },
    );
  } catch (error) {
    // A plan without restore-test settings or an unknown database: bad input, one line, never retried.
    if (error instanceof RangeError) {
      throw new InvalidRunInputError([{ path: input.database ? 'database' : 'plan', message: error.message }]);
    }
    throw error;
  }
});
