/**
 * The one error base class. Every subclass sets `name`: it is what the state machine's `Retry` and `Catch`
 * match on (`ErrorEquals`), so a name, once published in an ASL file, is part of the contract.
 */
export class SwitchbackError extends Error {
  /** Whether retrying the same call later may succeed (throttling, a transient resource state). */
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchbackError';
    this.retryable = options.retryable ?? false;
  }
}

/** One problem with an input, located by its path (`databases[1].replica.region`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Formats issues as one line each: `  - <path>: <message>`. */
export const formatIssues = (issues: readonly FieldIssue[]): string =>
  issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n');

/** A DR plan that does not parse or does not match the plan schema. */
export class PlanValidationError extends SwitchbackError {
  readonly source: string;
  readonly issues: readonly FieldIssue[];

  constructor(source: string, issues: readonly FieldIssue[]) {
    super(`Plan ${source} is not valid:\n${formatIssues(issues)}`);
    this.name = 'PlanValidationError';
    this.source = source;
    this.issues = issues;
  }
}

/** A plan name that no loaded plan has. */
export class PlanNotFoundError extends SwitchbackError {
  constructor(plan: string, known: readonly string[]) {
    super(
      `No plan named "${plan}". Known plans: ${known.length ? known.join(', ') : '(none loaded)'}. ` +
        'Fix the "plan" field of the input, or add plans/<name>.yml and redeploy.',
    );
    this.name = 'PlanNotFoundError';
  }
}

/** A runbook input (manual run or alarm-started run) that does not match the documented shape. */
export class InvalidRunInputError extends SwitchbackError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super(`Runbook input is not valid:\n${formatIssues(issues)}`);
    this.name = 'InvalidRunInputError';
    this.issues = issues;
  }
}

/** An event that a handler cannot read; dropped with a log line, never retried. */
export class MalformedEventError extends SwitchbackError {
  readonly issues: readonly FieldIssue[];

  constructor(kind: string, issues: readonly FieldIssue[]) {
    super(`Malformed ${kind}:\n${formatIssues(issues)}`);
    this.name = 'MalformedEventError';
    this.issues = issues;
  }
}

/** The plan's lock is held by another incident. */
export class LockHeldError extends SwitchbackError {
  readonly holder: string;

  constructor(plan: string, holder: string) {
    super(`Plan ${plan} is locked by incident ${holder}; this run will not act on it.`);
    this.name = 'LockHeldError';
    this.holder = holder;
  }
}

/** AWS said "slow down" (Throttling, PriorRequestNotComplete, TooManyRequests): the ASL retries with backoff. */
export class ThrottledError extends SwitchbackError {
  constructor(service: string, operation: string, cause: unknown) {
    super(`${service} ${operation} was throttled`, { cause, retryable: true });
    this.name = 'ThrottledError';
  }
}

/**
 * An AWS endpoint gave no answer within the client's timeouts (shared/aws/clients.ts), or the network refused or
 * reset the connection: the region or the service is down or unreachable. Retried by the ASL with backoff up to the
 * step's deadline; after that the run stops at this step, recorded and redrivable.
 */
export class EndpointUnreachableError extends SwitchbackError {
  readonly service: string;
  readonly operation: string;

  constructor(service: string, operation: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `${service} ${operation} got no answer from its endpoint (${detail}). The service or its region is down or ` +
        'unreachable; the run can be redriven from this step once it answers.',
      { cause, retryable: true },
    );
    this.name = 'EndpointUnreachableError';
    this.service = service;
    this.operation = operation;
  }
}

/**
 * The plan's DNS switch cannot be made now: its API does not answer (Route 53's control plane in us-east-1 for
 * `route53-records`, every ARC cluster endpoint for `arc-routing-control`). Thrown before any database changes, so
 * that the run does not promote databases it could not follow with a DNS switch.
 */
export class DnsSwitchUnavailableError extends SwitchbackError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retryable: true });
    this.name = 'DnsSwitchUnavailableError';
  }
}

/** A resource is in a state that passes by itself (an RDS replica that is `backing-up`): retried by the ASL. */
export class ResourceBusyError extends SwitchbackError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retryable: true });
    this.name = 'ResourceBusyError';
  }
}

