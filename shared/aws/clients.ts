import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Pluggable } from '@smithy/types';
import { config } from '../runtime/config';

/**
 * AWS SDK v3 clients, built once per process and per region, shared by every adapter.
 * The control plane runs in the standby region, but some calls name a region explicitly (RDS in either region;
 * Route 53 edits are served from us-east-1).
 *
 * `useClientPlugin` adds a plugin (SDK middleware) to every client, built or to be built: this is how the local
 * drill serves these same clients from its simulator. The product never calls it.
 */

// biome-ignore lint/suspicious/noExplicitAny: a plugin applies to clients of every service, whatever their input types.
type AnyPlugin = Pluggable<any, any>;
type AnyClient = { middlewareStack: { use(plugin: AnyPlugin): void } };

const plugins: AnyPlugin[] = [];
const built = new Map<string, AnyClient>();

const memo = <T extends AnyClient>(key: string, create: () => T): T => {
  let client = built.get(key) as T | undefined;
  if (!client) {
    client = create();
    for (const plugin of plugins) client.middlewareStack.use(plugin);
    built.set(key, client);
  }
  return client;
};

/** Adds a plugin to every client, those built and those to come. */
export const useClientPlugin = (plugin: AnyPlugin): void => {
  plugins.push(plugin);
  for (const client of built.values()) client.middlewareStack.use(plugin);
};

/** Forgets built clients and plugins (tests and drills that run several times in one process). */
export const resetClients = (): void => {
  plugins.length = 0;
  built.clear();
};

const region = (name?: string): string => name ?? config().AWS_REGION;

/** How long a client waits for one AWS endpoint, and how many attempts the SDK makes before it gives up. */
export interface ClientTimeouts {
  /** TCP (and TLS) connection, ms: no answer in that time and the attempt fails with TimeoutError. */
  connectionTimeoutMs: number;
  /** The whole request once connected, ms: an endpoint that takes the connection and never answers fails here. */
  requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry mode, with its own backoff between them). */
  maxAttempts: number;
}

/**
 * The timeouts of every client, in one place. The sizes come from the calls: every call on the failover path is a
 * small control-plane request that AWS answers in well under a second when it is up (the Lambda steps take
 * 30-80 ms, aws-facts.md: Lambda Node cold start and step latency), so a connection gets 2 s and a request 5 s.
 * Two attempts bound one call at 2 x 5 s plus the SDK's backoff (well under 15 s), which leaves a step's Lambda
 * (60 s in the ASL) time to report a named error (EndpointUnreachableError) that the state machine retries with
 * its own backoff. The ledger (DynamoDB, same region), the secrets and STS (who approves) are smaller still and get 3 s; events keep
 * their 3 s budget (shared/aws/events.ts), since notification never delays recovery. ARC's routing control
 * endpoints get one short attempt each, five endpoints bounding a switch at 5 x 3 s.
 */
export const CLIENT_TIMEOUTS = {
  rds: { connectionTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 2 },
  route53: { connectionTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 2 },
  cloudwatch: { connectionTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 2 },
  eventbridge: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 1 },
  sfn: { connectionTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 2 },
  dynamodb: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 3 },
  secretsManager: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 2 },
  ssm: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 2 },
  sts: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 2 },
  // One attempt of 1 s + 2 s per ARC cluster endpoint: the adapter moves on to the next of the five endpoints
  // instead of retrying one that does not answer (ARC Developer Guide: try each regional endpoint in turn).
  routingControl: { connectionTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: 1 },
  // A restore test's validation hook is the team's own Lambda, invoked once: it may read the restored database for
  // minutes (its step allows 900 s); never retried, since a hook may not be safe to run twice.
  lambda: { connectionTimeoutMs: 2000, requestTimeoutMs: 870_000, maxAttempts: 1 },
  // Readiness only (nothing waits on it): the dead-letter queue's depth, and IAM's policy simulation, whose one
  // endpoint is in us-east-1 and evaluates many policies per call.
  sqs: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 2 },
  // Readiness only: the schedules' state and target (EventBridge Scheduler, the deployment's region).
  scheduler: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 2 },
  iam: { connectionTimeoutMs: 2000, requestTimeoutMs: 10_000, maxAttempts: 2 },
} as const satisfies Record<string, ClientTimeouts>;

