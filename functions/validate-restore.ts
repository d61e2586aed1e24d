import { LambdaValidationHook } from '../shared/aws/validation-hook';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { onColdStart } from '../shared/runtime/warm';
import {
  restoreStateSchema,
  restoreTestDatabaseSchema,
  restoreTestRunSchema,
} from '../shared/usecases/restore-test/context';
import { validateRestore } from '../shared/usecases/restore-test/validate-restore';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({
  run: restoreTestRunSchema,
  database: restoreTestDatabaseSchema,
  restore: restoreStateSchema,
  validationHook: z.string().check(z.minLength(1)),
});

let hook: LambdaValidationHook | undefined;
onColdStart(() => {
  hook = undefined;
});

/** "Validate Restore": the plan's validation hook, given the restored endpoint. */
export const handler = lambdaHandler(async (event: unknown) => {
  const input = parseStepInput('Validate Restore task payload', eventSchema, event);
  logger.appendKeys({ plan: input.run.plan, testId: input.run.testId, database: input.database.id });
  hook ??= new LambdaValidationHook();
  return validateRestore(input, { hook, log: logger });
});
