import type { Pluggable } from '@smithy/types';
import type { Call } from '../../scripts/iam-grants';
import { invokedFunction } from '../../sim/local-runner';
import { regionOfContext } from '../../sim/sdk-plugin';

/**
 * An SDK plugin that records every AWS call the product's handlers make, as the IAM action that authorizes it
 * (`rds:PromoteReadReplica`), per function: the function whose invocation (by the local runner) made the call, so
 * the role Lambda would sign it with. Calls made outside any invocation (the drill reading its report, the CLI)
 * are kept apart in `outside`.
 */

/** IAM's service prefix for each SDK client the product builds (shared/aws/clients.ts). */
export const IAM_PREFIX: Record<string, string> = {
  RDSClient: 'rds',
  Route53Client: 'route53',
  CloudWatchClient: 'cloudwatch',
  EventBridgeClient: 'events',
  SFNClient: 'states',
  DynamoDBClient: 'dynamodb',
  // lib-dynamodb's document client names itself; its commands run on the DynamoDB client's stack.
  DynamoDBDocumentClient: 'dynamodb',
  SecretsManagerClient: 'secretsmanager',
  SSMClient: 'ssm',
  Route53RecoveryClusterClient: 'route53-recovery-cluster',
  LambdaClient: 'lambda',
  SQSClient: 'sqs',
  SchedulerClient: 'scheduler',
  IAMClient: 'iam',
};

/** lib-dynamodb's commands and the DynamoDB API call (IAM action) each one makes. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/**
 * The IAM action for one SDK call. A client this table does not know maps to `unknown:<client>`, so that a new
 * service shows up in the comparison as an action no role grants, instead of passing unseen.
 */
export const iamActionOf = (clientName: string, commandName: string): string => {
  const prefix = IAM_PREFIX[clientName] ?? `unknown:${clientName}`;
  const operation = commandName.replace(/Command$/, '');
  // Lambda's Invoke API is authorized as lambda:InvokeFunction.
  if (clientName === 'LambdaClient' && operation === 'Invoke') return 'lambda:InvokeFunction';
  return `${prefix}:${clientName === 'DynamoDBDocumentClient' ? (DOCUMENT_COMMANDS[operation] ?? operation) : operation}`;
};

/**
 * The ARNs IAM authorizes a call on, for the services whose grants name the plans' resources (RDS, Route 53, the
 * Slack secret); none for calls that IAM authorizes on "*" or that touch only this stack's own resources.
 */
