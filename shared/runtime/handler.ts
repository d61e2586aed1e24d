import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { SwitchbackError } from '../errors';
import { logger } from './logger';

/**
 * The middy stack every Lambda shares: Lambda context and correlation keys in the logs, reset per invocation,
 * and one log line for any error that escapes (its name and message, never the event, which may carry a task
 * token). The error is re-thrown unchanged: its `name` is what the state machine's Retry/Catch match on.
 */
export const lambdaHandler = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): middy.MiddyfiedHandler<TEvent, TResult, Error, Context> =>
  middy<TEvent, TResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        const error = request.error;
        if (!error) return;
        logger.error('handler failed', {
          errorName: error.name,
          errorMessage: error.message,
          retryable: error instanceof SwitchbackError ? error.retryable : undefined,
        });
      },
    })
    .handler(handler);
