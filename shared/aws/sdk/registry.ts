import type { Pluggable } from '@smithy/types';
import { config } from '../../runtime/config';

/**
 * The registry behind every AWS SDK v3 client: each is built once per process and per region and shared by every
 * adapter. The control plane runs in the standby region, but some calls name a region explicitly (RDS in either
 * region; Route 53 edits are served from us-east-1).
 *
 * Each service's factory has its own module beside this one (./rds, ./route53, ...), which imports only that
 * service's SDK package: an adapter, and so a function's bundle or a unit test, loads only the clients it uses
 * (the 14 SDK packages together take about half a second of CPU to load).
 *
 * `useClientPlugin` adds a plugin (SDK middleware) to every client, built or to be built: this is how the local
 * drill serves these same clients from its simulator. The product never calls it.
 */

// biome-ignore lint/suspicious/noExplicitAny: a plugin applies to clients of every service, whatever their input types.
type AnyPlugin = Pluggable<any, any>;
type AnyClient = { middlewareStack: { use(plugin: AnyPlugin): void } };

const plugins: AnyPlugin[] = [];
const built = new Map<string, AnyClient>();

/** The client under `key`, built by `create` on first use with every plugin added so far. */
export const memo = <T extends AnyClient>(key: string, create: () => T): T => {
  let client = built.get(key) as T | undefined;
  if (!client) {
    client = create();
    for (const plugin of plugins) client.middlewareStack.use(plugin);
    built.set(key, client);
  }
  return client;
};

/**
 * Adds a plugin to every client, those built and those to come. A built client resolves its middleware once per
 * command class (`cacheMiddleware`, timeoutOptions): its cache is dropped here, so the next call runs the plugin.
 */
export const useClientPlugin = (plugin: AnyPlugin): void => {
  plugins.push(plugin);
  for (const client of built.values()) {
    client.middlewareStack.use(plugin);
    // The SDK's Client keeps the resolved handlers in `handlers` (private in its types), and forgets them on
    // destroy(), which would also close the HTTP handler's connections.
    Reflect.deleteProperty(client, 'handlers');
  }
};

/** Forgets built clients and plugins (tests and drills that run several times in one process). */
export const resetClients = (): void => {
  plugins.length = 0;
  built.clear();
};

/** The region a client is built for: the one named, else the deployment's. */
export const region = (name?: string): string => name ?? config().AWS_REGION;

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
    // The client resolves its middleware stack once per command class instead of at every call (the SDK's option;
    // nothing here changes a client's middleware after its first call, except useClientPlugin, which drops the
    // cache). A drill's AWS call took about a third less CPU. Not DynamoDB's: lib-dynamodb's Document client, which
    // the ledger wraps around it, refuses a client with it (its own middleware changes per call).
    cacheMiddleware: service !== 'dynamodb',
    maxAttempts: timeouts.maxAttempts,
    // The standard retry mode, whatever the environment says (AWS_RETRY_MODE, a profile's retry_mode): the attempts
    // and timeouts above, the state machines' Retry and the paced reads are sized for it. The adaptive mode's
    // client-side rate limiter holds a request after a throttle for as long as its token bucket says, outside the
    // request timeout, and would hold the failover path's calls by a limit of its own.
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
};