export const resourcesOf = (
  action: string,
  input: Record<string, unknown>,
  region: string,
  account: string,
): string[] => {
  const rds = (type: string, id: unknown) =>
    typeof id !== 'string' ? [] : id.startsWith('arn:') ? [id] : [`arn:aws:rds:${region}:${account}:${type}:${id}`];
  const globalCluster = (id: unknown) =>
    typeof id === 'string' ? [`arn:aws:rds::${account}:global-cluster:${id}`] : [];
  const zone = (id: unknown) =>
    typeof id === 'string' ? [`arn:aws:route53:::hostedzone/${id.replace(/^\/hostedzone\//, '')}`] : [];
  switch (action) {
    // Without an identifier (a filter, or a list of all), a describe authorizes on every resource of its type.
    case 'rds:DescribeDBInstances':
      return input.DBInstanceIdentifier === undefined
        ? [`arn:aws:rds:${region}:${account}:db:*`]
        : rds('db', input.DBInstanceIdentifier);
    case 'rds:DescribeDBClusters':
      return input.DBClusterIdentifier === undefined
        ? [`arn:aws:rds:${region}:${account}:cluster:*`]
        : rds('cluster', input.DBClusterIdentifier);
    case 'rds:PromoteReadReplica':
    case 'rds:StopDBInstance':
      return rds('db', input.DBInstanceIdentifier);
    // With a final snapshot, the delete authorizes on the snapshot it makes too.
    case 'rds:DeleteDBInstance':
      return [...rds('db', input.DBInstanceIdentifier), ...rds('snapshot', input.FinalDBSnapshotIdentifier)];
    case 'rds:DeleteDBCluster':
      return rds('cluster', input.DBClusterIdentifier);
    // A restore authorizes on the new resource, its source and the subnet group it is placed in.
    case 'rds:RestoreDBInstanceToPointInTime':
      return [
        ...rds('db', input.TargetDBInstanceIdentifier),
        ...rds('auto-backup', input.SourceDBInstanceAutomatedBackupsArn),
        ...rds('subgrp', input.DBSubnetGroupName),
      ];
    case 'rds:RestoreDBClusterToPointInTime':
      return [
        ...rds('cluster', input.DBClusterIdentifier),
        ...rds('cluster', input.SourceDBClusterIdentifier),
        ...rds('subgrp', input.DBSubnetGroupName),
      ];
    case 'rds:CreateDBInstance':
      return [...rds('db', input.DBInstanceIdentifier), ...rds('cluster', input.DBClusterIdentifier)];
    // A cross-region replica authorizes on the new replica and on its source (named by ARN).
    case 'rds:CreateDBInstanceReadReplica':
      return [...rds('db', input.DBInstanceIdentifier), ...rds('db', input.SourceDBInstanceIdentifier)];
    case 'rds:CreateDBSnapshot':
      return [...rds('db', input.DBInstanceIdentifier), ...rds('snapshot', input.DBSnapshotIdentifier)];
    case 'rds:DescribeDBSnapshots':
      return rds('snapshot', input.DBSnapshotIdentifier);
    case 'rds:CreateDBCluster':
      return [...rds('cluster', input.DBClusterIdentifier), ...globalCluster(input.GlobalClusterIdentifier)];
    case 'lambda:InvokeFunction': {
      const name = input.FunctionName;
      if (typeof name !== 'string') return [];
      return [name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${account}:function:${name}`];
    }
    case 'rds:DescribeGlobalClusters':
      return globalCluster(input.GlobalClusterIdentifier ?? '*');
    case 'rds:FailoverGlobalCluster':
    case 'rds:SwitchoverGlobalCluster':
      return [...globalCluster(input.GlobalClusterIdentifier), ...rds('cluster', input.TargetDbClusterIdentifier)];
    case 'route53:ListResourceRecordSets':
    case 'route53:ChangeResourceRecordSets':
      return zone(input.HostedZoneId);
    case 'secretsmanager:GetSecretValue': {
      // A secret's ARN ends in "-" and 6 characters that Secrets Manager chose; any 6 stand in for them here.
      const id = input.SecretId;
      if (typeof id !== 'string') return [];
      return [id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${region}:${account}:secret:${id}-A1b2C3`];
    }
    case 'ssm:GetParameter':
    case 'ssm:PutParameter': {
      const name = input.Name;
      if (typeof name !== 'string') return [];
      return [name.startsWith('arn:') ? name : `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`];
    }
    case 'route53-recovery-cluster:GetRoutingControlState':
    case 'route53-recovery-cluster:UpdateRoutingControlState':
      return typeof input.RoutingControlArn === 'string' ? [input.RoutingControlArn] : [];
    case 'route53-recovery-cluster:UpdateRoutingControlStates': {
      const entries = (input.UpdateRoutingControlStateEntries ?? []) as { RoutingControlArn?: unknown }[];
      return entries.flatMap((entry) => (typeof entry.RoutingControlArn === 'string' ? [entry.RoutingControlArn] : []));
    }
    case 'cloudwatch:DescribeAlarms':
      return Array.isArray(input.AlarmNames)
        ? input.AlarmNames.map((name) => `arn:aws:cloudwatch:${region}:${account}:alarm:${String(name)}`)
        : [];
    case 'route53:GetHealthCheck':
    case 'route53:GetHealthCheckStatus':
    case 'route53:UpdateHealthCheck':
      return typeof input.HealthCheckId === 'string' ? [`arn:aws:route53:::healthcheck/${input.HealthCheckId}`] : [];
    case 'route53:GetChange':
      return typeof input.Id === 'string' ? [`arn:aws:route53:::change/${input.Id.replace(/^\/change\//, '')}`] : [];
    default:
      return [];
  }
};

export interface CallRecorder {
  // biome-ignore lint/suspicious/noExplicitAny: the plugin applies to clients of every service.
  plugin: Pluggable<any, any>;
  /** Function name -> the calls it made (each action and resource once). */
  byFunction: Map<string, Call[]>;
  /** Actions called outside any function invocation (the drill itself). */
  outside: Set<string>;
}

/**
 * A recorder to add with `useClientPlugin(recorder.plugin)`; one recorder collects over many drills.
 *
 * @param account - the simulated account id, for the ARNs of the calls
 */
export const createCallRecorder = (account: string): CallRecorder => {
  const byFunction = new Map<string, Call[]>();
  const seen = new Set<string>();
  const outside = new Set<string>();
  return {
    byFunction,
    outside,
    plugin: {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => (args) => {
            const smithy = context as { clientName?: string; commandName?: string };
            const action = iamActionOf(smithy.clientName ?? '', smithy.commandName ?? '');
            const name = invokedFunction();
            if (name === undefined) {
              outside.add(action);
              return next(args);
            }
            const region = regionOfContext(context as Parameters<typeof regionOfContext>[0]) ?? 'unknown-region';
            const resources = resourcesOf(action, (args.input ?? {}) as Record<string, unknown>, region, account);
            const key = JSON.stringify([name, action, resources]);
            if (!seen.has(key)) {
              seen.add(key);
              byFunction.set(name, [...(byFunction.get(name) ?? []), { action, resources }]);
            }
            return next(args);
          },
          // After the SDK resolved the endpoint and signing region (serialize, normal priority), before the
          // simulator answers (build): failed calls are recorded too.
          { step: 'serialize', priority: 'low', name: 'switchbackCallRecorder', override: true },
        );
      },
    },
  };
};