/** A promotion that AWS refused or that ended in a state that is not writable. */
export class PromotionFailedError extends SwitchbackError {
  readonly database: string;

  constructor(database: string, message: string, cause?: unknown) {
    super(`Promotion of ${database} failed: ${message}`, { cause });
    this.name = 'PromotionFailedError';
    this.database = database;
  }
}

/** A DNS record the plan names does not exist, or is not a failover record. */
export class DnsFlipError extends SwitchbackError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DnsFlipError';
  }
}

/** An environment variable is missing or malformed; the function cannot start. */
export class ConfigError extends SwitchbackError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** An approval answer for a task that no longer waits: it timed out, was answered, or the token is wrong. */
export class ApprovalNotPendingError extends SwitchbackError {
  constructor(subject: string, cause?: unknown) {
    super(
      `No approval is pending for ${subject}; it may have timed out or been answered. ` +
        'Check the run with `switchback history` or the Step Functions console.',
      { cause },
    );
    this.name = 'ApprovalNotPendingError';
  }
}

/** After promotion and the DNS flip, a database is not the writable primary it should be: the recovery did not stand. */
export class VerificationFailedError extends SwitchbackError {
  readonly failures: readonly string[];

  constructor(failures: readonly string[]) {
    super(`Recovery verification failed:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);
    this.name = 'VerificationFailedError';
    this.failures = failures;
  }
}

/**
 * Slack did not take a notification after a bounded number of retries (5xx, timeouts, rate limits past the time
 * left). Thrown so that Lambda's asynchronous retries and then the dead-letter queue take over. The message names
 * the delivery way and the last problem, never the webhook URL or the token.
 */
export class NotificationDeliveryError extends SwitchbackError {
  readonly attempts: number;

  /** @param what - what failed, e.g. "Slack webhook delivery" or "reading the Slack secret" */
  constructor(what: string, attempts: number, lastProblem: string) {
    super(`${what} failed after ${attempts} attempt(s); last problem: ${lastProblem}`, {
      retryable: true,
    });
    this.name = 'NotificationDeliveryError';
    this.attempts = attempts;
  }
}

/**
 * Slack refused a notification for a reason that retrying cannot fix (`invalid_auth`, `token_revoked`,
 * `channel_not_found`, a webhook's `no_service`, a secret that cannot be read). The notifier reports it once per
 * incident and does not retry: recovery goes on without Slack.
 */
export class NotificationRejectedError extends SwitchbackError {
  /** Slack's error code (`token_revoked`) or ours (`secret_unavailable`); never contains the secret. */
  readonly code: string;

  constructor(code: string, fix: string) {
    super(`Slack refused the notification (${code}): ${fix}`);
    this.name = 'NotificationRejectedError';
    this.code = code;
  }
}

/**
 * The caller's AWS identity could not be established (STS GetCallerIdentity failed): an approval records its
 * authenticated principal, so none is sent without one.
 */
export class IdentityUnknownError extends SwitchbackError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `Could not establish your AWS identity (STS GetCallerIdentity: ${detail}); an approval records who answered: ` +
        'check your AWS credentials (AWS_PROFILE, or log in with aws sso login) and try again.',
      { cause },
    );
    this.name = 'IdentityUnknownError';
  }
}

/** An old primary in a state the fence runbook cannot act on or wait out (e.g. `incompatible-parameters`). */
export class FenceRefusedError extends SwitchbackError {
  constructor(databaseId: string, detail: string) {
    super(`cannot fence ${databaseId}: ${detail}`);
    this.name = 'FenceRefusedError';
  }
}

/** A database the reprotect runbook cannot go on with (a name taken by something else, a replica that failed). */
export class ReprotectRefusedError extends SwitchbackError {
  constructor(databaseId: string, detail: string) {
    super(`cannot re-protect ${databaseId}: ${detail}`);
    this.name = 'ReprotectRefusedError';
  }
}

/** A game day's leg ended without doing its work (blocked, failed, aborted): the game day stops where it stands. */
export class GameDayLegStoppedError extends SwitchbackError {
  constructor(leg: string, detail: string) {
    super(`game day leg ${leg} stopped: ${detail}`);
    this.name = 'GameDayLegStoppedError';
  }
}
