import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { restoreTestDatabaseSchema, restoreTestRunSchema } from '../shared/usecases/restore-test/context';
import { defaultRestoreDeps } from '../shared/usecases/restore-test/deps';
import { startRestore } from '../shared/usecases/restore-test/start-restore';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({ run: restoreTestRunSchema, database: restoreTestDatabaseSchema });

/** "Start Restore": the newest restorable point of one database into a tagged throwaway. */
export const handler = lambdaHandler(async (event: unknown) => {
  const { run, database } = parseStepInput('Start Restore task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, testId: run.testId, database: database.id });
  return startRestore({ run, database, plan: plans().get(run.plan) }, defaultRestoreDeps());
});
