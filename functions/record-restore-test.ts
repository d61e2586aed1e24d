import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import {
  caughtErrorSchema,
  cleanupResultSchema,
  restoreStateSchema,
  restoreTestDatabaseSchema,
  restoreTestRunSchema,
  validationResultSchema,
} from '../shared/usecases/restore-test/context';
import { defaultRecordDeps } from '../shared/usecases/restore-test/deps';
import { recordRestoreTest } from '../shared/usecases/restore-test/record-restore-test';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({
  run: restoreTestRunSchema,
  database: restoreTestDatabaseSchema,
  // As the state machine keeps each step's result: $.restore.state, $.validation.result, $.cleanup.result.
  restore: z.optional(z.object({ state: restoreStateSchema })),
  validation: z.optional(z.object({ result: validationResultSchema })),
  cleanup: z.optional(z.object({ result: cleanupResultSchema })),
  error: z.optional(caughtErrorSchema),
});

/** "Record Restore Test": the evidence of one database's test into the ledger, metrics and an event. */
export const handler = lambdaHandler(async (event: unknown) => {
  const { run, database, restore, validation, cleanup, error } = parseStepInput(
    'Record Restore Test task payload',
    eventSchema,
    event,
  );
  logger.appendKeys({ plan: run.plan, testId: run.testId, database: database.id });
  return recordRestoreTest(
    {
      plan: plans().get(run.plan),
      run,
      database,
      restore: restore?.state,
      validation: validation?.result,
      cleanup: cleanup?.result,
      error,
    },
    defaultRecordDeps(),
  );
});
