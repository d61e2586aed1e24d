import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
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

// One factory per service, exported on its own: a function's bundle then carries only the SDK clients it uses
// (esbuild drops the rest; the SDK packages are free of side effects). A bundled client cold-starts about twice as
// fast as the unbundled SDK (aws-facts.md, Lambda Node cold start).
export const rdsClient = (name?: string) => memo(`rds:${region(name)}`, () => new RDSClient({ region: region(name) }));
export const route53Client = () => memo('route53', () => new Route53Client({ region: config().ROUTE53_REGION }));
export const cloudwatchClient = (name?: string) =>
  memo(`cloudwatch:${region(name)}`, () => new CloudWatchClient({ region: region(name) }));
export const eventbridgeClient = () => memo('eventbridge', () => new EventBridgeClient({ region: region() }));
export const sfnClient = () => memo('sfn', () => new SFNClient({ region: region() }));
export const dynamodbClient = () =>
  memo('dynamodb', () =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: region() }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
export const secretsManagerClient = () => memo('secretsmanager', () => new SecretsManagerClient({ region: region() }));
export const ssmClient = () => memo('ssm', () => new SSMClient({ region: region() }));
export const stsClient = (name?: string) => memo(`sts:${region(name)}`, () => new STSClient({ region: region(name) }));

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
};
