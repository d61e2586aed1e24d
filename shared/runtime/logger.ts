import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Short static messages, data as attributes; plan, incident and execution are appended per
 * invocation by the middy stack. Never log a secret or a whole event.
 */
export const logger = new Logger({ serviceName: 'switchback' });

/** The part of the logger that use cases need; tests pass a silent one. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Tags this invocation's logs with a run's correlation keys (plan, incident, execution) and `extra` (a database). */
export const appendRunKeys = (
  run: { plan: string; incidentId: string; executionArn: string },
  extra: Record<string, string> = {},
): void => {
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn, ...extra });
};
