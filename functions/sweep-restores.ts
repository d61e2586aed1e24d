import { z } from 'zod';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { restoreTestRunSchema } from '../shared/usecases/restore-test/context';
import { defaultRestoreDeps } from '../shared/usecases/restore-test/deps';
import { sweepRestores } from '../shared/usecases/restore-test/sweep-restores';
import { parseStepInput } from '../shared/usecases/step-inputs';

const eventSchema = z.object({ run: restoreTestRunSchema });

/** "Sweep Leftovers": deletes Switchback throwaways past their deadline in the standby region. */
export const handler = lambdaHandler(async (event: unknown) => {
  const { run } = parseStepInput('Sweep Leftovers task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, testId: run.testId });
  return sweepRestores({ region: run.region }, defaultRestoreDeps());
});
