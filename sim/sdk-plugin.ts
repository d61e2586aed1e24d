import type { GetMetricDataCommandInput, PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import type { PutEventsCommandInput, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type {
  CreateDBClusterCommandInput,
  CreateDBInstanceCommandInput,
  CreateDBInstanceReadReplicaCommandInput,
  DeleteDBClusterCommandInput,
  DeleteDBInstanceCommandInput,
  DescribeDBClusterAutomatedBackupsCommandInput,
  DescribeDBInstanceAutomatedBackupsCommandInput,
  FailoverGlobalClusterCommandInput,
  Filter,
  RestoreDBClusterToPointInTimeCommandInput,
  RestoreDBInstanceToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import type {
  ChangeResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandInput,
} from '@aws-sdk/client-route-53';
import type {
  DescribeExecutionCommandInput,
  SendTaskFailureCommandInput,
  SendTaskSuccessCommandInput,
  StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, Pluggable } from '@smithy/types';
import { CLIENT_TIMEOUTS, type TimedService } from '../shared/aws/clients';
import { SWITCH_METRIC } from '../shared/domain/dns-switch';
import { awsError, regionDownError, type SimClientName, UnsupportedCommandError } from './errors';
import { invokedFunction, refuseTimedOutInvocation } from './local-runner';
import { ROUTE53_CONTROL_REGION } from './models/route53';
import type { OutageService, World } from './world';

/**
 * The SDK plugin that serves the product's AWS SDK v3 clients from the simulated world, so the handlers run
 * unchanged in a drill: `useClientPlugin(createSimPlugin(world))` (shared/aws/clients.ts).
 *
 * It answers each attempt of a command inside the SDK's retry loop, before signing and any HTTP (SIM_PLACEMENT): the
 * request is serialized, the client's region (the signing region) and credentials are resolved, outputs are shaped
 * like the SDK's (Dates, `$metadata`), and errors are the SDK's own exception classes. Consequences worth knowing:
 * - the client's own retry strategy applies, as in Lambda: it retries what the SDK retries (throttling, timeouts,
 *   5xx answers) up to the client's attempts (shared/aws/sdk/registry.ts), after its backoff on the virtual clock,
 *   drawn from Math.random (a drill seeds it); each attempt is a call in `world.calls` (and, when it mutates, an
 *   action); what the attempts do not absorb reaches the adapters, and the product's own retries (ASL Retry);
 * - the SDK resolves credentials first: give the drill process static fake credentials
 *   (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), which the loopback DynamoDB needs anyway.
 * DynamoDB commands pass through untouched (to the local DynamoDB), tracked as work in flight when the clock can.
 * Each Route 53 request first takes a token of the account's request rate, or is throttled (Route53Model#admitRequest).
 */

// biome-ignore lint/suspicious/noExplicitAny: the plugin serves clients of every service, whatever their input types.
type AnyPluggable = Pluggable<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the same, for the next handler of every client's stack.
type AnyFinalizeHandler = FinalizeHandler<any, any>;

interface CallContext {
  world: World;
  region: string;
  input: unknown;
  /** The access key id the call is signed with (the identity the SDK resolved), when known. */
  accessKeyId?: string;
}

type Operation = (call: CallContext) => Promise<object> | object;

/** The most a PutEvents request's entries may add up to (EventBridge User Guide: the total entry size, 256 KB). */
export const PUT_EVENTS_LIMIT_BYTES = 256 * 1024;

/** A PutEvents entry's size as EventBridge counts it (EventBridge User Guide, "Calculating PutEvents event entry size"). */
export const putEventsEntryBytes = (entry: NonNullable<PutEventsCommandInput['Entries']>[number]): number =>
  (entry.Time ? 14 : 0) +
  [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
    (sum, text) => sum + (text ? Buffer.byteLength(text) : 0),
    0,
  );

const MUTATING: Record<
  string,
  {
    service: 'rds' | 'route53' | 'route53-recovery-cluster' | 'ssm' | 'cloudwatch';
    target: (input: Record<string, unknown>) => string;
  }
> = {
  PromoteReadReplica: { service: 'rds', target: (input) => String(input.DBInstanceIdentifier) },
  StopDBInstance: { service: 'rds', target: (input) => String(input.DBInstanceIdentifier) },
  FailoverGlobalCluster: { service: 'rds', target: (input) => String(input.GlobalClusterIdentifier) },
  SwitchoverGlobalCluster: { service: 'rds', target: (input) => String(input.GlobalClusterIdentifier) },
  ChangeResourceRecordSets: { service: 'route53', target: (input) => String(input.HostedZoneId) },
  UpdateHealthCheck: {
    service: 'route53',
    target: (input) => `healthcheck/${String(input.HealthCheckId)} Inverted=${String(input.Inverted)}`,
  },
  UpdateRoutingControlStates: {
    service: 'route53-recovery-cluster',
    target: (input) =>
      ((input.UpdateRoutingControlStateEntries ?? []) as { RoutingControlArn?: string; RoutingControlState?: string }[])
        .map((entry) => `${entry.RoutingControlArn} ${entry.RoutingControlState}`)
        .join(', '),
  },
  UpdateRoutingControlState: {
    service: 'route53-recovery-cluster',
    target: (input) => `${input.RoutingControlArn} ${input.RoutingControlState}`,
  },
  RestoreDBInstanceToPointInTime: { service: 'rds', target: (input) => String(input.TargetDBInstanceIdentifier) },
  RestoreDBClusterToPointInTime: { service: 'rds', target: (input) => String(input.DBClusterIdentifier) },
  CreateDBInstance: { service: 'rds', target: (input) => String(input.DBInstanceIdentifier) },
  DeleteDBInstance: { service: 'rds', target: (input) => String(input.DBInstanceIdentifier) },
  DeleteDBCluster: { service: 'rds', target: (input) => String(input.DBClusterIdentifier) },
  CreateDBSnapshot: { service: 'rds', target: (input) => String(input.DBSnapshotIdentifier) },
  CreateDBInstanceReadReplica: { service: 'rds', target: (input) => String(input.DBInstanceIdentifier) },
  CreateDBCluster: { service: 'rds', target: (input) => String(input.DBClusterIdentifier) },
  PutParameter: { service: 'ssm', target: (input) => `${String(input.Name)}=${String(input.Value)}` },
  PutMetricData: {
    service: 'cloudwatch',
    target: (input) =>
      ((input.MetricData ?? []) as { MetricName?: string; Value?: number }[])
        .map((datum) => `${String(input.Namespace)} ${datum.MetricName}=${datum.Value}`)
        .join(', '),
  },
};

const OUTAGE_SERVICE: Partial<Record<SimClientName, OutageService>> = {
  RDSClient: 'rds',
  CloudWatchClient: 'cloudwatch',
  EventBridgeClient: 'eventbridge',
  SFNClient: 'sfn',
  SecretsManagerClient: 'secretsmanager',
  SSMClient: 'ssm',
  STSClient: 'sts',
  Route53Client: 'route53',
  Route53RecoveryClusterClient: 'arc',
  LambdaClient: 'lambda',
  SQSClient: 'sqs',
  SchedulerClient: 'scheduler',
  IAMClient: 'iam',
};

/** The product's client timeouts that apply to each service's calls. */
const TIMEOUTS_OF: Record<OutageService, TimedService> = {
  rds: 'rds',
  cloudwatch: 'cloudwatch',
  eventbridge: 'eventbridge',
  sfn: 'sfn',
  secretsmanager: 'secretsManager',
  ssm: 'ssm',
  sts: 'sts',
  route53: 'route53',
  arc: 'routingControl',
  lambda: 'lambda',
  sqs: 'sqs',
  scheduler: 'scheduler',
  iam: 'iam',
};

const asRecord = (input: unknown): Record<string, unknown> => (input ?? {}) as Record<string, unknown>;

const rdsOperations: Record<string, Operation> = {
  DescribeDBInstances: ({ world, region, input }) => {
    const { DBInstanceIdentifier, Filters } = asRecord(input) as { DBInstanceIdentifier?: string; Filters?: Filter[] };
    const restored = DBInstanceIdentifier ? world.restores.findInstance(region, DBInstanceIdentifier) : undefined;
    if (restored) return { DBInstances: [world.restores.describeInstance(restored)] };
    const clusterInstance = DBInstanceIdentifier ? world.aurora.findInstance(region, DBInstanceIdentifier) : undefined;
    if (clusterInstance) return { DBInstances: [world.aurora.toDbInstance(clusterInstance, world.clock.now())] };
    const planned = world.rds.describe(region, DBInstanceIdentifier, Filters);
    const extra = DBInstanceIdentifier === undefined ? world.restores.describeInstances(region, Filters) : [];
    // The Aurora clusters' instances named by a `db-instance-id` filter (a batched read may name one).
    const named = Filters?.find((filter) => filter.Name === 'db-instance-id')?.Values ?? [];
    const clusterInstances = named.flatMap((name) => {
      const instance = world.aurora.findInstance(region, name);
      return instance ? [world.aurora.toDbInstance(instance, world.clock.now())] : [];
    });
    return { DBInstances: [...planned, ...extra, ...clusterInstances] };
  },
  RestoreDBInstanceToPointInTime: ({ world, region, input }) => ({
    DBInstance: world.restores.restoreInstance(region, input as RestoreDBInstanceToPointInTimeCommandInput),
  }),
  RestoreDBClusterToPointInTime: ({ world, region, input }) => ({
    DBCluster: world.restores.restoreCluster(region, input as RestoreDBClusterToPointInTimeCommandInput),
  }),
  // An instance of a global database's cluster (a new secondary), else of a restored cluster.
  CreateDBInstance: ({ world, region, input }) => {
    const request = input as CreateDBInstanceCommandInput;
    return world.aurora.findCluster(region, String(request.DBClusterIdentifier ?? ''))
      ? { DBInstance: world.aurora.createInstance(region, request) }
      : { DBInstance: world.restores.createInstance(region, request) };
  },
  // A restore test's throwaway, else one of the RDS model's instances (the plan's are deletion-protected).
  DeleteDBInstance: ({ world, region, input }) => {
    const request = input as DeleteDBInstanceCommandInput;
    return world.restores.findInstance(region, String(request.DBInstanceIdentifier ?? ''))
      ? { DBInstance: world.restores.deleteInstance(region, request) }
      : { DBInstance: world.rds.deleteInstance(region, request) };
  },
  CreateDBSnapshot: ({ world, region, input }) => {
    const { DBInstanceIdentifier, DBSnapshotIdentifier } = asRecord(input) as Record<string, string>;
    return { DBSnapshot: world.rds.createSnapshot(region, DBInstanceIdentifier ?? '', DBSnapshotIdentifier ?? '') };
  },
  DescribeDBSnapshots: ({ world, region, input }) => ({
    DBSnapshots: world.rds.describeSnapshots(region, asRecord(input).DBSnapshotIdentifier as string | undefined),
  }),
  CreateDBInstanceReadReplica: ({ world, region, input }) => ({
    DBInstance: world.rds.createReadReplica(region, input as CreateDBInstanceReadReplicaCommandInput),
  }),
  CreateDBCluster: ({ world, region, input }) => ({
    DBCluster: world.aurora.createSecondary(region, input as CreateDBClusterCommandInput),
  }),
  DeleteDBCluster: ({ world, region, input }) => ({
    DBCluster: world.restores.deleteCluster(region, input as DeleteDBClusterCommandInput),
  }),
  PromoteReadReplica: ({ world, region, input }) => {
    const { DBInstanceIdentifier, BackupRetentionPeriod } = asRecord(input) as {
      DBInstanceIdentifier: string;
      BackupRetentionPeriod?: number;
    };
    return { DBInstance: world.rds.promote(region, DBInstanceIdentifier, BackupRetentionPeriod) };
  },
  StopDBInstance: ({ world, region, input }) => ({
    DBInstance: world.rds.stopInstance(region, String(asRecord(input).DBInstanceIdentifier)),
  }),
  DescribeGlobalClusters: ({ world, input }) => ({
    GlobalClusters: world.aurora.describeGlobal(asRecord(input).GlobalClusterIdentifier as string | undefined),
  }),
  DescribeDBClusters: ({ world, region, input }) => {
    const { DBClusterIdentifier: identifier, Filters } = asRecord(input) as {
      DBClusterIdentifier?: string;
      Filters?: Filter[];
    };
    const restored = identifier ? world.restores.findCluster(region, identifier) : undefined;
    if (restored) return { DBClusters: [world.restores.describeCluster(restored)] };
    const planned = world.aurora.describeClusters(region, identifier);
    const all = identifier === undefined ? [...planned, ...world.restores.describeClusters(region)] : planned;
    // `db-cluster-id` takes identifiers and ARNs (the one filter the product sends; RDS has others).
    const ids = Filters?.find((filter) => filter.Name === 'db-cluster-id')?.Values;
    return {
      DBClusters: ids
        ? all.filter(
            (cluster) => ids.includes(cluster.DBClusterIdentifier ?? '') || ids.includes(cluster.DBClusterArn ?? ''),
          )
        : all,
    };
  },
  FailoverGlobalCluster: ({ world, input }) => {
    const request = input as FailoverGlobalClusterCommandInput;
    return {
      GlobalCluster: world.aurora.failover(
        request.GlobalClusterIdentifier ?? '',
        request.TargetDbClusterIdentifier ?? '',
        request.AllowDataLoss === true,
        request.Switchover === true,
      ),
    };
  },
  SwitchoverGlobalCluster: ({ world, input }) => {
    const { GlobalClusterIdentifier, TargetDbClusterIdentifier } = asRecord(input) as Record<string, string>;
    return { GlobalCluster: world.aurora.switchover(GlobalClusterIdentifier ?? '', TargetDbClusterIdentifier ?? '') };
  },
  DescribeDBInstanceAutomatedBackups: ({ world, region, input }) => ({
    DBInstanceAutomatedBackups: world.rds.describeAutomatedBackups(
      region,
      input as DescribeDBInstanceAutomatedBackupsCommandInput,
    ),
  }),
  DescribeDBClusterAutomatedBackups: ({ world, region, input }) => ({
    DBClusterAutomatedBackups: world.aurora.describeClusterBackups(
      region,
      input as DescribeDBClusterAutomatedBackupsCommandInput,
    ),
  }),
};

/**
 * RDS's Describe* actions answer a page at a time: at most MaxRecords records (20 to 100, 100 when not given), with a
 * Marker when more are left, which the next request passes to get the records beyond it (RDS API Reference, the
 * MaxRecords and Marker of each Describe* action). A MaxRecords outside that range is refused. What each lists.
 */
const RDS_PAGED: Record<string, string> = {
  DescribeDBInstances: 'DBInstances',
  DescribeDBClusters: 'DBClusters',
  DescribeGlobalClusters: 'GlobalClusters',
  DescribeDBInstanceAutomatedBackups: 'DBInstanceAutomatedBackups',
  DescribeDBClusterAutomatedBackups: 'DBClusterAutomatedBackups',
  DescribeDBSnapshots: 'DBSnapshots',
};
export const RDS_DEFAULT_MAX_RECORDS = 100;
const RDS_MIN_MAX_RECORDS = 20;

/** A page's Marker: opaque to callers, as RDS's are; here the position of the next record. */
const rdsMarker = (operation: string, next: number): string =>
  Buffer.from(`${operation}:${next}`).toString('base64url');

const invalidRdsParameter = (message: string): Error =>
  awsError('RDSClient', { code: 'InvalidParameterValue', message });

/** The record a Marker of `operation` points at; a Marker it did not give is refused. */
const rdsMarkerPosition = (operation: string, marker: string): number => {
  const [named, position] = Buffer.from(marker, 'base64url').toString('utf8').split(':');
  const at = Number(position);
  if (named !== operation || !Number.isInteger(at) || at < 0) {
    throw invalidRdsParameter(`The parameter Marker is not valid: it was not given by a ${operation} response`);
  }
  return at;
};

/** `operation` answering one page of what it lists (RDS_PAGED). */
const pagedRds =
  (name: string, list: string, operation: Operation): Operation =>
  async (call) => {
    const { MaxRecords, Marker } = asRecord(call.input) as { MaxRecords?: number; Marker?: string };
    if (
      MaxRecords !== undefined &&
      (!Number.isInteger(MaxRecords) || MaxRecords < RDS_MIN_MAX_RECORDS || MaxRecords > RDS_DEFAULT_MAX_RECORDS)
    ) {
      throw invalidRdsParameter(
        `Invalid value ${MaxRecords} for MaxRecords. Must be between ${RDS_MIN_MAX_RECORDS} and ${RDS_DEFAULT_MAX_RECORDS}`,
      );
    }
    const from = Marker === undefined ? 0 : rdsMarkerPosition(name, Marker);
    const answer = (await operation(call)) as Record<string, unknown>;
    const records = (answer[list] as unknown[] | undefined) ?? [];
    const to = from + (MaxRecords ?? RDS_DEFAULT_MAX_RECORDS);
    return {
      ...answer,
      [list]: records.slice(from, to),
      ...(to < records.length ? { Marker: rdsMarker(name, to) } : {}),
    };
  };

for (const [name, list] of Object.entries(RDS_PAGED)) {
  const operation = rdsOperations[name];
  // A name here that the simulator does not serve is a typo: fail at load, not by leaving that action unpaged.
  if (!operation) throw new Error(`RDS_PAGED names ${name}, which rdsOperations does not serve`);
  rdsOperations[name] = pagedRds(name, list, operation);
}

const route53Operations: Record<string, Operation> = {
  ListResourceRecordSets: ({ world, input }) => world.route53.list(input as ListResourceRecordSetsCommandInput),
  ChangeResourceRecordSets: ({ world, input }) => {
    const request = input as ChangeResourceRecordSetsCommandInput;
    return {
      ChangeInfo: world.route53.change(
        request.HostedZoneId ?? '',
        request.ChangeBatch?.Changes ?? [],
        request.ChangeBatch?.Comment,
      ),
    };
  },
  GetChange: ({ world, input }) => ({ ChangeInfo: world.route53.getChange(String(asRecord(input).Id)) }),
  GetHealthCheck: ({ world, input }) => ({
    HealthCheck: world.route53.healthCheck(String(asRecord(input).HealthCheckId)),
  }),
  UpdateHealthCheck: ({ world, input }) => ({
    HealthCheck: world.route53.updateHealthCheck(
      asRecord(input) as { HealthCheckId?: string; HealthCheckVersion?: number; Inverted?: boolean },
    ),
  }),
  GetHealthCheckStatus: ({ world, input }) => ({
    HealthCheckObservations: world.route53.healthCheckStatus(String(asRecord(input).HealthCheckId)),
  }),
};

const cloudWatchOperations: Record<string, Operation> = {
  GetMetricData: ({ world, region, input }) => {
    const request = input as GetMetricDataCommandInput;
    const startMs = request.StartTime ? new Date(request.StartTime).getTime() : Number.NaN;
    const endMs = request.EndTime ? new Date(request.EndTime).getTime() : Number.NaN;
    if (!(startMs < endMs)) {
      throw awsError('CloudWatchClient', {
        code: 'InvalidParameterValue',
        message: 'The parameter StartTime must be less than the parameter EndTime.',
      });
    }
    const now = world.clock.now();
    const ascending = request.ScanBy === 'TimestampAscending';
    return {
      MetricDataResults: (request.MetricDataQueries ?? [])
        .filter((query) => query.ReturnData !== false)
        .map((query) => world.metrics.query(region, query, startMs, endMs, now, ascending)),
      Messages: [],
    };
  },
  DescribeAlarms: ({ world, region, input }) => {
    const { AlarmNames, AlarmNamePrefix, StateValue } = asRecord(input) as {
      AlarmNames?: string[];
      AlarmNamePrefix?: string;
      StateValue?: string;
    };
    return {
      MetricAlarms: [
        ...world.alarms.describe(region, AlarmNames, AlarmNamePrefix, StateValue),
        ...[
          ...(world.switchAlarm?.describe(region, AlarmNames) ?? []),
          ...(world.prober?.describe(region, AlarmNames) ?? []),
        ].filter(
          (alarm) =>
            (!AlarmNamePrefix || alarm.AlarmName?.startsWith(AlarmNamePrefix)) &&
            (!StateValue || alarm.StateValue === StateValue),
        ),
      ],
      CompositeAlarms: [],
    };
  },
  // CloudWatch takes any metric: the simulator keeps the DNS switch alarm's (sim/models/switch-alarm.ts) and the
  // standby prober's (sim/models/prober.ts); other plans' or namespaces' are stored and watched by nothing here.
  PutMetricData: ({ world, region, input }) => {
    const { Namespace, MetricData } = asRecord(input) as {
      Namespace?: string;
      MetricData?: { MetricName?: string; Value?: number; Dimensions?: { Name?: string; Value?: string }[] }[];
    };
    if (!MetricData?.length || MetricData.length > 1000) {
      throw awsError('CloudWatchClient', {
        code: 'InvalidParameterValue',
        message: 'The parameter MetricData must contain between 1 and 1000 items.',
      });
    }
    for (const datum of MetricData) {
      const plan = datum.Dimensions?.find((d) => d.Name === SWITCH_METRIC.dimension)?.Value;
      if (world.switchAlarm && region === world.switchAlarm.region) {
        world.switchAlarm.put(Namespace, datum.MetricName, plan, datum.Value);
      }
    }
    world.prober?.putMetricData(region, input as PutMetricDataCommandInput);
    return {};
  },
};

const eventBridgeOperations: Record<string, Operation> = {
  DescribeRule: ({ world, region, input }) => {
    const { Name, EventBusName } = asRecord(input) as { Name?: string; EventBusName?: string };
    return world.wiring.describeRule(region, String(Name), EventBusName ?? 'default');
  },
  PutEvents: ({ world, region, input }) => {
    const entries = (input as PutEventsCommandInput).Entries ?? [];
    if (entries.length === 0 || entries.length > 10) {
      throw awsError('EventBridgeClient', {
        code: 'ValidationException',
        message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10 (got ${entries.length})`,
      });
    }
    // EventBridge sizes each entry as its Time (14 bytes), Source, DetailType, Detail and Resources in UTF-8, and refuses
    // the whole request when they add up to more than 256 KB (EventBridge User Guide, "Calculating PutEvents event
    // entry size"): nothing of it is put on the bus.
    const bytes = entries.reduce((sum, entry) => sum + putEventsEntryBytes(entry), 0);
    if (bytes > PUT_EVENTS_LIMIT_BYTES) {
      throw awsError('EventBridgeClient', {
        code: 'ValidationException',
        message: 'Total size of the entries in the request is over the limit.',
      });
    }
    const results: PutEventsResultEntry[] = entries.map((entry) => {
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = world.random.uuidAt('put-events', world.bus.events.length);
      world.bus.publish(
        {
          version: '0',
          id,
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: world.account,
          time: new Date(entry.Time ?? world.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region,
          resources: entry.Resources ?? [],
          detail,
        },
        'put-events',
      );
      return { EventId: id };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  },
};

const sfnOperations: Record<string, Operation> = {
  DescribeStateMachine: ({ world, region, input }) =>
    world.wiring.describeStateMachine(region, String(asRecord(input).stateMachineArn)),
  StartExecution: async ({ world, input }) => {
    const request = input as StartExecutionCommandInput;
    return world.stepFunctions.startExecution({
      stateMachineArn: request.stateMachineArn ?? '',
      name: request.name,
      input: request.input,
    });
  },
  SendTaskSuccess: async ({ world, input }) => {
    const request = input as SendTaskSuccessCommandInput;
    await world.stepFunctions.sendTaskSuccess({ taskToken: request.taskToken ?? '', output: request.output ?? '' });
    return {};
  },
  SendTaskFailure: async ({ world, input }) => {
    const request = input as SendTaskFailureCommandInput;
    await world.stepFunctions.sendTaskFailure({
      taskToken: request.taskToken ?? '',
      error: request.error,
      cause: request.cause,
    });
    return {};
  },
  DescribeExecution: async ({ world, input }) =>
    world.stepFunctions.describeExecution({
      executionArn: (input as DescribeExecutionCommandInput).executionArn ?? '',
    }),
};

const secretsManagerOperations: Record<string, Operation> = {
  GetSecretValue: ({ world, region, input }) => {
    const id = String(asRecord(input).SecretId);
    const name = id.startsWith('arn:') ? (id.split(':secret:')[1] ?? '').replace(/-[A-Za-z0-9]{6}$/, '') : id;
    const value = world.secrets.secret(name);
    if (value === undefined) {
      throw awsError('SecretsManagerClient', {
        code: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    return {
      ARN: `arn:aws:secretsmanager:${region}:${world.account}:secret:${name}-${world.random.hexAt(`secret:${name}`, 0, 6)}`,
      Name: name,
      VersionId: world.random.uuidAt(`secret-version:${name}`),
      SecretString: value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: new Date(world.t0Ms - 86_400_000),
    };
  },
};

const ssmOperations: Record<string, Operation> = {
  // SSM API, PutParameter: an existing parameter is replaced only with Overwrite (else ParameterAlreadyExists).
  PutParameter: ({ world, input }) => {
    const { Name, Value, Overwrite, Type } = asRecord(input) as {
      Name?: string;
      Value?: string;
      Overwrite?: boolean;
      Type?: string;
    };
    const name = String(Name);
    if (world.secrets.parameter(name) && Overwrite !== true) {
      throw awsError('SSMClient', {
        code: 'ParameterAlreadyExists',
        message: `The parameter ${name} already exists: set Overwrite to replace it.`,
      });
    }
    world.putParameter(name, String(Value), Type === 'SecureString');
    return { Version: 1, Tier: 'Standard' };
  },
  GetParameter: ({ world, region, input }) => {
    const { Name, WithDecryption } = asRecord(input) as { Name?: string; WithDecryption?: boolean };
    const name = String(Name);
    const parameter = world.secrets.parameter(name);
    if (!parameter) throw awsError('SSMClient', { code: 'ParameterNotFound', message: `Parameter ${name} not found.` });
    // Without WithDecryption, SSM returns a SecureString's ciphertext: a notifier that forgets it gets garbage.
    const value =
      parameter.secure && WithDecryption !== true
        ? `AQICAH${Buffer.from(`sim-ciphertext:${name}`).toString('base64')}`
        : parameter.value;
    return {
      Parameter: {
        Name: name,
        Type: parameter.secure ? 'SecureString' : 'String',
        Value: value,
        Version: 1,
        LastModifiedDate: new Date(world.t0Ms - 86_400_000),
        ARN: `arn:aws:ssm:${region}:${world.account}:parameter/${name.replace(/^\//, '')}`,
        DataType: 'text',
      },
    };
  },
};

const stsOperations: Record<string, Operation> = {
  // Answers with the principal the signing key belongs to, as STS does; it needs no permission (STS API reference,
  // GetCallerIdentity). An unknown key is refused as STS refuses one.
  GetCallerIdentity: ({ world, accessKeyId }) => {
    const arn = accessKeyId === undefined ? undefined : world.principals.get(accessKeyId);
    if (!arn) {
      throw awsError('STSClient', {
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
        status: 403,
      });
    }
    return { Arn: arn, Account: arn.split(':')[4], UserId: `AROASIM:${arn.split('/').at(-1)}` };
  },
};

const routingControlOperations: Record<string, Operation> = {
  GetRoutingControlState: ({ world, input }) => world.arc.get(String(asRecord(input).RoutingControlArn)),
  UpdateRoutingControlState: ({ world, input }) => {
    const { RoutingControlArn, RoutingControlState } = asRecord(input) as Record<string, string>;
    world.arc.update([{ RoutingControlArn, RoutingControlState }]);
    return {};
  },
  UpdateRoutingControlStates: ({ world, input }) => {
    world.arc.update(
      (asRecord(input).UpdateRoutingControlStateEntries ?? []) as {
        RoutingControlArn?: string;
        RoutingControlState?: string;
      }[],
    );
    return {};
  },
};

const lambdaOperations: Record<string, Operation> = {
  // Invoke (RequestResponse): the function's answer as JSON bytes; an error it throws is a FunctionError "Unhandled"
  // with the error's name and message, as Lambda reports it (status 200, the call itself succeeded).
  Invoke: async ({ world, input }) => {
    const { FunctionName, Payload } = asRecord(input) as { FunctionName?: string; Payload?: Uint8Array | string };
    const name = String(FunctionName ?? '').replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:/, '');
    const fn = world.functions.get(name);
    if (!fn) {
      throw awsError('LambdaClient', {
        code: 'ResourceNotFoundException',
        message: `Function not found: arn:aws:lambda:${world.plan.regions.standby}:${world.account}:function:${name}`,
        status: 404,
      });
    }
    const text = typeof Payload === 'string' ? Payload : new TextDecoder().decode(Payload ?? new Uint8Array());
    const payload: unknown = text ? JSON.parse(text) : undefined;
    world.functions.invocations.push({ name, payload, atMs: world.clock.now() });
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value ?? null));
    try {
      return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encode(await fn(payload)) };
    } catch (error) {
      const named = error instanceof Error ? error : new Error(String(error));
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        ExecutedVersion: '$LATEST',
        Payload: encode({ errorType: named.name, errorMessage: named.message }),
      };
    }
  },
};

const sqsOperations: Record<string, Operation> = {
  GetQueueAttributes: ({ world, region, input }) => {
    const { QueueUrl, AttributeNames } = asRecord(input) as { QueueUrl?: string; AttributeNames?: string[] };
    return world.wiring.getQueueAttributes(region, String(QueueUrl), AttributeNames);
  },
};

const schedulerOperations: Record<string, Operation> = {
  GetSchedule: ({ world, region, input }) => {
    const { Name, GroupName } = asRecord(input) as { Name?: string; GroupName?: string };
    return world.wiring.getSchedule(region, String(Name), GroupName ?? 'default');
  },
};

const iamOperations: Record<string, Operation> = {
  SimulatePrincipalPolicy: ({ world, input }) =>
    world.iam.simulatePrincipalPolicy(input as Parameters<World['iam']['simulatePrincipalPolicy']>[0]),
};

const OPERATIONS: Record<SimClientName, Record<string, Operation>> = {
  RDSClient: rdsOperations,
  Route53Client: route53Operations,
  CloudWatchClient: cloudWatchOperations,
  EventBridgeClient: eventBridgeOperations,
  SFNClient: sfnOperations,
  SecretsManagerClient: secretsManagerOperations,
  SSMClient: ssmOperations,
  STSClient: stsOperations,
  Route53RecoveryClusterClient: routingControlOperations,
  LambdaClient: lambdaOperations,
  SQSClient: sqsOperations,
  SchedulerClient: schedulerOperations,
  IAMClient: iamOperations,
};

interface SmithyContext {
  clientName?: string;
  commandName?: string;
  endpointV2?: { url?: URL };
  signing_region?: string;
  __smithy_context?: {
    selectedHttpAuthScheme?: {
      httpAuthOption?: { signingProperties?: { region?: unknown } };
      /** The credentials the call is signed with (resolved by the auth-scheme middleware before `build`). */
      identity?: { accessKeyId?: unknown };
    };
  };
}

/**
 * The client's region, as the SDK resolved it for this call: the signing region (set by the auth-scheme
 * middleware from the client's `region`), else the region in the resolved endpoint's host name.
 */
export const regionOfContext = (context: SmithyContext): string | undefined => {
  const signing = context.__smithy_context?.selectedHttpAuthScheme?.httpAuthOption?.signingProperties?.region;
  if (typeof signing === 'string' && signing) return signing;
  if (context.signing_region) return context.signing_region;
  const host = context.endpointV2?.url?.hostname ?? '';
  return /\.([a-z]{2}(-[a-z]+)+-\d)\.amazonaws\.com$/.exec(host)?.[1];
};

/**
 * Where the simulator answers on a client's middleware stack: each attempt, inside the SDK's retry loop (the client's
 * own retry strategy retries what the SDK would: throttling, timeouts, 5xx answers, with its backoff on the virtual
 * clock, up to the client's attempts), and before signing (a simulated call is not signed; a DynamoDB call passed
 * through still is).
 */
export const SIM_PLACEMENT = { relation: 'before', toMiddleware: 'httpSigningMiddleware' } as const;

export interface SimPluginOptions {
  /**
   * Registers work in flight (a DynamoDB call to the local server) so the virtual clock waits for it. Defaults to
   * `world.clock.track` when the world's clock is a VirtualClock.
   */
  track?: <T>(promise: Promise<T>, label: string) => Promise<T>;
}

/**
 * The plugin for `useClientPlugin`: serves RDS, Route 53, CloudWatch, EventBridge, Step Functions (via
 * `world.stepFunctions`), Secrets Manager, SSM and STS (GetCallerIdentity) from `world`; passes DynamoDB through; throws
 * UnsupportedCommandError for anything else. Mutating calls are recorded in `world.actions`.
 */
export const createSimPlugin = (world: World, options: SimPluginOptions = {}): AnyPluggable => {
  const clockTrack = (world.clock as { track?: SimPluginOptions['track'] }).track;
  const track: NonNullable<SimPluginOptions['track']> =
    options.track ?? (clockTrack ? clockTrack.bind(world.clock) : (promise) => promise);
  let requests = 0;

  return {
    applyToStack: (stack) => {
      stack.addRelativeTo(
        (next: AnyFinalizeHandler, context: HandlerExecutionContext) =>
          async (args: FinalizeHandlerArguments<object>) => {
            const { clientName = '', commandName = '' } = context as SmithyContext;
            refuseTimedOutInvocation(`${clientName} ${commandName}`);
            if (clientName.startsWith('DynamoDB')) return track(next(args), `${clientName} ${commandName}`);
            const operations = OPERATIONS[clientName as SimClientName];
            const operationName = commandName.replace(/Command$/, '');
            const operation = operations?.[operationName];
            if (!operation) throw new UnsupportedCommandError(clientName || 'unknown client', commandName);
            const client = clientName as SimClientName;
            // Route 53's API answers from us-east-1 whatever region the client was given.
            const region =
              client === 'Route53Client' ? ROUTE53_CONTROL_REGION : regionOfContext(context as SmithyContext);
            if (!region) throw new UnsupportedCommandError(clientName, `${commandName} (no region resolved)`);
            const fn = invokedFunction();
            world.calls.push({
              atMs: world.clock.now(),
              client,
              operation: operationName,
              region,
              ...(fn ? { fn } : {}),
            });
            const requestId = world.random.uuidAt('request', requests++);
            const mutating = MUTATING[operationName];
            const record = (outcome: string) =>
              mutating &&
              world.recordAction({
                service: mutating.service,
                operation: operationName,
                target: mutating.target(asRecord(args.input)),
                region,
                outcome,
              });
            try {
              const outageService = OUTAGE_SERVICE[client];
              if (outageService && world.isServiceDown(outageService, region)) {
                // The endpoint takes the connection and never answers: the attempt ends only when the product's own
                // client gives up, after its request timeout (shared/aws/clients.ts), and the SDK tries again up to
                // the client's attempts. A client without timeouts would wait here for ever, as it would in AWS.
                const { requestTimeoutMs } = CLIENT_TIMEOUTS[TIMEOUTS_OF[outageService]];
                await new Promise<void>((resolve) =>
                  world.clock.schedule(world.clock.now() + requestTimeoutMs, resolve),
                );
                throw regionDownError(outageService, region, requestTimeoutMs);
              }
              const signingKey = (context as SmithyContext).__smithy_context?.selectedHttpAuthScheme?.identity
                ?.accessKeyId;
              const accessKeyId = typeof signingKey === 'string' ? signingKey : undefined;
              // Route 53's API throttles per account (every caller's requests together), before it looks at the request.
              if (client === 'Route53Client') world.route53.admitRequest(operationName);
              // RDS's API throttles per account and Region (Aurora's calls too), before it looks at the request.
              if (client === 'RDSClient') world.rds.admitRequest(region, operationName);
              // Each ARC cluster endpoint takes 3 mutating calls a second (ArcModel#admitWrite).
              if (client === 'Route53RecoveryClusterClient' && mutating) world.arc.admitWrite(region);
              const output = await operation({ world, region, input: args.input, accessKeyId });
              record('accepted');
              return {
                response: {},
                output: {
                  ...output,
                  $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 },
                },
              };
            } catch (error) {
              record(error instanceof Error ? error.name : 'Error');
              if (error instanceof Error && '$metadata' in error) {
                const metadata = (error as { $metadata: Record<string, unknown> }).$metadata;
                if (metadata.httpStatusCode !== undefined) metadata.requestId = requestId;
              }
              throw error;
            }
          },
        { ...SIM_PLACEMENT, name: 'switchbackSimulator', override: true },
      );
    },
  };
};
