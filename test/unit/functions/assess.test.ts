import 'aws-sdk-client-mock-jest';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/assess';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../support/plan-fixtures';
import { runContext } from '../../support/run-fixtures';

process.env.AWS_REGION = 'us-west-2';
// An orphaned run's record goes to the metrics (EMF lines on stdout): keep the test output about behaviour.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const eventbridge = mockClient(EventBridgeClient);
const route53 = mockClient(Route53Client);
const sfn = mockClient(SFNClient);
const context = lambdaContext('assess');

const EXECUTION = {
  arn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:game-day-1',
  name: 'game-day-1',
  startTime: '2026-11-25T03:01:29.000Z',
};
const input = { plan: 'orders', action: 'failover', mode: 'live', reason: 'game day', requestedBy: 'alice' };

describe('assess handler', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
    dynamo.reset();
    eventbridge.reset();
    route53.reset();
    sfn.reset();
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'api.orders.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'api-us-east-1',
          Failover: 'PRIMARY',
          TTL: 60,
        },
        {
          Name: 'api.orders.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'api-us-west-2',
          Failover: 'SECONDARY',
          TTL: 60,
        },
      ],
      IsTruncated: false,
      MaxItems: 300,
    });
    setPlans(new PlanRegistry([ordersPlan()]));
    const recent = new Date(Date.now() - 60_000);
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { holder: 'game-day-1', epoch: 4, acquiredAt: recent.toISOString() } });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    // The plan's readiness history: none on record (Assess reads the last one for its standby health check).
    dynamo.on(QueryCommand).resolves({ Items: [] });
    acceptEvents(eventbridge);
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders-db-replica',
          DBInstanceStatus: 'available',
          ReadReplicaSourceDBInstanceIdentifier: ORDERS_PRIMARY_ARN,
          BackupRetentionPeriod: 7,
          LatestRestorableTime: recent,
        },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'catalog-west',
          DBClusterArn: CATALOG_WEST_ARN,
          Status: 'available',
          LatestRestorableTime: recent,
        },
      ],
    });
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          Status: 'available',
          GlobalClusterMembers: [
            { DBClusterArn: CATALOG_EAST_ARN, IsWriter: true },
            { DBClusterArn: CATALOG_WEST_ARN, IsWriter: false },
          ],
        },
      ],
    });
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [{ DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: recent } }],
    });
    rds.on(DescribeDBClusterAutomatedBackupsCommand).resolves({
      DBClusterAutomatedBackups: [{ DBClusterArn: CATALOG_EAST_ARN, RestoreWindow: { LatestTime: recent } }],
    });
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'lag', Timestamps: [recent], Values: [2] }],
    });
  });

  it('returns the run and a proceed assessment when every standby is healthy', async () => {
    // Act
    const result = await handler({ input, execution: EXECUTION }, context);

    // Assess
    expect(result.run).toMatchObject({
      incidentId: 'game-day-1',
      plan: 'orders',
      epoch: 4,
      executionArn: EXECUTION.arn,
    });
    expect(result.assessment).toMatchObject({ decision: 'proceed', maxLagSeconds: 2 });
    expect(result.assessment.warnings).toEqual([]);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ outcome: 'in-progress' }) });
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
  });

  it('blocks, naming the record and the fix, when the standby record is not a failover record', async () => {
    // Prepare
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'api.orders.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'api-us-east-1',
          Failover: 'PRIMARY',
          TTL: 60,
        },
        { Name: 'api.orders.example.com.', Type: 'CNAME', SetIdentifier: 'api-us-west-2', Weight: 10, TTL: 60 },
      ],
      IsTruncated: false,
      MaxItems: 300,
    });

    // Act
    const result = await handler({ input, execution: EXECUTION }, context);

    // Assess
    expect(result.assessment.decision).toBe('block');
    expect(result.assessment.preflight?.findings).toEqual([
      expect.objectContaining({
        check: 'record-failover',
        resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
        found: 'a weighted record',
      }),
    ]);
  });

  it('resumes a waiting run: keeps its lock and start, and assesses again', async () => {
    // Prepare
    const first = await handler({ input, execution: EXECUTION }, context);
    dynamo.on(GetCommand).resolves({
      Item: { holder: 'game-day-1', execution: EXECUTION.arn, epoch: 4, acquiredAt: first.run.startedAt },
    });
    dynamo.resetHistory();
    eventbridge.resetHistory();

    // Act
    const result = await handler(
      { execution: EXECUTION, resume: { run: first.run, waitUntil: '2026-11-25T03:11:29.000Z' } },
      context,
    );

    // Assess
    expect(result.run).toEqual(first.run);
    expect(result.assessment.decision).toBe('proceed');
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    // Only "decide succeeded": detect and decide-started were announced by the first assessment.
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('throws InvalidRunInputError naming the field when the manual input is bad', async () => {
    // Act
    const assess = handler({ input: { ...input, mode: 'yolo' }, execution: EXECUTION }, context);

    // Assess
    await expect(assess).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      message: expect.stringContaining('mode: expected one of: live, dry-run, game-day'),
    });
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('settles a lock whose failover failed in verify unheard, recording the topology before reading it, and takes the lock', async () => {
    // Prepare: an earlier failover holds the lock; it promoted, switched DNS and failed in verify, and its end never
    // reached on-run-failed
    const { incidentId: earlier, executionArn: earlierArn } = runContext();
    const condition = Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(condition)
      .resolves({ Attributes: { holder: 'game-day-1', epoch: 5, acquiredAt: new Date().toISOString() } });
    dynamo.on(GetCommand, { Key: { pk: 'PLAN#orders', sk: 'LOCK' } }).resolves({
      Item: { holder: earlier, execution: earlierArn, epoch: 4, acquiredAt: '2026-11-25T03:01:30.000Z' },
    });
    dynamo.on(GetCommand, { Key: { pk: 'PLAN#orders', sk: `RUN#${earlier}` } }).resolves({
      Item: {
        run: runContext(),
        outcome: 'in-progress',
        phases: [],
        actions: [],
        warnings: [],
        endedAt: '2026-11-25T03:01:31.000Z',
        phaseReached: 'verify',
        phaseReachedAt: '2026-11-25T03:09:00.000Z',
      },
    });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: earlierArn,
      name: earlier,
      status: 'FAILED',
      error: 'VerificationFailedError',
      cause: 'Recovery verification failed',
      input: JSON.stringify({ plan: 'orders', action: 'failover', mode: 'live', reason: runContext().reason }),
      startDate: new Date('2026-11-25T03:01:29.000Z'),
      stopDate: new Date('2026-11-25T03:10:00.000Z'),
    });

    // Act
    const result = await handler({ input, execution: EXECUTION }, context);

    // Assess: the topology written (the standby region serving) before this run's Assess read it, then the lock taken
    const calls = dynamo.calls().map((call) => call.args[0]);
    const written = calls.findIndex((command) => command instanceof PutCommand && command.input.Item?.sk === 'STATE');
    const read = calls.findLastIndex((command) => command instanceof GetCommand && command.input.Key?.sk === 'STATE');
    expect(calls[written]?.input).toMatchObject({
      Item: { pk: 'PLAN#orders', activeRegion: 'us-west-2', lastFailoverAt: '2026-11-25T03:10:00.000Z' },
    });
    expect(read).toBeGreaterThan(written);
    expect(result.run.incidentId).toBe('game-day-1');
    expect(result.assessment.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining(`the plan's lock was held by ${earlier}`)]),
    );
  });

  it('throws LockHeldError when another incident holds the plan', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' }));
    dynamo
      .on(GetCommand)
      .resolves({ Item: { holder: 'orders-other', epoch: 3, acquiredAt: '2026-11-25T03:00:00.000Z' } });

    // Act / Assess
    await expect(handler({ input, execution: EXECUTION }, context)).rejects.toMatchObject({ name: 'LockHeldError' });
  });
});
