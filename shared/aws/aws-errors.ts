import { EndpointUnreachableError, SwitchbackError, ThrottledError } from '../errors';

/**
 * Error names with which AWS says "slow down". Route 53 answers `PriorRequestNotComplete` when the same zone
 * changes too soon and `Throttling` past 10 requests/s (aws-facts.md: Route 53 Developer Guide, "Throttling of
 * API requests"); the other services use the remaining names.
 */
export const THROTTLING_ERROR_NAMES: readonly string[] = [
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'PriorRequestNotComplete',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
  'SlowDown',
];

const errorName = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const named = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [named.name, named.Code, named.code]) {
    if (typeof candidate === 'string' && candidate.length > 0) return candidate;
  }
  return undefined;
};

/** The name of an SDK (or any) error, for matching and for logs; `'UnknownError'` when it has none. */
export const awsErrorName = (error: unknown): string => errorName(error) ?? 'UnknownError';

/** True when AWS (or the SDK's own retry classification) says the call was throttled. */
export const isThrottling = (error: unknown): boolean => {
  const name = errorName(error);
  if (name !== undefined && THROTTLING_ERROR_NAMES.includes(name)) return true;
  const retryable = (error as { $retryable?: { throttling?: boolean } } | null | undefined)?.$retryable;
  return retryable?.throttling === true;
};

/** Node's network error codes that mean "nobody answered" (as opposed to an answer that says no). */
const NETWORK_ERROR_CODES: readonly string[] = [
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
];

/**
 * True when the call got no answer: the SDK's NodeHttpHandler timed out (name `TimeoutError`, set by the
 * connection and request timeouts of shared/aws/clients.ts) or the network failed; never for an HTTP answer.
 */
export const isUnreachable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata } = error as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if ($metadata?.httpStatusCode !== undefined) return false;
  return name === 'TimeoutError' || (typeof code === 'string' && NETWORK_ERROR_CODES.includes(code));
};

/**
 * Maps an error thrown by an AWS SDK call to the error the state machine should see: throttling becomes a
 * `ThrottledError` and no answer at all an `EndpointUnreachableError` (both retried with backoff by the ASL); a `SwitchbackError` passes through unchanged; anything
 * else is returned as is, so its original name and stack still reach the logs and the ASL `Catch` (a thrown
 * non-Error is wrapped in a `SwitchbackError`).
 *
 * Usage: `catch (error) { throw toSwitchbackError('rds', 'PromoteReadReplica', error); }`
 *
 * @param service - the AWS service, for the message (`'rds'`, `'route53'`, `'dynamodb'`)
 * @param operation - the API operation, for the message (`'PromoteReadReplica'`)
 * @param error - what the SDK threw
 */
export const toSwitchbackError = (service: string, operation: string, error: unknown): Error => {
  if (error instanceof SwitchbackError) return error;
  if (isThrottling(error)) return new ThrottledError(service, operation, error);
  if (isUnreachable(error)) return new EndpointUnreachableError(service, operation, error);
  if (error instanceof Error) return error;
  // Something that is not an Error (a string, a plain object) has no name for the ASL to match: wrap it.
  return new SwitchbackError(`${service} ${operation} failed: ${String(error)}`, { cause: error });
};
