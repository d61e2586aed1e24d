import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DBInstanceNotFoundFault,
  DescribeDBClusterAutomatedBackupsCommand,
  type DescribeDBClusterAutomatedBackupsCommandInput,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  type DescribeDBInstanceAutomatedBackupsCommandInput,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandInput,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  GetChangeCommand,
  type GetChangeCommandInput,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  Route53Client,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { BatchWriteCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoLedger } from '../../shared/aws/ledger';
import { dynamodbClient } from '../../shared/aws/sdk/dynamodb';
import { resetClients } from '../../shared/aws/sdk/registry';
import type { RunRecord } from '../../shared/domain/run';
import type { Log } from '../../shared/runtime/logger';
import { setEnvironment } from '../../sim/environment';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { type LocalLedger, startLedger } from './dynalite';

/**
 * Helpers for the state-machine tests (test/statemachines): the failover ASL runs in the local runner, every Task
 * calls the real handler, the AWS services the handlers call are served by aws-sdk-client-mock from a small
 * stateful model of the "orders" plan's resources (plans/example.yml), and the ledger is a real table on dynalite.
 */

export const ACCOUNT = '123456789012';
export const PRIMARY_REGION = 'us-east-1';
export const STANDBY_REGION = 'us-west-2';
export const STATE_MACHINE_ARN = `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:stateMachine:switchback-failover`;
export const HOSTED_ZONE_ID = 'Z0123456789ORDERSAPI';
export const ORDERS_PRIMARY_ARN = `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:db:orders-db`;
export const ORDERS_REPLICA_ARN = `arn:aws:rds:${STANDBY_REGION}:${ACCOUNT}:db:orders-db-replica`;
export const CATALOG_EAST_ARN = `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:cluster:catalog-east`;
export const CATALOG_WEST_ARN = `arn:aws:rds:${STANDBY_REGION}:${ACCOUNT}:cluster:catalog-west`;

/** The replica's own backup retention (days), which a promotion must keep. */
export const REPLICA_BACKUP_RETENTION_DAYS = 3;

export const silentLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** One mock per AWS client class the handlers use; each stubs every instance of its class. */
export const mockAws = () => ({
  rds: mockClient(RDSClient),
  route53: mockClient(Route53Client),
  cloudwatch: mockClient(CloudWatchClient),
  eventbridge: mockClient(EventBridgeClient),
  sfn: mockClient(SFNClient),
});
export type AwsMocks = ReturnType<typeof mockAws>;

/** Resets every mock (behaviours and recorded calls). */
export const resetMocks = (mocks: AwsMocks): void => {
  for (const mock of Object.values(mocks)) mock.reset();
};

/**
 * Points the product at the local ledger and the test's state machine, before any product module reads its
 * configuration (shared/runtime/config.ts parses the environment once). The AWS SDK reads
 * AWS_ENDPOINT_URL_DYNAMODB and the credentials when the product builds its DynamoDB client.
 *
 * @returns a function that restores the environment as it was
 */
export const useLocalEnvironment = (ledger: LocalLedger, extra: Record<string, string> = {}): (() => void) =>
  setEnvironment({
    AWS_REGION: STANDBY_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
    LEDGER_TABLE: ledger.tableName,
    FAILOVER_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    EVENT_BUS_NAME: 'switchback-test',
    // Keep EMF metric lines out of the test output (read by Powertools when the Metrics instance is built).
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extra,
  });

/** A ledger adapter over the local table, for the tests' own reads (the product builds its own). */
export const testLedger = (ledger: LocalLedger): DynamoLedger =>
  new DynamoLedger({ client: ledger.client, tableName: ledger.tableName, log: silentLog });

/**
 * Deletes every item of the local ledger table, so that each test starts with no lock, plan state or run: 25 keys
 * per BatchWriteItem (its limit) rather than one DeleteItem per key, since each request pays the SDK's signing and
 * an HTTP round trip to dynalite.
 */
export const clearLedger = async (ledger: LocalLedger): Promise<void> => {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ledger.client.send(
      new ScanCommand({ TableName: ledger.tableName, ExclusiveStartKey: start, ProjectionExpression: 'pk, sk' }),
    );
    let deletes = (page.Items ?? []).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
    while (deletes.length > 0) {
      const out = await ledger.client.send(
        new BatchWriteCommand({ RequestItems: { [ledger.tableName]: deletes.slice(0, 25) } }),
      );
      deletes = [...deletes.slice(25), ...((out.UnprocessedItems?.[ledger.tableName] ?? []) as typeof deletes)];
    }
    start = page.LastEvaluatedKey;
  } while (start);
};

