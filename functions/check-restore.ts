import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { checkRestore } from '../shared/usecases/restore-test/check-restore';
import { restoreStateSchema, restoreTestRunSchema } from '../shared/usecases/restore-test/context';
import { defaultRestoreDeps } from '../shared/usecases/restore-test/deps';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({ run: restoreTestRunSchema, restore: restoreStateSchema });

/** "Check Restore": is the throwaway available yet (bounded by the test's deadline). */
export const handler = lambdaHandler(async (event: unknown) => {
  const { run, restore } = parseStepInput('Check Restore task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, testId: run.testId, instance: restore.instance });
  return checkRestore({ run, restore }, defaultRestoreDeps());
});