export type TimedService = keyof typeof CLIENT_TIMEOUTS;

/**
 * The client options that apply a service's timeouts: the SDK builds its NodeHttpHandler from `requestHandler`
 * (connectionTimeout, requestTimeout, and throwOnRequestTimeout, without which a request timeout only warns).
 */
export const timeoutOptions = (service: TimedService) => {
  const timeouts: ClientTimeouts = CLIENT_TIMEOUTS[service];
  return {
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
};

// One factory per service, exported on its own: a function's bundle then carries only the SDK clients it uses
// (esbuild drops the rest; the SDK packages are free of side effects). A bundled client cold-starts about twice as
// fast as the unbundled SDK (aws-facts.md, Lambda Node cold start).
export const rdsClient = (name?: string) =>
  memo(`rds:${region(name)}`, () => new RDSClient({ region: region(name), ...timeoutOptions('rds') }));
export const route53Client = () =>
  memo('route53', () => new Route53Client({ region: config().ROUTE53_REGION, ...timeoutOptions('route53') }));
export const cloudwatchClient = (name?: string) =>
  memo(
    `cloudwatch:${region(name)}`,
    () => new CloudWatchClient({ region: region(name), ...timeoutOptions('cloudwatch') }),
  );
export const eventbridgeClient = () =>
  memo('eventbridge', () => new EventBridgeClient({ region: region(), ...timeoutOptions('eventbridge') }));
export const sfnClient = () => memo('sfn', () => new SFNClient({ region: region(), ...timeoutOptions('sfn') }));
export const dynamodbClient = () =>
  memo('dynamodb', () =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: region(), ...timeoutOptions('dynamodb') }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
export const secretsManagerClient = () =>
  memo('secretsmanager', () => new SecretsManagerClient({ region: region(), ...timeoutOptions('secretsManager') }));
/** A Route 53 ARC cluster's data-plane endpoint in `region` (one client per endpoint URL). */
export const routingControlClient = (region: string, url: string) =>
  memo(
    `routing-control:${url}`,
    () => new Route53RecoveryClusterClient({ region, endpoint: url, ...timeoutOptions('routingControl') }),
  );
export const ssmClient = (name?: string) =>
  memo(`ssm:${region(name)}`, () => new SSMClient({ region: region(name), ...timeoutOptions('ssm') }));
export const stsClient = (name?: string) =>
  memo(`sts:${region(name)}`, () => new STSClient({ region: region(name), ...timeoutOptions('sts') }));
/** Invokes the plans' own functions (a restore test's validation hook), in the deployment's region. */
export const lambdaClient = () =>
  memo('lambda', () => new LambdaClient({ region: region(), ...timeoutOptions('lambda') }));

/** The dead-letter queue's depth (readiness), in the deployment's region. */
export const sqsClient = () => memo('sqs', () => new SQSClient({ region: region(), ...timeoutOptions('sqs') }));
/** The readiness and restore-test schedules (readiness), in the deployment's region. */
export const schedulerClient = () =>
  memo('scheduler', () => new SchedulerClient({ region: region(), ...timeoutOptions('scheduler') }));
/**
 * IAM is a global service whose control plane (and so its one endpoint) is in us-east-1 (IAM User Guide,
 * "Resilience in IAM"): readiness may use it, since nothing waits on readiness.
 */
export const IAM_REGION = 'us-east-1';
export const iamClient = () => memo('iam', () => new IAMClient({ region: IAM_REGION, ...timeoutOptions('iam') }));

/** All factories at once, for tests and the simulator (product code imports the one it needs). */
export const clients = {
  rds: rdsClient,
  route53: route53Client,
  cloudwatch: cloudwatchClient,
  eventbridge: eventbridgeClient,
  sfn: sfnClient,
  dynamodb: dynamodbClient,
  secretsManager: secretsManagerClient,
  ssm: ssmClient,
  sts: stsClient,
  routingControl: routingControlClient,
  lambda: lambdaClient,
  sqs: sqsClient,
  scheduler: schedulerClient,
  iam: iamClient,
};
