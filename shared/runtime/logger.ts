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
