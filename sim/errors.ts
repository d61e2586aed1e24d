import * as CloudWatch from '@aws-sdk/client-cloudwatch';
import * as EventBridge from '@aws-sdk/client-eventbridge';
import * as Iam from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Rds from '@aws-sdk/client-rds';
import * as Route53 from '@aws-sdk/client-route-53';
import * as Route53RecoveryCluster from '@aws-sdk/client-route53-recovery-cluster';
import * as Scheduler from '@aws-sdk/client-scheduler';
import * as SecretsManager from '@aws-sdk/client-secrets-manager';
import * as Sfn from '@aws-sdk/client-sfn';
import * as Sqs from '@aws-sdk/client-sqs';
import * as Ssm from '@aws-sdk/client-ssm';
import * as Sts from '@aws-sdk/client-sts';

/**
 * Errors of the simulator itself (bad scenario, a command it does not serve, a stalled drill), and the factory of
 * AWS-shaped errors that the simulated services throw.
 */

/** Base class of the simulator's own errors (not AWS errors): something about the drill setup is wrong. */
export class SimError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimError';
  }
}

/** A scenario name (or option) that the simulator does not know. */
export class UnknownScenarioError extends SimError {
  constructor(name: string, known: readonly string[]) {
    super(`Unknown drill scenario "${name}". Known scenarios: ${known.join(', ')}.`);
    this.name = 'UnknownScenarioError';
  }
}

/** Scenario options that do not make sense (a negative time, an unknown option); names the field and the fix. */
export class InvalidScenarioError extends SimError {
  constructor(field: string, message: string) {
    super(`Scenario option ${field}: ${message}`);
    this.name = 'InvalidScenarioError';
  }
}

/**
 * A product handler called an AWS operation the simulator does not serve. It fails loudly so that a handler which
 * starts calling something new is noticed in the drill rather than answered with nonsense.
 */
export class UnsupportedCommandError extends SimError {
  constructor(client: string, command: string) {
    super(
      `The drill simulator does not serve ${client} ${command}. Add it to sim/sdk-plugin.ts (and its model), ` +
        'or stop calling it on the drill path.',
    );
    this.name = 'UnsupportedCommandError';
  }
}

/** The virtual clock waited for tracked work (real I/O) that never finished. */
export class SimStallError extends SimError {
  constructor(
    readonly waitedMs: number,
    labels: readonly string[],
  ) {
    super(
      `The drill stalled: work in flight did not finish within ${waitedMs} ms of real time (${labels.join(', ') || 'unlabelled'}). ` +
        'Track only promises that wait on real I/O, never ones that wait on virtual time (a setTimeout).',
    );
    this.name = 'SimStallError';
  }
}

/**
 * A drill stopped because it stopped making progress: it did not end within its wall-clock guard, or work it waited
 * on (a call to its DynamoDB, a Lambda handler loading) did not finish in time. Names what happened, the stage, the
 * state of each execution and the work in flight.
 */
export class DrillStuckError extends SimError {
  constructor(what: string, whereabouts: string, options?: { cause?: unknown }) {
    super(`The drill ${what}: ${whereabouts}.`, options);
    this.name = 'DrillStuckError';
  }
}