/** The raw lock item of a plan (the holder is absent once released). */
export const readLockItem = async (ledger: LocalLedger, plan: string): Promise<Record<string, unknown> | undefined> => {
  const out = await ledger.client.send(
    new GetCommand({ TableName: ledger.tableName, Key: { pk: `PLAN#${plan}`, sk: 'LOCK' }, ConsistentRead: true }),
  );
  return out.Item;
};

/** A local Step Functions running statemachines/failover.asl.json with every Wait and retry pause at 0 ms. */
export const failoverRunner = (): LocalRunner => new LocalRunner({ stateMachineArn: STATE_MACHINE_ARN, waits: 'zero' });

/**
 * Ends every execution still running and waits until each has ended and its status-change event was handled.
 * A task paused for approval is failed first: aws-local-stepfunctions clears a task's timeout timer (the approval
 * timeout, 30 minutes in plans/example.yml) only when the task settles, and StopExecution alone leaves it pending.
 */
export const stopAll = async (runner: LocalRunner): Promise<void> => {
  const running = runner.list().filter((execution) => execution.status === 'RUNNING');
  for (const task of runner.pendingTasks()) {
    runner.sendTaskFailure({ taskToken: task.taskToken, error: 'TestEnded', cause: 'the test ended' });
  }
  for (const execution of running) {
    if (execution.status === 'RUNNING') runner.stopExecution({ executionArn: execution.executionArn });
  }
  await Promise.all(running.map((execution) => execution.done));
};

/** What a state-machine suite works with: set by the hooks useFailoverSuite registers, so read it inside tests. */
export interface FailoverSuite {
  /** The ledger table on dynalite, for the whole suite. */
  local: LocalLedger;
  /** A ledger adapter over that table, for the tests' own reads. */
  ledger: DynamoLedger;
  /** The local Step Functions of the current test (a new one for every test). */
  runner: LocalRunner;
  /** The current runner's execution with that ARN; throws when there is none. */
  execution(executionArn: string): LocalExecution;
}

/**
 * Registers the hooks every state-machine suite needs, in the calling describe: one ledger on dynalite and the
 * product's environment pointed at it for the suite, then for each test the mocks reset, the ledger emptied, a
 * fresh failover runner serving the product's Step Functions calls, and every execution ended after it.
 *
 * @param environment extra environment variables for the product (see useLocalEnvironment)
 */
export const useFailoverSuite = (mocks: AwsMocks, environment: Record<string, string> = {}): FailoverSuite => {
  let restoreEnvironment: () => void = () => {};
  const suite = {
    execution: (executionArn: string): LocalExecution => {
      const found = suite.runner.get(executionArn);
      if (!found) throw new Error(`no execution ${executionArn}`);
      return found;
    },
  } as FailoverSuite;

  beforeAll(async () => {
    suite.local = await startLedger();
    restoreEnvironment = useLocalEnvironment(suite.local, environment);
    resetClients();
    suite.ledger = testLedger(suite.local);
  });

  afterAll(async () => {
    // The product's DynamoDB client keeps sockets to dynalite open.
    dynamodbClient().destroy();
    restoreEnvironment();
    await suite.local.stop();
  });

  beforeEach(async () => {
    resetMocks(mocks);
    await clearLedger(suite.local);
    suite.runner = failoverRunner();
    serveStepFunctions(mocks, () => suite.runner);
  });

  afterEach(async () => {
    await stopAll(suite.runner);
  });

  return suite;
};

/**
 * Serves the product's Step Functions calls from the runner, with Step Functions Standard's semantics for names:
 * StartExecution with the name and input of a running execution returns that execution; a name already used by
 * a closed execution, or with another input, answers ExecutionAlreadyExists (aws-facts.md, Orchestration:
 * "StartExecution with the same name and input is idempotent"; names unique for 90 days).
 */
/**
 * Runs a runbook (fence, reprotect, failback) of plan orders as a person starts it (`switchback run`, alice) on
 * `runner`, and waits for its end.
 */
