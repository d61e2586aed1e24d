import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { cleanUpRestore } from '../shared/usecases/restore-test/clean-up-restore';
import { restoreTestDatabaseSchema, restoreTestRunSchema } from '../shared/usecases/restore-test/context';
import { defaultRestoreDeps } from '../shared/usecases/restore-test/deps';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({ run: restoreTestRunSchema, database: restoreTestDatabaseSchema });

/** "Clean Up Restore": deletes the test's throwaway, without a final snapshot, whatever happened before. */
export const handler = lambdaHandler(async (event: unknown) => {
  const { run, database } = parseStepInput('Clean Up Restore task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, testId: run.testId, database: database.id });
  return cleanUpRestore({ run, database }, defaultRestoreDeps());
});