/** The services whose exceptions the simulator can build; the key is the SDK client's name. */
const SERVICES = {
  RDSClient: { module: Rds as Record<string, unknown>, base: Rds.RDSServiceException, suffixes: ['Fault', ''] },
  Route53Client: { module: Route53 as Record<string, unknown>, base: Route53.Route53ServiceException, suffixes: [''] },
  CloudWatchClient: {
    module: CloudWatch as Record<string, unknown>,
    base: CloudWatch.CloudWatchServiceException,
    suffixes: ['', 'Exception'],
  },
  EventBridgeClient: {
    module: EventBridge as Record<string, unknown>,
    base: EventBridge.EventBridgeServiceException,
    suffixes: ['', 'Exception'],
  },
  SFNClient: { module: Sfn as Record<string, unknown>, base: Sfn.SFNServiceException, suffixes: [''] },
  SecretsManagerClient: {
    module: SecretsManager as Record<string, unknown>,
    base: SecretsManager.SecretsManagerServiceException,
    suffixes: ['Exception', ''],
  },
  SSMClient: { module: Ssm as Record<string, unknown>, base: Ssm.SSMServiceException, suffixes: [''] },
  STSClient: { module: Sts as Record<string, unknown>, base: Sts.STSServiceException, suffixes: ['Exception', ''] },
  Route53RecoveryClusterClient: {
    module: Route53RecoveryCluster as Record<string, unknown>,
    base: Route53RecoveryCluster.Route53RecoveryClusterServiceException,
    suffixes: [''],
  },
  LambdaClient: { module: Lambda as Record<string, unknown>, base: Lambda.LambdaServiceException, suffixes: [''] },
  SQSClient: { module: Sqs as Record<string, unknown>, base: Sqs.SQSServiceException, suffixes: [''] },
  SchedulerClient: {
    module: Scheduler as Record<string, unknown>,
    base: Scheduler.SchedulerServiceException,
    suffixes: [''],
  },
  IAMClient: { module: Iam as Record<string, unknown>, base: Iam.IAMServiceException, suffixes: ['Exception', ''] },
} as const;

export type SimClientName = keyof typeof SERVICES;

/** What an AWS error says: its wire code, message and HTTP status. */
export interface AwsErrorSpec {
  /** The AWS error code on the wire, e.g. "DBInstanceNotFound", "Throttling", "ExecutionAlreadyExists". */
  code: string;
  message: string;
  /** HTTP status; 400 unless said otherwise. */
  status?: number;
  /** Extra fields the SDK sets on this error (e.g. `messages` of Route 53 InvalidChangeBatch). */
  fields?: Record<string, unknown>;
}

type ExceptionCtor = new (options: Record<string, unknown>) => Error;

/**
 * Builds the error the real SDK client would throw for this AWS error code: an instance of the SDK's modelled
 * exception class when there is one (RDS "DBInstanceNotFound" is `DBInstanceNotFoundFault`, with that `name`),
 * else the service's base exception with `name` = the code (RDS "Throttling"), as the SDK's deserializer does.
 * It carries `$fault`, `$metadata.httpStatusCode` and, for query-protocol services, `Code` and `Type`.
 */
export const awsError = (client: SimClientName, spec: AwsErrorSpec, requestId = 'sim-request'): Error => {
  const service = SERVICES[client];
  const status = spec.status ?? 400;
  const fault = status >= 500 ? 'server' : 'client';
  const $metadata = { httpStatusCode: status, requestId, attempts: 1, totalRetryDelay: 0 };
  let modelled: ExceptionCtor | undefined;
  for (const suffix of service.suffixes) {
    const candidate = service.module[`${spec.code}${suffix}`];
    if (typeof candidate === 'function' && candidate.prototype instanceof service.base) {
      modelled = candidate as ExceptionCtor;
      break;
    }
  }
  const options = { message: spec.message, $metadata, ...spec.fields };
  const error = modelled
    ? new modelled(options)
    : new (service.base as unknown as ExceptionCtor)({ name: spec.code, $fault: fault, ...options });
  const fields = error as unknown as Record<string, unknown>;
  fields.$fault = fault;
  if (client === 'RDSClient' || client === 'Route53Client' || client === 'CloudWatchClient' || client === 'IAMClient') {
    fields.Code = spec.code;
    fields.Type = fault === 'server' ? 'Receiver' : 'Sender';
  }
  return error;
};

/**
 * What a call to a region that is down looks like: no HTTP answer at all, the client's request timeout. Shaped
 * like the SDK's NodeHttpHandler timeout (name "TimeoutError", code "ETIMEDOUT"), with no HTTP status.
 */
export const regionDownError = (service: string, region: string, timeoutMs: number): Error =>
  Object.assign(new Error(`${service}.${region}.amazonaws.com did not answer within ${timeoutMs} ms`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