export const runOrdersRunbook = async (
  runner: LocalRunner,
  stateMachineArn: string,
  name: string,
  input: { action: string; mode: string; reason: string },
): Promise<{ done: LocalExecution; name: string }> => {
  const { executionArn } = runner.startExecution({
    stateMachineArn,
    name,
    input: JSON.stringify({ plan: 'orders', ...input, requestedBy: 'alice@example.com' }),
  });
  const execution = runner.get(executionArn) as LocalExecution;
  await execution.done;
  return { done: execution, name };
};

/** The run record of plan orders that incident wrote; throws, naming the incident, when there is none. */
export const ordersRunRecord = async (ledger: DynamoLedger, incidentId: string): Promise<RunRecord> => {
  const found = await ledger.getRun('orders', incidentId);
  if (!found) throw new Error(`no run record for ${incidentId}`);
  return found;
};

export const serveStepFunctions = (mocks: AwsMocks, runner: () => LocalRunner): void => {
  mocks.sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const local = runner();
    const existing = local.list().find((execution) => execution.name === input.name);
    if (existing && existing.status !== 'RUNNING') {
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${existing.executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    return local.startExecution(input);
  });
  mocks.sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
    runner().sendTaskSuccess(input);
    return {};
  });
  mocks.sfn
    .on(DescribeExecutionCommand)
    .callsFake((input: { executionArn: string }) => runner().describeExecution(input));
};

/** Every event the product put on the bus, in order, with its detail parsed. */
export const putEvents = (mocks: AwsMocks): { detailType: string; detail: Record<string, unknown> }[] =>
  mocks.eventbridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType ?? '',
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

/** The mutating AWS calls of a failover, by operation: what a dry run must never send. */
export const mutatingCalls = (mocks: AwsMocks) => ({
  PromoteReadReplica: mocks.rds.commandCalls(PromoteReadReplicaCommand).length,
  FailoverGlobalCluster: mocks.rds.commandCalls(FailoverGlobalClusterCommand).length,
  SwitchoverGlobalCluster: mocks.rds.commandCalls(SwitchoverGlobalClusterCommand).length,
  ChangeResourceRecordSets: mocks.route53.commandCalls(ChangeResourceRecordSetsCommand).length,
});

/**
 * Waits, yielding to the event loop (I/O included) without sleeping, until `condition` holds; fails with `what`
 * after `timeoutMs` of wall time.
 */
