import type { ValidationHookPort } from '../../aws/validation-hook';
import type { Log } from '../../runtime/logger';
import type { RestoreState, RestoreTestRun } from './context';
import { ValidationHookFailedError } from './errors';

/**
 * "Validate Restore": gives the plan's validation hook (a Lambda the team owns, e.g. row counts or a checksum) the
 * restored endpoint and records its verdict. A hook that says "not passed" is a result, not an error.
 *
 * @throws ValidationHookFailedError when the throwaway has no endpoint to give
 */
export const validateRestore = async (
  input: { run: RestoreTestRun; database: { id: string }; restore: RestoreState; validationHook: string },
  deps: { hook: ValidationHookPort; log: Log },
): Promise<{ hook: string; passed: boolean; detail?: string }> => {
  const { run, database, restore, validationHook } = input;
  if (!restore.endpoint) {
    throw new ValidationHookFailedError(`${restore.instance} has no endpoint to validate`);
  }
  const answer = await deps.hook.invoke(validationHook, {
    plan: run.plan,
    database: database.id,
    testId: run.testId,
    endpoint: restore.endpoint,
    restorePointTime: restore.restorePointTime,
  });
  deps.log.info('validation hook answered', { hook: validationHook, passed: answer.passed });
  return { hook: validationHook, ...answer };
};
