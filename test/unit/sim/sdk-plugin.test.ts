import { Readable } from 'node:stream';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RebootDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { CLIENT_TIMEOUTS, clients, resetClients, useClientPlugin } from '../../../shared/aws/clients';
import { UnsupportedCommandError } from '../../../sim/errors';
import { createSimPlugin, regionOfContext } from '../../../sim/sdk-plugin';
import { DRILL_OPERATOR_ARN, type RecordingStepFunctions } from '../../../sim/world';
import { useFakeCredentials } from '../../support/credentials';
import { oneHandlerRuntime } from '../../support/lambda';
import { type SimHarness, startSim, T0 } from './fixture';

const credentials = { accessKeyId: 'sim', secretAccessKey: 'sim' };
const ZONE = 'Z0123456789ORDERSAPI';

describe('createSimPlugin', () => {
  let sim: SimHarness;
  useFakeCredentials();

  beforeEach(() => {
    sim = startSim('region-outage');
    useClientPlugin(createSimPlugin(sim.world));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    sim.close();
    resetClients();
  });

  it('answers STS GetCallerIdentity with the principal of the key the call is signed with', async () => {
    // Prepare
    const client = new STSClient({ region: 'us-west-2', credentials: { accessKeyId: 'drill', secretAccessKey: 'x' } });
    client.middlewareStack.use(createSimPlugin(sim.world));

    // Act
    const identity = await client.send(new GetCallerIdentityCommand({}));

    // Assess
    expect(identity).toMatchObject({ Arn: DRILL_OPERATOR_ARN, Account: '123456789012' });
  });

  it('refuses GetCallerIdentity signed with a key nobody owns, as STS does', async () => {
    // Prepare
    const client = new STSClient({ region: 'us-west-2', credentials });
    client.middlewareStack.use(createSimPlugin(sim.world));

    // Act
    const call = client.send(new GetCallerIdentityCommand({}));

    // Assess
    await expect(call).rejects.toBeInstanceOf(STSServiceException);
    await expect(call).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
  });

  it('answers a real RDSClient DescribeDBInstances from the region of the client', async () => {
    // Prepare
    const client = new RDSClient({ region: 'us-west-2', credentials });
    client.middlewareStack.use(createSimPlugin(sim.world));

    // Act
    const output = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db-replica' }));

    // Assess
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 });
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'orders-db-replica',
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
      DBInstanceArn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
    });
    expect(output.DBInstances?.[0]?.InstanceCreateTime).toBeInstanceOf(Date);
  });

  it('throws the SDK exception class when the instance is not in the client region', async () => {
    // Prepare
    const client = clients.rds('us-east-1');

    // Act
    const call = client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db-replica' }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
    await expect(call).rejects.toMatchObject({
      name: 'DBInstanceNotFoundFault',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('times out calls to RDS in the primary region when that region is down', async () => {
    // Prepare
    await sim.advanceTo(90);
    const client = clients.rds('us-east-1');
    let outcome: unknown;
    const started = sim.clock.now();

    // Act
    client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' })).then(
      () => {
        outcome = 'answered';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    await sim.clock.runUntil(() => outcome !== undefined);

    // Assess
    // Each attempt waits the request timeout, with the SDK's backoff for a timeout between them (under 200 ms).
    const { maxAttempts, requestTimeoutMs } = CLIENT_TIMEOUTS.rds;
    expect(outcome).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: { attempts: maxAttempts } });
    expect(sim.clock.now() - started).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs);
    expect(sim.clock.now() - started).toBeLessThan(maxAttempts * requestTimeoutMs + 200);
    const standby = await clients.rds('us-west-2').send(new DescribeGlobalClustersCommand({}));
    expect(standby.GlobalClusters?.[0]?.GlobalClusterIdentifier).toBe('catalog-global');
  });

  it('gives no answer to StopDBInstance in a region that is down, and records each attempt', async () => {
    // Prepare
    await sim.advanceTo(90);
    let outcome: unknown;

    // Act
    clients
      .rds('us-east-1')
      .send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'orders-db' }))
      .then(
        () => {
          outcome = 'answered';
        },
        (error: unknown) => {
          outcome = error;
        },
      );
    await sim.clock.runUntil(() => outcome !== undefined);

    // Assess
    expect(outcome).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(sim.world.actions).toEqual(
      Array(CLIENT_TIMEOUTS.rds.maxAttempts).fill(
        expect.objectContaining({
          operation: 'StopDBInstance',
          target: 'orders-db',
          region: 'us-east-1',
          outcome: 'TimeoutError',
        }),
      ),
    );
    expect(sim.world.rds.find('us-east-1', 'orders-db')?.stop).toBeUndefined();
  });

  it('refuses every call an invocation makes after Lambda ended it at its timeout: none reaches the world', async () => {
    // Prepare: us-east-1 is down at 90 s, so a call there takes 2 attempts of 5 s, past the handler's 5 s timeout;
    // the handler then goes on to promote the replica in us-west-2
    await sim.advanceTo(90);
    const runner = oneHandlerRuntime({
      waits: 'virtual',
      timeoutMs: 5000,
      handler: async () => {
        const east = clients
          .rds('us-east-1')
          .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));
        await east.catch(() => undefined);
        return clients
          .rds('us-west-2')
          .send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-db-replica' }));
      },
    });
    const started = sim.clock.now();
    let outcome: unknown;

    // Act
    runner.invoke('promote-database', {}, { viaStateMachine: false }).then(
      () => {
        outcome = 'answered';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    await sim.clock.runUntil(() => outcome !== undefined);
    const endedAfterMs = sim.clock.now() - started;
    await sim.advance(20_000);

    // Assess: ended at 5 s; the handler's promotion, 5 s later, was refused before it reached RDS
    expect(outcome).toMatchObject({ name: 'Lambda.Unknown', message: 'Task timed out after 5.00 seconds' });
    expect(endedAfterMs).toBe(5000);
    expect(sim.world.calls.map((call) => `${call.operation} ${call.region}`)).toEqual([
      'DescribeDBInstances us-east-1',
    ]);
    expect(sim.world.actions).toEqual([]);
    expect(sim.world.rds.find('us-west-2', 'orders-db-replica')?.promotion).toBeUndefined();
  });

  it('records mutating calls in order with their virtual time, region and outcome', async () => {
    // Prepare
    await sim.advanceTo(200);
    const rds = clients.rds('us-west-2');

    // Act
    await rds.send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-db-replica', BackupRetentionPeriod: 7 }),
    );
    await expect(
      rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'orders-db-replica' })),
    ).rejects.toThrow(/modifying/);

    // Assess
    expect(sim.world.actions).toEqual([
      {
        atMs: T0 + 200_000,
        at: '2026-01-15T03:03:20.000Z',
        service: 'rds',
        operation: 'PromoteReadReplica',
        target: 'orders-db-replica',
        region: 'us-west-2',
        outcome: 'accepted',
      },
      expect.objectContaining({ operation: 'PromoteReadReplica', outcome: 'InvalidDBInstanceStateFault' }),
    ]);
  });

  it('fails over an Aurora global cluster through the SDK and records the call', async () => {
    await sim.advanceTo(200);

    const output = await clients.rds('us-west-2').send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west',
        AllowDataLoss: true,
      }),
    );

    expect(output.GlobalCluster?.FailoverState?.Status).toBe('failing-over');
    expect(sim.world.actions).toEqual([
      expect.objectContaining({
        service: 'rds',
        operation: 'FailoverGlobalCluster',
        target: 'catalog-global',
        region: 'us-west-2',
        outcome: 'accepted',
      }),
    ]);
  });

  it('serves Route 53 through the shared clients: list, change, then INSYNC after the modelled delay', async () => {
    // Prepare
    const route53 = clients.route53();
    const listed = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        StartRecordName: 'api.orders.example.com',
        StartRecordType: 'CNAME',
        MaxItems: 2,
      }),
    );
    const [east, west] = listed.ResourceRecordSets ?? [];

    // Act
    const change = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        ChangeBatch: {
          Comment: 'switchback failover',
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { ...west, Name: west?.Name ?? '', Type: 'CNAME', Failover: 'PRIMARY' },
            },
            {
              Action: 'UPSERT',
              ResourceRecordSet: { ...east, Name: east?.Name ?? '', Type: 'CNAME', Failover: 'SECONDARY' },
            },
          ],
        },
      }),
    );
    await sim.advance(60_000);
    const status = await route53.send(new GetChangeCommand({ Id: change.ChangeInfo?.Id }));

    // Assess
    expect(listed.IsTruncated).toBe(true);
    expect(change.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'switchback failover' });
    expect(change.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
    expect(status.ChangeInfo?.Status).toBe('INSYNC');
    expect(sim.world.actions.map((a) => [a.service, a.operation, a.target, a.region])).toEqual([
      ['route53', 'ChangeResourceRecordSets', ZONE, 'us-east-1'],
    ]);
  });

  it("throttles Route 53 requests past the account's request rate (50 at once, then 10 a second), as Route 53 does", async () => {
    // Prepare: a client that does not retry, to see each answer of Route 53
    const route53 = new Route53Client({ region: 'us-east-1', credentials, maxAttempts: 1 });
    route53.middlewareStack.use(createSimPlugin(sim.world));
    const list = () =>
      route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE })).then(
        () => 'ok',
        (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
          `${error.name} ${error.message} ${error.$metadata?.httpStatusCode}`,
      );

    // Act
    const burst = await Promise.all(Array.from({ length: 55 }, list));
    await sim.advance(500);
    const halfASecondLater = await Promise.all(Array.from({ length: 6 }, list));

    // Assess
    // The requests of a batch reach Route 53 in no set order: which ones are throttled is not the test.
    expect(burst.sort()).toEqual([...Array(5).fill('Throttling Rate exceeded 400'), ...Array(50).fill('ok')]);
    expect(halfASecondLater.sort()).toEqual(['Throttling Rate exceeded 400', ...Array(5).fill('ok')]);
    expect(Object.fromEntries(sim.world.route53.requestRate.throttled)).toEqual({ ListResourceRecordSets: 6 });
    // Every attempt is a request to us-east-1, throttled or not.
    expect(sim.world.calls.filter((call) => call.operation === 'ListResourceRecordSets')).toHaveLength(61);
  });

  it("lets the product's client retry a throttled request after the SDK's backoff, on the virtual clock", async () => {
    // Prepare: the SDK draws its backoff from Math.random (a drill seeds it): 0.99 of the throttling base of 500 ms
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const route53 = clients.route53();
    const started = sim.clock.now();
    const answers: { attempts?: number; totalRetryDelay?: number }[] = [];

    // Act
    for (let i = 0; i < 51; i += 1) {
      void route53
        .send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }))
        .then(({ $metadata }) => answers.push($metadata));
    }
    await sim.clock.runUntil(() => answers.length === 51);

    // Assess: 50 answered at once; the one throttled was tried again after the backoff (495 ms), which this SDK
    // release waits twice (its retry strategy, then its retry middleware), when tokens had come back
    expect(answers.filter((metadata) => metadata.attempts === 1)).toHaveLength(50);
    expect(answers.filter((metadata) => metadata.attempts === 2)).toHaveLength(1);
    expect(sim.clock.now() - started).toBe(2 * 495);
    expect(Object.fromEntries(sim.world.route53.requestRate.throttled)).toEqual({ ListResourceRecordSets: 1 });
    expect(sim.world.calls).toHaveLength(52);
  });

  it('serves GetMetricData with Date timestamps through a CloudWatch client', async () => {
    await sim.advanceTo(300);
    const output = await clients
      .cloudwatch('us-west-2')
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(T0),
          EndTime: new Date(T0 + 300_000),
          MetricDataQueries: [
            {
              Id: 'lag',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/RDS',
                  MetricName: 'ReplicaLag',
                  Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db-replica' }],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);
    expect(output).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const result = (output as { MetricDataResults?: { Timestamps?: Date[]; Values?: number[] }[] })
      .MetricDataResults?.[0];
    expect(result?.Timestamps).toHaveLength(5);
    expect(result?.Timestamps?.[0]).toEqual(new Date(T0 + 240_000));
  });

  it('puts events on the simulated bus and delivers them to subscribers', async () => {
    const received: unknown[] = [];
    sim.world.bus.subscribe({ source: ['switchback'] }, (event) => received.push(event.detail));

    const output = await clients.eventbridge().send(
      new PutEventsCommand({
        Entries: [{ Source: 'switchback', DetailType: 'Phase Changed', Detail: '{"phase":"promote"}' }],
      }),
    );
    await sim.advance(1000);

    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.[0]?.EventId).toBe(sim.world.bus.events[0]?.event.id);
    expect(sim.world.bus.events[0]).toMatchObject({
      atMs: T0,
      via: 'put-events',
      event: { 'detail-type': 'Phase Changed' },
    });
    expect(received).toEqual([{ phase: 'promote' }]);
  });

  it('refuses a PutEvents whose entries add up to more than 256 KB, putting none of them, and takes one at exactly 256 KB', async () => {
    // Prepare: EventBridge counts Source, DetailType and Detail in UTF-8 bytes, and 14 bytes for a Time
    const entry = (detailBytes: number) => ({
      Source: 'switchback',
      DetailType: 'Recovery Completed',
      Time: new Date(T0),
      Detail: JSON.stringify({ pad: 'é'.repeat((detailBytes - 10) / 2) }),
    });
    const fixed = 'switchback'.length + 'Recovery Completed'.length + 14;
    const atLimit = entry(256 * 1024 - fixed);
    const overLimit = entry(256 * 1024 - fixed + 2);

    // Act
    const taken = await clients.eventbridge().send(new PutEventsCommand({ Entries: [atLimit] }));
    const refused = await clients
      .eventbridge()
      .send(new PutEventsCommand({ Entries: [overLimit] }))
      .catch((error: unknown) => error);

    // Assess
    expect(Buffer.byteLength(atLimit.Detail) + fixed).toBe(256 * 1024);
    expect(taken.FailedEntryCount).toBe(0);
    expect(refused).toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(sim.world.bus.events).toHaveLength(1);
  });

  it('delegates StartExecution to the world and rejects a reused name with a different input', async () => {
    const sfn = clients.sfn();
    const arn = 'arn:aws:states:us-west-2:123456789012:stateMachine:failover';

    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'inc-1', input: '{"a":1}' }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'inc-1', input: '{"a":1}' }));
    const clash = sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'inc-1', input: '{"a":2}' }));

    expect(first.executionArn).toBe('arn:aws:states:us-west-2:123456789012:execution:failover:inc-1');
    expect(first.startDate).toEqual(new Date(T0));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(clash).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect((sim.world.stepFunctions as RecordingStepFunctions).executions).toHaveLength(1);
  });

  it('serves the Slack secret from Secrets Manager and SSM, encrypted unless decryption is asked', async () => {
    sim.world.secrets.put('secretsmanager', 'switchback/orders/slack-webhook', 'https://hooks.example.test/x');
    sim.world.secrets.put('ssm', '/switchback/slack-token', 'token-value');

    const secret = await clients
      .secretsManager()
      .send(new GetSecretValueCommand({ SecretId: 'switchback/orders/slack-webhook' }));
    const plain = await clients
      .ssm()
      .send(new GetParameterCommand({ Name: '/switchback/slack-token', WithDecryption: true }));
    const cipher = await clients.ssm().send(new GetParameterCommand({ Name: '/switchback/slack-token' }));

    expect(secret.SecretString).toBe('https://hooks.example.test/x');
    expect(plain.Parameter).toMatchObject({ Type: 'SecureString', Value: 'token-value' });
    expect(cipher.Parameter?.Value).not.toBe('token-value');
    await expect(clients.secretsManager().send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('fails loudly naming the command when a handler calls something the simulator does not serve', async () => {
    const call = clients
      .rds('us-west-2')
      .send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'orders-db-replica' }));
    await expect(call).rejects.toBeInstanceOf(UnsupportedCommandError);
    await expect(call).rejects.toThrow(/RDSClient RebootDBInstanceCommand/);
  });

  it('passes DynamoDB commands through to the HTTP handler untouched', async () => {
    // Prepare
    const requests: string[] = [];
    const dynamo = new DynamoDBClient({
      region: 'us-west-2',
      credentials,
      endpoint: 'http://127.0.0.1:4567',
      requestHandler: {
        handle: async (request: { hostname: string; headers: Record<string, string> }) => {
          requests.push(`${request.hostname} ${request.headers['x-amz-target']} busy=${sim.clock.busy()}`);
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              body: Readable.from([Buffer.from('{"TableNames":["switchback-ledger"]}')]),
            },
          };
        },
      } as never,
    });
    dynamo.middlewareStack.use(createSimPlugin(sim.world));

    // Act
    const output = await dynamo.send(new ListTablesCommand({}));

    // Assess
    expect(output.TableNames).toEqual(['switchback-ledger']);
    expect(requests).toEqual(['127.0.0.1 DynamoDB_20120810.ListTables busy=1']);
    expect(sim.clock.busy()).toBe(0);
  });
});

describe('regionOfContext', () => {
  it('reads the signing region when the auth scheme has been selected', () => {
    const context = {
      __smithy_context: { selectedHttpAuthScheme: { httpAuthOption: { signingProperties: { region: 'eu-west-1' } } } },
    };
    expect(regionOfContext(context)).toBe('eu-west-1');
  });

  it('falls back to the resolved endpoint host when no signing region is known', () => {
    expect(regionOfContext({ endpointV2: { url: new URL('https://rds.ap-southeast-2.amazonaws.com') } })).toBe(
      'ap-southeast-2',
    );
    expect(regionOfContext({})).toBeUndefined();
  });
});
