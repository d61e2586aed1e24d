import { awsErrorName, toSwitchbackError } from './aws-errors';

/**
 * How the RDS adapters (rds.ts, reprotect.ts, restore.ts) judge an answer: a "not found" fault is an answer, not a
 * failure, and a create that an earlier attempt made already is the success a retried step needs. Any other error
 * is named by operation (toSwitchbackError: throttling and no answer become the errors the ASL retries).
 */

/**
 * An RDS read whose `notFoundFault` means "there is none": `undefined`, or what `read` makes of the answer.
 *
 * @param operation - the API operation, for the error (`'DescribeDBInstances'`)
 * @param notFoundFault - the error name that means nothing of that name exists (`'DBInstanceNotFoundFault'`)
 */
export const readUnlessNotFound = async <T>(
  operation: string,
  notFoundFault: string,
  read: () => Promise<T | undefined>,
): Promise<T | undefined> => {
  try {
    return await read();
  } catch (error) {
    if (awsErrorName(error) === notFoundFault) return undefined;
    throw toSwitchbackError('rds', operation, error);
  }
};

/**
 * A create call that an earlier attempt (a retry, a redrive) may already have made: its "already exists" fault is
 * the success this step needs (the names are derived, so the resource is the one this runbook started).
 *
 * @param existsFault - the error name that means the resource exists already (`'DBInstanceAlreadyExistsFault'`)
 */
export const startOnce = async (
  operation: string,
  existsFault: string,
  send: () => Promise<unknown>,
): Promise<'started' | 'exists'> => {
  try {
    await send();
    return 'started';
  } catch (error) {
    if (awsErrorName(error) === existsFault) return 'exists';
    throw toSwitchbackError('rds', operation, error);
  }
};