export const waitUntil = async (condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/** An AWS SDK service error as the SDK throws it (name = the AWS error code). */
export const awsError = (name: string, message: string): Error =>
  new Route53ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

/**
 * The execution input on-health-alarm gives for an alarm (see shared/usecases/handle-health-alarm.ts). Assess
 * accepts it only once the incident is opened in the ledger (`openAlarmIncident`), as the intake does first.
 */
export const alarmRunInput = (incidentId: string, alarmName = 'orders-primary-health') => ({
  plan: 'orders',
  action: 'failover',
  mode: 'live',
  reason: `alarm ${alarmName} entered ALARM`,
  requestedBy: `alarm:${alarmName}`,
  incidentId,
  trigger: { type: 'alarm', alarmName },
});

/** A manual runbook input, as documented in the README. */
export const manualRunInput = (mode: string) => ({
  plan: 'orders',
  action: 'failover',
  mode,
  reason: 'game day',
  requestedBy: 'sre@example.com',
});

/**
 * A CloudWatch alarm state change into ALARM as EventBridge delivers it, the alarm having changed state at
 * `changedAt` after a minute of failing checks. Give a recent time: the handlers run on the system clock, and
 * on-health-alarm drops events older than MAX_EVENT_AGE_SECONDS.
 */
export const alarmStateChange = (alarmName: string, changedAt: Date) => {
  const cw = (at: Date) => at.toISOString().replace('Z', '+0000');
  const breachStart = new Date(changedAt.getTime() - 60_000);
  return {
    version: '0',
    id: `event-${alarmName}-${changedAt.getTime()}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: changedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: PRIMARY_REGION,
    resources: [`arn:aws:cloudwatch:${PRIMARY_REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: {
        value: 'ALARM',
        reason: 'Threshold Crossed: 2 out of the last 2 datapoints were less than the threshold (1.0).',
        reasonData: JSON.stringify({
          version: '1.0',
          startDate: cw(breachStart),
          statistic: 'Minimum',
          period: 60,
          threshold: 1,
          evaluatedDatapoints: [
            { timestamp: cw(new Date(breachStart.getTime() + 30_000)), sampleCount: 3, value: 0 },
            { timestamp: cw(breachStart), sampleCount: 3, value: 0 },
          ],
        }),
        timestamp: cw(changedAt),
      },
      previousState: {
        value: 'OK',
        reason: 'Threshold Crossed',
        timestamp: cw(new Date(changedAt.getTime() - 3_600_000)),
      },
      configuration: { description: 'Route 53 health check of the primary region' },
    },
  };
};

/** How the fake resources of the orders plan behave in one test. */
export interface OrdersWorldOptions {
  /** ReplicaLag of orders-db-replica (seconds); default 2. */
  replicaLagSeconds?: number;
  /** AuroraGlobalDBRPOLag of catalog-west (milliseconds); default 400. */
  auroraLagMs?: number;
  /** Statuses of the replica before promotion, one per DescribeDBInstances; the last repeats. Default available. */
  replicaStatuses?: string[];
  /**
   * Statuses after PromoteReadReplica, one per DescribeDBInstances; the last repeats. The instance stops being a
   * replica once it reports `available`. Default: modifying, rebooting, available (RDS User Guide, "Promoting a
   * read replica": the instance reboots).
   */
  promotedStatuses?: string[];
  /** PromoteReadReplica rejects with this error instead of starting the promotion. */
  promoteError?: Error;
  /** ChangeResourceRecordSets rejects with these errors, in order, before it accepts a batch. */
  changeErrors?: Error[];
  /**
   * The RDS copies as a game day leaves them (the replicas reprotect made): the standby in us-west-2 and the writer
   * in us-east-1 it replicates from. Default: the plan file's orders-db-replica and orders-db.
   */
  rdsCopies?: { standby: string; writer: string };
  /** The function dies once right after PromoteReadReplica took effect (Lambda.ServiceException: the ASL retries). */
  crashAfterPromote?: boolean;
}

const normalize = (name: string | undefined): string => (name ?? '').replace(/\.$/, '').toLowerCase();
const recordKey = (record: { Name?: string; Type?: string; SetIdentifier?: string }): string =>
  `${normalize(record.Name)}|${record.Type ?? ''}|${record.SetIdentifier ?? ''}`;

const failoverRecord = (name: string, setIdentifier: string, failover: 'PRIMARY' | 'SECONDARY', target: string) => ({
  Name: `${name}.`,
  Type: 'CNAME' as const,
  SetIdentifier: setIdentifier,
  Failover: failover,
  TTL: 60,
  ResourceRecords: [{ Value: target }],
  HealthCheckId: `hc-${setIdentifier}`,
});

/**
 * The AWS resources of the "orders" plan (plans/example.yml), served to the handlers through the mocks: the RDS
 * read replica orders-db-replica, the Aurora global cluster catalog-global, the replica-lag metrics, the
 * failover records of hosted zone Z0123456789ORDERSAPI, and the event bus. Stateful: a promotion or a record
 * change is seen by every later call, as in AWS.
 */
export class OrdersWorld {
  private replicaDescribes = 0;
  private promotedDescribes = 0;
  private replicaPromoted = false;
  private crashed = false;
  private auroraWriter: 'east' | 'west' = 'east';
  /** DescribeGlobalClusters answers left that still show the failover running. */
  private failoverDescribesLeft = 0;
  private failoverDataLoss = false;
  private readonly changeErrors: Error[];
  private changeCount = 0;
  private readonly changeChecks = new Map<string, number>();
  /** Change batches accepted per hosted zone. */
  readonly appliedChanges = new Map<string, Change[][]>();
  /** The hosted zone's records, as Route 53 holds them. */
  readonly records: ResourceRecordSet[] = [
    failoverRecord('api.orders.example.com', 'api-us-east-1', 'PRIMARY', 'api-use1.orders.example.com'),
    failoverRecord('api.orders.example.com', 'api-us-west-2', 'SECONDARY', 'api-usw2.orders.example.com'),
    failoverRecord('checkout.orders.example.com', 'checkout-us-east-1', 'PRIMARY', 'checkout-use1.orders.example.com'),
    failoverRecord(
      'checkout.orders.example.com',
      'checkout-us-west-2',
      'SECONDARY',
      'checkout-usw2.orders.example.com',
    ),
    { Name: 'www.orders.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.10' }] },
  ];

  constructor(
    private readonly mocks: AwsMocks,
    private readonly options: OrdersWorldOptions = {},
  ) {
    this.changeErrors = [...(options.changeErrors ?? [])];
    this.install();
  }

  /** Records of the zone by set identifier: `{ 'api-us-west-2': 'PRIMARY', … }`. */
  failoverRoles(): Record<string, string | undefined> {
    return Object.fromEntries(
      this.records.filter((record) => record.SetIdentifier).map((record) => [record.SetIdentifier, record.Failover]),
    );
  }

  private install(): void {
    const { rds, route53, cloudwatch, eventbridge } = this.mocks;
    rds
      .on(DescribeDBInstancesCommand)
      .callsFake((input: DescribeDBInstancesCommandInput) => this.describeReplica(input));
    rds.on(PromoteReadReplicaCommand).callsFake(() => {
      if (this.options.promoteError) throw this.options.promoteError;
      this.replicaPromoted = true;
      if (this.options.crashAfterPromote && !this.crashed) {
        this.crashed = true;
        throw Object.assign(new Error('the function died after the call'), { name: 'Lambda.ServiceException' });
      }
      return { DBInstance: { DBInstanceIdentifier: this.standbyId, DBInstanceStatus: 'modifying' } };
    });
    rds.on(DescribeGlobalClustersCommand).callsFake(() => this.describeGlobalCluster());
    rds.on(DescribeDBClustersCommand).callsFake(() => ({
      DBClusters: [
        {
          DBClusterIdentifier: 'catalog-west',
          DBClusterArn: CATALOG_WEST_ARN,
          Status: 'available',
          BackupRetentionPeriod: 7,
          LatestRestorableTime: new Date(Date.now() - 60_000),
        },
      ],
    }));
    const startFailover = (dataLoss: boolean) => {
      this.failoverDescribesLeft = 1;
      this.failoverDataLoss = dataLoss;
      this.auroraWriter = 'west';
      return { GlobalCluster: { GlobalClusterIdentifier: 'catalog-global', Status: 'available' } };
    };
    rds.on(FailoverGlobalClusterCommand).callsFake(() => startFailover(true));
    rds.on(SwitchoverGlobalClusterCommand).callsFake(() => startFailover(false));
    // Cross-region automated backup replication: a copy of the source's backups, a minute old.
    rds
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .callsFake((input: DescribeDBInstanceAutomatedBackupsCommandInput) => ({
        DBInstanceAutomatedBackups: (input.Filters?.[0]?.Values ?? []).map((arn) => ({
          DBInstanceArn: arn,
          Region: PRIMARY_REGION,
          Status: 'replicating',
          RestoreWindow: { EarliestTime: new Date(Date.now() - 86_400_000), LatestTime: new Date(Date.now() - 60_000) },
        })),
      }));
    rds
      .on(DescribeDBClusterAutomatedBackupsCommand)
      .callsFake((input: DescribeDBClusterAutomatedBackupsCommandInput) => ({
        DBClusterAutomatedBackups: (input.Filters?.[0]?.Values ?? []).map((arn) => ({
          DBClusterArn: arn,
          Region: PRIMARY_REGION,
          Status: 'retained',
          RestoreWindow: { EarliestTime: new Date(Date.now() - 86_400_000), LatestTime: new Date(Date.now() - 60_000) },
        })),
      }));
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const metric = input.MetricDataQueries?.[0]?.MetricStat?.Metric?.MetricName;
      const value = metric === 'ReplicaLag' ? (this.options.replicaLagSeconds ?? 2) : (this.options.auroraLagMs ?? 400);
      return {
        MetricDataResults: [
          {
            Id: 'lag',
            Label: metric,
            StatusCode: 'Complete',
            Timestamps: [new Date(Date.now() - 30_000)],
            Values: [value],
          },
        ],
      };
    });
    route53
      .on(ListResourceRecordSetsCommand)
      .callsFake((input: ListResourceRecordSetsCommandInput) => this.list(input));
    route53
      .on(ChangeResourceRecordSetsCommand)
      .callsFake((input: ChangeResourceRecordSetsCommandInput) => this.change(input));
    route53.on(GetChangeCommand).callsFake((input: GetChangeCommandInput) => {
      // PENDING at the first look, INSYNC after (Route 53 API, GetChange: designed for <= 60 s).
      const checks = (this.changeChecks.get(input.Id ?? '') ?? 0) + 1;
      this.changeChecks.set(input.Id ?? '', checks);
      return { ChangeInfo: { Id: input.Id, Status: checks > 1 ? 'INSYNC' : 'PENDING', SubmittedAt: new Date() } };
    });
    eventbridge.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, index) => ({ EventId: `event-${index}` })),
    }));
  }

  private get standbyId(): string {
    return this.options.rdsCopies?.standby ?? 'orders-db-replica';
  }

  private describeReplica(input: DescribeDBInstancesCommandInput) {
    if (input.DBInstanceIdentifier !== this.standbyId) {
      throw new DBInstanceNotFoundFault({
        message: `DBInstance ${input.DBInstanceIdentifier} not found.`,
        $metadata: { httpStatusCode: 404 },
      });
    }
    let status: string;
    if (this.replicaPromoted) {
      const statuses = this.options.promotedStatuses ?? ['modifying', 'rebooting', 'available'];
      status = statuses[Math.min(this.promotedDescribes, statuses.length - 1)] ?? 'available';
      this.promotedDescribes += 1;
    } else {
      const statuses = this.options.replicaStatuses ?? ['available'];
      status = statuses[Math.min(this.replicaDescribes, statuses.length - 1)] ?? 'available';
      this.replicaDescribes += 1;
    }
    const standalone = this.replicaPromoted && status === 'available';
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: this.standbyId,
          DBInstanceArn: `arn:aws:rds:${STANDBY_REGION}:${ACCOUNT}:db:${this.standbyId}`,
          DBInstanceStatus: status,
          Engine: 'postgres',
          // A cross-region replica names its source by ARN.
          ...(standalone
            ? {}
            : {
                ReadReplicaSourceDBInstanceIdentifier: this.options.rdsCopies
                  ? `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:db:${this.options.rdsCopies.writer}`
                  : ORDERS_PRIMARY_ARN,
              }),
          BackupRetentionPeriod: REPLICA_BACKUP_RETENTION_DAYS,
          LatestRestorableTime: new Date(Date.now() - 60_000),
        },
      ],
    };
  }

  private describeGlobalCluster() {
    const failing = this.failoverDescribesLeft > 0;
    if (failing) this.failoverDescribesLeft -= 1;
    // While the failover runs, neither member is reported as the writer.
    const writer = failing ? undefined : this.auroraWriter;
    return {
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          Status: 'available',
          Engine: 'aurora-postgresql',
          GlobalClusterMembers: [
            { DBClusterArn: CATALOG_EAST_ARN, IsWriter: writer === 'east' },
            { DBClusterArn: CATALOG_WEST_ARN, IsWriter: writer === 'west' },
          ],
          ...(failing
            ? {
                FailoverState: {
                  Status: 'failing-over',
                  FromDbClusterArn: CATALOG_EAST_ARN,
                  ToDbClusterArn: CATALOG_WEST_ARN,
                  IsDataLossAllowed: this.failoverDataLoss,
                },
              }
            : {}),
        },
      ],
    };
  }

  private list(input: ListResourceRecordSetsCommandInput) {
    if (input.HostedZoneId !== HOSTED_ZONE_ID) {
      throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${input.HostedZoneId}`);
    }
    // Listing starts at the given name and type and goes on in order (Route 53 API, ListResourceRecordSets).
    const start = `${normalize(input.StartRecordName)}|${input.StartRecordType ?? ''}`;
    const sorted = [...this.records].sort((a, b) => recordKey(a).localeCompare(recordKey(b)));
    return {
      ResourceRecordSets: sorted.filter((record) => recordKey(record) >= start),
      IsTruncated: false,
      MaxItems: 300,
    };
  }

  private change(input: ChangeResourceRecordSetsCommandInput) {
    const error = this.changeErrors.shift();
    if (error) throw error;
    const changes = input.ChangeBatch?.Changes ?? [];
    for (const change of changes) {
      const record = change.ResourceRecordSet;
      if (change.Action !== 'UPSERT' || !record) throw awsError('InvalidChangeBatch', 'only UPSERT is modelled');
      const index = this.records.findIndex((existing) => recordKey(existing) === recordKey(record));
      if (index >= 0) this.records[index] = { ...record, Name: `${normalize(record.Name)}.` };
      else this.records.push(record);
    }
    const zone = input.HostedZoneId ?? '';
    this.appliedChanges.set(zone, [...(this.appliedChanges.get(zone) ?? []), changes]);
    this.changeCount += 1;
    return {
      ChangeInfo: {
        Id: `/change/C${String(this.changeCount).padStart(12, '0')}`,
        Status: 'PENDING',
        SubmittedAt: new Date(),
      },
    };
  }
}
