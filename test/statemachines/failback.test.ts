import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandInput,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import {
  GetParameterCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { resetDnsAnswers, useDnsAnswers } from '../../shared/aws/dns-answers';
import type { DynamoLedger } from '../../shared/aws/ledger';
import { REPROTECT_BACK_MAX_CHECKS } from '../../shared/domain/failback';
import type { Outcome, RunInput, RunRecord } from '../../shared/domain/run';
import { planTopology, type Topology, topologyAfterFailover } from '../../shared/domain/topology';
import { compilePlans } from '../../shared/plan/compile';
import { loadPlanFile } from '../../shared/plan/load';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { endedRunRecord } from '../support/run-fixtures';
import { scratchFolders } from '../support/scratch';
import {
  ACCOUNT,
  CATALOG_EAST_ARN,
  CATALOG_WEST_ARN,
  mockAws,
  ORDERS_REPLICA_ARN,
  ordersRunRecord,
  PRIMARY_REGION,
  putEvents,
  runOrdersRunbook,
  STANDBY_REGION,
  stopAll,
  useFailoverSuite,
} from '../support/statemachine';

/**
 * The failback ASL (statemachines/failback.asl.json) run end to end by the local runner: every Task calls the real
 * handler of functions/<name>.ts; RDS, Route 53, CloudWatch and SSM are aws-sdk-client-mock over a small model of a
 * failed-over, re-protected "orders" plan (writers in us-west-2, standbys in us-east-1: orders-db-east replicating
 * from orders-db-replica, catalog-east a secondary of catalog-global); the ledger is a real table on dynalite.
 */

const PLANS_DIR = join(__dirname, '..', '..', 'plans');
const arnOf = (name: string) => `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:stateMachine:switchback-${name}`;
const FAILBACK_ARN = arnOf('failback');
const RUNBOOK_ARNS = {
  FAILOVER_STATE_MACHINE_ARN: arnOf('failover'),
  FENCE_STATE_MACHINE_ARN: arnOf('fence'),
  REPROTECT_STATE_MACHINE_ARN: arnOf('reprotect'),
  FAILBACK_STATE_MACHINE_ARN: FAILBACK_ARN,
};
const ORDERS_EAST_ARN = `arn:aws:rds:${PRIMARY_REGION}:${ACCOUNT}:db:orders-db-east`;
const mocks = mockAws();
const ssm = mockClient(SSMClient);

/** The fence retry's run (start-fence names it after the minute of its tick). */
const RETRY_OWNER = {
  incidentId: 'orders-fence-retry-20261126T0915Z',
  executionArn: `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:execution:switchback-fence:orders-fence-retry-20261126T0915Z`,
};

/** An error that the ASL retries (a Lambda service error): the same step runs again with the same input. */
const crash = () => Object.assign(new Error('the function died after the call'), { name: 'Lambda.ServiceException' });

interface WorldOptions {
  /** ReplicaLag of orders-db-east, one value per GetMetricData; the last repeats. Default [0]. */
  rdsLag?: number[];
  /** Die once right after each of these calls was accepted (the change is made; the step runs again). */
  crashAfter?: ('PutParameter' | 'PromoteReadReplica' | 'SwitchoverGlobalCluster' | 'ChangeResourceRecordSets')[];
}

const record = (name: string, setIdentifier: string, failover: 'PRIMARY' | 'SECONDARY'): ResourceRecordSet => ({
  Name: `${name}.`,
  Type: 'CNAME',
  SetIdentifier: setIdentifier,
  Failover: failover,
  TTL: 60,
  ResourceRecords: [{ Value: `${setIdentifier}.orders.example.com` }],
});

/** The failed-over, re-protected world, as AWS would answer. */
class FailedOverWorld {
  parameter: string | undefined = 'open';
  readonly parameterHistory: string[] = [];
  private promotedDescribes = -1;
  private switchoverDescribesLeft = -1;
  private lagReads = 0;
  private readonly crashes: Set<string>;
  readonly records: ResourceRecordSet[] = [
    record('api.orders.example.com', 'api-us-east-1', 'SECONDARY'),
    record('api.orders.example.com', 'api-us-west-2', 'PRIMARY'),
    record('checkout.orders.example.com', 'checkout-us-east-1', 'SECONDARY'),
    record('checkout.orders.example.com', 'checkout-us-west-2', 'PRIMARY'),
  ];

  constructor(private readonly options: WorldOptions = {}) {
    this.crashes = new Set(options.crashAfter ?? []);
    // What Route 53's name servers answer for a record pair without health checks: its PRIMARY record (Verify
    // Failback asks them), instead of this machine's resolver.
    useDnsAnswers({
      answer: async (name, type) =>
        this.records
          .filter((r) => r.Name === `${name}.` && r.Type === type && r.Failover === 'PRIMARY')
          .flatMap((r) => (r.ResourceRecords ?? []).flatMap((value) => (value.Value ? [value.Value] : []))),
    });
    const { rds, route53, cloudwatch, eventbridge } = mocks;
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    ssm.on(GetParameterCommand).callsFake(() => ({ Parameter: { Name: '/orders/writes', Value: this.parameter } }));
    ssm.on(PutParameterCommand).callsFake((input: PutParameterCommandInput) => {
      this.parameter = input.Value;
      this.parameterHistory.push(String(input.Value));
      this.crashOnce('PutParameter');
      return { Version: this.parameterHistory.length };
    });
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const metric = input.MetricDataQueries?.[0]?.MetricStat?.Metric?.MetricName;
      if (metric === 'ReplicaLag' && this.promotedDescribes >= 0) return { MetricDataResults: [] };
      const lags = this.options.rdsLag ?? [0];
      const value = metric === 'ReplicaLag' ? (lags[Math.min(this.lagReads++, lags.length - 1)] ?? 0) : 300;
      return { MetricDataResults: [{ Id: 'lag', Timestamps: [new Date()], Values: [value] }] };
    });
    rds.on(DescribeDBInstancesCommand).callsFake((input: DescribeDBInstancesCommandInput) => this.describeEast(input));
    rds.on(PromoteReadReplicaCommand).callsFake(() => {
      this.promotedDescribes = 0;
      this.crashOnce('PromoteReadReplica');
      return { DBInstance: { DBInstanceIdentifier: 'orders-db-east', DBInstanceStatus: 'modifying' } };
    });
    rds.on(DescribeGlobalClustersCommand).callsFake(() => this.describeGlobal());
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterIdentifier: 'catalog-east', DBClusterArn: CATALOG_EAST_ARN, Status: 'available' }],
    });
    rds.on(SwitchoverGlobalClusterCommand).callsFake(() => {
      this.switchoverDescribesLeft = 1;
      this.crashOnce('SwitchoverGlobalCluster');
      return { GlobalCluster: { GlobalClusterIdentifier: 'catalog-global', Status: 'switching-over' } };
    });
    route53.on(ListResourceRecordSetsCommand).callsFake((input: ListResourceRecordSetsCommandInput) => ({
      ResourceRecordSets: this.records.filter((r) => r.Name === `${input.StartRecordName?.replace(/\.$/, '')}.`),
      IsTruncated: false,
    }));
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      for (const change of input.ChangeBatch?.Changes ?? []) {
        const set = change.ResourceRecordSet as ResourceRecordSet;
        const index = this.records.findIndex((r) => r.SetIdentifier === set.SetIdentifier);
        this.records[index] = { ...set, Name: set.Name?.endsWith('.') ? set.Name : `${set.Name}.` };
      }
      this.crashOnce('ChangeResourceRecordSets');
      return { ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } };
    });
    route53
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
  }

  roles(): Record<string, string | undefined> {
    return Object.fromEntries(this.records.map((r) => [r.SetIdentifier, r.Failover]));
  }

  private crashOnce(operation: string): void {
    if (this.crashes.delete(operation)) throw crash();
  }

  private describeEast(input: DescribeDBInstancesCommandInput) {
    if (input.DBInstanceIdentifier !== 'orders-db-east') throw new Error(`unexpected ${input.DBInstanceIdentifier}`);
    let status = 'available';
    let standalone = false;
    if (this.promotedDescribes >= 0) {
      // RDS User Guide, "Promoting a read replica": modifying, then the reboot, then available and standalone.
      status = ['modifying', 'rebooting', 'available'][Math.min(this.promotedDescribes, 2)] ?? 'available';
      standalone = status !== 'modifying';
      this.promotedDescribes += 1;
    }
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders-db-east',
          DBInstanceArn: ORDERS_EAST_ARN,
          DBInstanceStatus: status,
          BackupRetentionPeriod: 7,
          ...(standalone ? {} : { ReadReplicaSourceDBInstanceIdentifier: ORDERS_REPLICA_ARN }),
        },
      ],
    };
  }

  private describeGlobal() {
    const switching = this.switchoverDescribesLeft > 0;
    if (switching) this.switchoverDescribesLeft -= 1;
    const eastWrites = this.switchoverDescribesLeft === 0;
    return {
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          Status: switching ? 'switching-over' : 'available',
          GlobalClusterMembers: [
            { DBClusterArn: CATALOG_WEST_ARN, IsWriter: !eastWrites && !switching, SynchronizationStatus: 'connected' },
            { DBClusterArn: CATALOG_EAST_ARN, IsWriter: eastWrites, SynchronizationStatus: 'connected' },
          ],
          ...(switching
            ? {
                FailoverState: {
                  Status: 'failing-over',
                  FromDbClusterArn: CATALOG_WEST_ARN,
                  ToDbClusterArn: CATALOG_EAST_ARN,
                  IsDataLossAllowed: false,
                },
              }
            : {}),
        },
      ],
    };
  }
}

/**
 * The fence and reprotect runbooks a live failback starts once it recovered, as Step Functions shows them: each
 * execution created once (a name used again answers ExecutionAlreadyExists), the fence RUNNING for the looks the test
 * gives, then SUCCEEDED with its run record in the ledger; the reprotect is never waited for.
 */
class Runbooks {
  readonly created: { name: string; stateMachineArn: string; input: RunInput }[] = [];
  /** Who held the plan's lock when each reprotect execution was created. */
  readonly lockAtReprotectStart: (string | undefined)[] = [];
  private readonly crashed = new Set<string>();
  private looks = 0;

  constructor(
    private readonly ledger: Pick<DynamoLedger, 'putRun' | 'getTopology' | 'putTopology' | 'getLock'> &
      Pick<DynamoLedger, 'acquireLock' | 'releaseLock'>,
    private readonly options: {
      /** The outcome the fence's run records (default recovered). */
      fenceOutcome?: Outcome;
      /** DescribeExecution answers RUNNING this many times before SUCCEEDED (default 0). */
      runningLooks?: number;
      /** Die once (a retried Lambda error) right after StartExecution created the execution of these runbooks. */
      crashAfterStartOf?: ('fence' | 'reprotect')[];
      /** The error of that death (default Lambda.ServiceException, which the ASL retries). */
      crashName?: string;
      /**
       * A fence retry took the plan's lock just before the failback's fence asked for it: that fence ends at once
       * with no record ("Already Handled"); the retry fences at the look `fencesAtLook` (default 2) and releases
       * the lock at the next one; `never`: it ends deferred, fencing nothing.
       */
      retryHoldsLock?: { fencesAtLook?: number; never?: boolean };
    } = {},
  ) {
    mocks.sfn.on(StartExecutionCommand).callsFake(async (request: StartExecutionCommandInput) => {
      const name = request.name ?? '';
      const input = JSON.parse(request.input ?? '{}') as RunInput;
      if (this.created.some((each) => each.name === name)) {
        throw new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: { httpStatusCode: 400 } });
      }
      this.created.push({ name, stateMachineArn: request.stateMachineArn ?? '', input });
      if (input.action === 'reprotect') this.lockAtReprotectStart.push((await this.ledger.getLock('orders'))?.holder);
      if (input.action === 'fence' && this.options.retryHoldsLock) {
        await this.ledger.acquireLock('orders', RETRY_OWNER, new Date());
      } else if (input.action === 'fence') {
        const outcome = this.options.fenceOutcome ?? 'recovered';
        if (outcome === 'recovered') await this.fenceOldWriters();
        await this.ledger.putRun(endedRunRecord(name, input, outcome, { type: 'automatic', by: 'failback' }));
      }
      if (this.options.crashAfterStartOf?.includes(input.action as 'fence') && !this.crashed.has(name)) {
        this.crashed.add(name);
        throw Object.assign(crash(), { name: this.options.crashName ?? 'Lambda.ServiceException' });
      }
      return {
        executionArn: `${request.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${name}`,
        startDate: new Date(),
      };
    });
    mocks.sfn.on(DescribeExecutionCommand).callsFake(async (request: DescribeExecutionCommandInput) => {
      const name = (request.executionArn ?? '').split(':').at(-1) ?? '';
      if (!this.created.some((each) => each.name === name)) {
        throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: { httpStatusCode: 400 } });
      }
      this.looks += 1;
      await this.retryGoesOn();
      const status = this.looks <= (this.options.runningLooks ?? 0) ? 'RUNNING' : 'SUCCEEDED';
      return { executionArn: request.executionArn, name, status, startDate: new Date() };
    });
  }

  /** What a fence that fenced records: every old writer the topology has, fenced now. */
  private async fenceOldWriters(): Promise<void> {
    const topology = (await this.ledger.getTopology('orders')) as Topology;
    const at = new Date().toISOString();
    await this.ledger.putTopology('orders', {
      ...topology,
      databases: topology.databases.map((db) =>
        db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'fenced' as const, since: at } } : db,
      ),
    });
  }

  /** The fence retry holding the lock: it fences at its look, then releases the lock at the next. */
  private async retryGoesOn(): Promise<void> {
    const retry = this.options.retryHoldsLock;
    if (!retry) return;
    const fencesAt = retry.fencesAtLook ?? 2;
    if (!retry.never && this.looks === fencesAt) await this.fenceOldWriters();
    if (this.looks === (retry.never ? 1 : fencesAt + 1)) await this.ledger.releaseLock('orders', RETRY_OWNER);
  }

  startCalls(name: string): number {
    return mocks.sfn.commandCalls(StartExecutionCommand).filter((call) => call.args[0].input.name === name).length;
  }
}

describe('failback state machine', () => {
  // The functions load the plans as packaged: plans/*.yml compiled to JSON.
  const compiledPlans = scratchFolders('switchback-plans-')();
  compilePlans(PLANS_DIR, compiledPlans);
  const suite = useFailoverSuite(mocks, { PLANS_DIR: compiledPlans, ...RUNBOOK_ARNS });
  const plan = loadPlanFile(join(PLANS_DIR, 'example.yml'));
  let runner: LocalRunner;
  let sequence = 0;

  /** After the failover (writers in us-west-2), re-protected into us-east-1. */
  const reprotected = (): Topology => {
    const failedOver = topologyAfterFailover(planTopology(plan), {
      toRegion: STANDBY_REGION,
      at: '2026-11-25T03:09:00.000Z',
      incidentId: 'orders-20261125T030300Z-0000abcd',
    });
    return {
      ...failedOver,
      databases: failedOver.databases.map((db) => {
        const { oldPrimary: _old, ...rest } = db;
        return {
          ...rest,
          standby: {
            region: PRIMARY_REGION,
            identifier: db.kind === 'aurora-global' ? 'catalog-east' : 'orders-db-east',
          },
        };
      }),
    };
  };

  let runbooks: Runbooks;

  beforeEach(async () => {
    ssm.reset();
    runbooks = new Runbooks(suite.ledger);
    runner = new LocalRunner({
      definition: JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachines', 'failback.asl.json'), 'utf8')),
      stateMachineArn: FAILBACK_ARN,
      waits: 'zero',
    });
    await suite.ledger.putTopology('orders', reprotected());
  });

  afterEach(async () => {
    await stopAll(runner);
    resetDnsAnswers();
  });

  const runFailback = async (mode = 'live'): Promise<{ done: LocalExecution; name: string }> => {
    sequence += 1;
    const name = `orders-failback-20261126T0900${String(sequence).padStart(2, '0')}Z`;
    return runOrdersRunbook(runner, FAILBACK_ARN, name, {
      action: 'failback',
      mode,
      reason: 'us-east-1 healthy for a week',
    });
  };

  const runRecord = (incidentId: string): Promise<RunRecord> => ordersRunRecord(suite.ledger, incidentId);

  const mutating = () => ({
    PutParameter: ssm.commandCalls(PutParameterCommand).length,
    PromoteReadReplica: mocks.rds.commandCalls(PromoteReadReplicaCommand).length,
    SwitchoverGlobalCluster: mocks.rds.commandCalls(SwitchoverGlobalClusterCommand).length,
    FailoverGlobalCluster: mocks.rds.commandCalls(FailoverGlobalClusterCommand).length,
    ChangeResourceRecordSets: mocks.route53.commandCalls(ChangeResourceRecordSetsCommand).length,
  });

  it('moves RDS and Aurora back with no data loss, DNS back, writes paused then resumed, and records it', async () => {
    // Prepare
    const world = new FailedOverWorld();

    // Act
    const { done, name } = await runFailback();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Failed Back' });
    expect(mutating()).toEqual({
      PutParameter: 2,
      PromoteReadReplica: 1,
      SwitchoverGlobalCluster: 1,
      FailoverGlobalCluster: 0,
      ChangeResourceRecordSets: 1,
    });
    expect(world.parameterHistory).toEqual(['paused', 'open']);
    expect(mocks.rds.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toMatchObject({
      DBInstanceIdentifier: 'orders-db-east',
    });
    expect(mocks.rds.commandCalls(SwitchoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'catalog-global',
      TargetDbClusterIdentifier: CATALOG_EAST_ARN,
    });
    expect(world.roles()).toEqual({
      'api-us-east-1': 'PRIMARY',
      'api-us-west-2': 'SECONDARY',
      'checkout-us-east-1': 'PRIMARY',
      'checkout-us-west-2': 'SECONDARY',
    });
    const topology = (await suite.ledger.getTopology('orders')) as Topology;
    expect(topology.activeRegion).toBe(PRIMARY_REGION);
    expect(topology.databases).toEqual([
      expect.objectContaining({
        id: 'orders-db',
        writer: { region: PRIMARY_REGION, identifier: 'orders-db-east' },
        standby: null,
        oldPrimary: expect.objectContaining({
          region: STANDBY_REGION,
          identifier: 'orders-db-replica',
          // The failback leaves it "unknown"; the fence it started afterwards fenced it.
          state: 'fenced',
        }),
      }),
      {
        id: 'catalog',
        kind: 'aurora-global',
        writer: { region: PRIMARY_REGION, identifier: 'catalog-east' },
        standby: { region: STANDBY_REGION, identifier: 'catalog-west' },
      },
    ]);
    const run = await runRecord(name);
    expect(run.outcome).toBe('recovered');
    expect(run.run.action).toBe('failback');
    expect(run.rpo).toMatchObject({ actualSeconds: 0, withinBudget: true });
    expect(run.rto?.budgetSeconds).toBe(plan.budgets.rtoSeconds);
    expect(run.phases.map((phase) => phase.name)).toEqual(['decide', 'promote', 'dns', 'verify']);
    // What Verify Failback checked is on the record: the writers, the records' roles and what DNS answers.
    expect(run.checks?.map((check) => `${check.name} ${check.ok}`)).toEqual([
      'orders-db writes in us-east-1 true',
      'catalog writes in us-east-1 true',
      'dns api.orders.example.com CNAME true',
      'unfenced api.orders.example.com CNAME true',
      'dns checkout.orders.example.com CNAME true',
      'dns answer api.orders.example.com CNAME true',
      'dns answer checkout.orders.example.com CNAME true',
    ]);
    expect(run.warnings).toEqual([]);
    expect(run.actions.map((action) => `${action.operation} ${action.target}`)).toEqual([
      'PutParameter /orders/writes=paused',
      'PromoteReadReplica orders-db-east',
      'SwitchoverGlobalCluster catalog-global',
      expect.stringMatching(/^ChangeResourceRecordSets Z0123456789ORDERSAPI/),
      'PutParameter /orders/writes=open',
    ]);
    expect(run.reasons).toEqual(
      expect.arrayContaining([
        'orders-db: RPO 0 s, ReplicaLag of orders-db-east read 0 s before PromoteReadReplica',
        'catalog: RPO 0 s, SwitchoverGlobalCluster waits until catalog-east has caught up',
      ]),
    );
    const phases = putEvents(mocks).filter((event) => event.detailType === 'Phase Changed');
    expect(phases.map((event) => `${event.detail.phase} ${event.detail.status}`)).toEqual(
      expect.arrayContaining([
        'decide succeeded',
        'promote started',
        'promote succeeded',
        'dns succeeded',
        'verify succeeded',
      ]),
    );
    expect(putEvents(mocks).map((event) => event.detailType)).toContain('Recovery Completed');
    const next = await suite.ledger.acquireLock('orders', { incidentId: 'next', executionArn: 'arn:next' }, new Date());
    expect(next.holder).toBe('next');
  });

  it('waits for the replica lag to reach 0 before it promotes anything', async () => {
    // Prepare
    new FailedOverWorld({ rdsLag: [3, 1, 0] });

    // Act
    const { done, name } = await runFailback();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.filter((t) => t.state === 'Wait For Lag' && t.event === 'entered')).toHaveLength(2);
    expect((await runRecord(name)).rpo?.actualSeconds).toBe(0);
  });

  it('stops with nothing promoted and writes resumed when the lag never reaches 0 within the bound', async () => {
    // Prepare
    const world = new FailedOverWorld({ rdsLag: [2] });

    // Act
    const { done, name } = await runFailback();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Failback Blocked' });
    // maxLagWaitSeconds 300 / pollSeconds 30: the first check and ten more
    expect(done.transitions.filter((t) => t.state === 'Wait For Lag' && t.event === 'entered')).toHaveLength(10);
    expect(mutating()).toMatchObject({
      PromoteReadReplica: 0,
      SwitchoverGlobalCluster: 0,
      ChangeResourceRecordSets: 0,
    });
    expect(world.parameterHistory).toEqual(['paused', 'open']);
    const run = await runRecord(name);
    expect(run.outcome).toBe('blocked');
    expect(run.findings).toEqual([
      expect.objectContaining({ resource: 'rds:us-east-1:orders-db-east', expected: 'replica lag 0 s' }),
    ]);
    expect(((await suite.ledger.getTopology('orders')) as Topology).activeRegion).toBe(STANDBY_REGION);
  });

  it.each([
    ['the lag cannot be read (CloudWatch denies GetMetricData)', 'cloudwatch'],
    ["DNS cannot be switched back (Route 53's API refuses the read)", 'route53'],
  ] as const)(
    'stops with nothing changed and writes resumed when %s, and says to start it again',
    async (_, failing) => {
      // Prepare
      const world = new FailedOverWorld();
      const denied = Object.assign(new Error('User is not authorized to perform this action'), {
        name: 'AccessDenied',
      });
      if (failing === 'cloudwatch') mocks.cloudwatch.on(GetMetricDataCommand).rejects(denied);
      else mocks.route53.on(ListResourceRecordSetsCommand).rejects(denied);

      // Act
      const { done } = await runFailback();

      // Assess: the pause was lifted before the execution failed, with an error that says a redrive would not do
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('FailbackStoppedBeforeChanges');
      expect(done.cause).toBe(
        'The failback stopped before any database change and lifted its write pause: start the failback again once the ' +
          'cause is fixed (a redrive would go on without the pause, whatever the cause below says). AccessDenied: User ' +
          'is not authorized to perform this action',
      );
      expect(world.parameterHistory).toEqual(['paused', 'open']);
      expect(mutating()).toMatchObject({
        PromoteReadReplica: 0,
        SwitchoverGlobalCluster: 0,
        FailoverGlobalCluster: 0,
        ChangeResourceRecordSets: 0,
      });
      expect(((await suite.ledger.getTopology('orders')) as Topology).activeRegion).toBe(STANDBY_REGION);
    },
  );

  it('fails its verify when a record the fence pointed at maintenance still answers it (the fence kept no values to give back)', async () => {
    // Prepare: the fence changed api's us-east-1 record and failed before recording what it replaced
    const world = new FailedOverWorld();
    const api = world.records.find((r) => r.SetIdentifier === 'api-us-east-1');
    if (!api) throw new Error('the world has the api record');
    api.ResourceRecords = [{ Value: 'maintenance.orders.example.com' }];

    // Act
    const { done, name } = await runFailback();

    // Assess: DNS answers what the record says, so only this check tells
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('VerificationFailedError');
    expect(done.cause).toContain(
      "unfenced api.orders.example.com CNAME: api-us-east-1 still answers maintenance.orders.example.com, the fence's maintenance target",
    );
    expect(world.roles()['api-us-east-1']).toBe('PRIMARY');
    expect((await runRecord(name)).outcome).not.toBe('recovered');
  });

  it('refuses a topology that is not re-protected, with findings and no change at all', async () => {
    // Prepare
    new FailedOverWorld();
    await suite.ledger.putTopology(
      'orders',
      topologyAfterFailover(planTopology(plan), {
        toRegion: STANDBY_REGION,
        at: '2026-11-25T03:09:00.000Z',
        incidentId: 'x',
      }),
    );

    // Act
    const { done, name } = await runFailback();

    // Assess
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Failback Blocked' });
    expect(mutating()).toEqual({
      PutParameter: 0,
      PromoteReadReplica: 0,
      SwitchoverGlobalCluster: 0,
      FailoverGlobalCluster: 0,
      ChangeResourceRecordSets: 0,
    });
    const run = await runRecord(name);
    expect(run.outcome).toBe('blocked');
    expect(run.findings?.map((finding) => finding.found)).toEqual([
      'no standby (not re-protected)',
      'no standby (not re-protected)',
    ]);
    expect(run.findings?.[0]?.fix).toContain('reprotect');
  });

  it('makes each change once when the step dies right after each change and runs again', async () => {
    // Prepare
    const world = new FailedOverWorld({
      crashAfter: ['PutParameter', 'PromoteReadReplica', 'SwitchoverGlobalCluster', 'ChangeResourceRecordSets'],
    });

    // Act
    const { done, name } = await runFailback();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mutating()).toEqual({
      PutParameter: 2,
      PromoteReadReplica: 1,
      SwitchoverGlobalCluster: 1,
      FailoverGlobalCluster: 0,
      ChangeResourceRecordSets: 1,
    });
    expect(world.parameterHistory).toEqual(['paused', 'open']);
    expect(((await suite.ledger.getTopology('orders')) as Topology).activeRegion).toBe(PRIMARY_REGION);
    expect((await runRecord(name)).outcome).toBe('recovered');
  });

  it('runs again after a failed execution without repeating the promotion it made', async () => {
    // Prepare: the check after PromoteReadReplica fails the execution (an error no retry matches).
    const world = new FailedOverWorld();
    let failNext = true;
    mocks.rds.on(DescribeDBInstancesCommand).callsFake((input: DescribeDBInstancesCommandInput) => {
      const answer = (world as unknown as { describeEast(i: DescribeDBInstancesCommandInput): unknown }).describeEast(
        input,
      );
      if (failNext && mocks.rds.commandCalls(PromoteReadReplicaCommand).length === 1) {
        failNext = false;
        throw Object.assign(new Error('the function crashed'), { name: 'Lambda.Unknown' });
      }
      return answer;
    });
    const first = await runFailback();
    expect(first.done.status).toBe('FAILED');

    // Act: the lock was released by on-run-failed in AWS; here the test releases it as that function would.
    await suite.ledger.releaseLock('orders', { incidentId: first.name, executionArn: first.done.executionArn });
    const { done, name } = await runFailback();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    expect(((await suite.ledger.getTopology('orders')) as Topology).activeRegion).toBe(PRIMARY_REGION);
    const run = await runRecord(name);
    expect(run.outcome).toBe('recovered');
    expect(run.actions.map((action) => action.operation)).not.toContain('PromoteReadReplica');
  });

  it('sends no mutating call in a dry run, records the planned ones and leaves the topology', async () => {
    // Prepare
    new FailedOverWorld();

    // Act
    const { done, name } = await runFailback('dry-run');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(mutating()).toEqual({
      PutParameter: 0,
      PromoteReadReplica: 0,
      SwitchoverGlobalCluster: 0,
      FailoverGlobalCluster: 0,
      ChangeResourceRecordSets: 0,
    });
    const run = await runRecord(name);
    expect(run.actions.map((action) => `${action.operation} ${action.dryRun}`)).toEqual([
      'PutParameter true',
      'PromoteReadReplica true',
      'SwitchoverGlobalCluster true',
      'ChangeResourceRecordSets true',
    ]);
    expect(await suite.ledger.getTopology('orders')).toEqual(reprotected());
  });

  it('rejects a failover input with one line naming the action', async () => {
    // Prepare
    new FailedOverWorld();
    const { executionArn } = runner.startExecution({
      stateMachineArn: FAILBACK_ARN,
      name: 'orders-failback-wrong',
      input: JSON.stringify({ plan: 'orders', action: 'failover', reason: 'wrong one', requestedBy: 'alice' }),
    });
    const execution = runner.get(executionArn) as LocalExecution;

    // Act
    await execution.done;

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRunInput' });
    expect(execution.cause).toContain('action: this state machine runs "failback"; start "failover" from');
    expect(mutating().PutParameter).toBe(0);
  });

  describe('re-protecting the other way after a live failback', () => {
    const states = (done: LocalExecution) => done.transitions.map((transition) => transition.state);

    it('starts the fence, waits for its end, then starts reprotect, all after the record and the lock release', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, { runningLooks: 2 });

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(
        runbooks.created.map((each) => `${each.name.slice(name.length)} ${each.input.action} ${each.input.mode}`),
      ).toEqual(['-1-fence fence live', '-2-reprotect reprotect live']);
      expect(runbooks.created.map((each) => each.stateMachineArn)).toEqual([arnOf('fence'), arnOf('reprotect')]);
      expect(runbooks.created[0]?.input).toMatchObject({ trigger: { type: 'automatic', by: 'failback' } });
      expect(runbooks.created[1]?.input).toMatchObject({
        trigger: { type: 'manual' },
        requestedBy: 'alice@example.com',
        reason: `re-protect after failback ${name}`,
      });
      const order = states(done);
      expect(order.indexOf('Release Lock')).toBeLessThan(order.indexOf('Start Fence'));
      expect(order).toContain('Wait For Fence');
      // Two looks at a running fence, then the one that found it ended.
      expect(mocks.sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
      expect(order.at(-1)).toBe('Failed Back');
      const run = await runRecord(name);
      expect(run.outcome).toBe('recovered');
      expect(run.rto?.actualSeconds).toBeGreaterThan(0);
      expect(run.reprotectBack).toMatchObject({
        state: 'started',
        fence: { execution: `${name}-1-fence`, outcome: 'recovered' },
        reprotect: { execution: `${name}-2-reprotect`, alreadyStarted: false },
      });
      expect(run.reprotectBack?.detail).toContain('orders-db');
      const next = await suite.ledger.acquireLock(
        'orders',
        { incidentId: 'next', executionArn: 'arn:next' },
        new Date(),
      );
      expect(next.holder).toBe('next');
    });

    it('starts each runbook once when its start step dies right after StartExecution and runs again', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, { crashAfterStartOf: ['fence', 'reprotect'] });

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(runbooks.created.map((each) => each.name)).toEqual([`${name}-1-fence`, `${name}-2-reprotect`]);
      expect(runbooks.startCalls(`${name}-1-fence`)).toBe(2);
      expect(runbooks.startCalls(`${name}-2-reprotect`)).toBe(2);
      expect((await runRecord(name)).reprotectBack).toMatchObject({
        state: 'started',
        reprotect: { execution: `${name}-2-reprotect`, alreadyStarted: true },
      });
    });

    it('finds the fence that a Start Fence dying with an error it does not retry had started, and goes on', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, {
        crashAfterStartOf: ['fence'],
        crashName: 'Lambda.Unknown',
      });

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(runbooks.startCalls(`${name}-1-fence`)).toBe(1);
      expect(runbooks.created.map((each) => each.name)).toEqual([`${name}-1-fence`, `${name}-2-reprotect`]);
      expect((await runRecord(name)).reprotectBack).toMatchObject({
        state: 'started',
        fence: { execution: `${name}-1-fence`, outcome: 'recovered' },
      });
    });

    it('starts no reprotect when the fence ended deferred, and the record says what to run', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, { fenceOutcome: 'deferred' });

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(runbooks.created.map((each) => each.input.action)).toEqual(['fence']);
      const back = (await runRecord(name)).reprotectBack;
      expect(back).toMatchObject({
        state: 'not-started',
        fence: { execution: `${name}-1-fence`, outcome: 'deferred' },
        command: 'switchback run --plan orders --action reprotect',
      });
      expect(back?.detail).toContain("orders-db's old writer orders-db-replica (us-west-2) not fenced");
    });

    it('starts reprotect once the fence retry that took the lock from its fence fenced and let go of the lock', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, { retryHoldsLock: { fencesAtLook: 2 } });

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      // Look 1: the retry holds the lock, nothing fenced; look 2: fenced, lock still held; look 3: lock free.
      expect(mocks.sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
      expect(runbooks.created.map((each) => each.name)).toEqual([`${name}-1-fence`, `${name}-2-reprotect`]);
      expect(runbooks.lockAtReprotectStart).toEqual([undefined]);
      expect((await runRecord(name)).reprotectBack).toMatchObject({
        state: 'started',
        fence: { execution: `${name}-1-fence` },
        reprotect: { execution: `${name}-2-reprotect`, alreadyStarted: false },
      });
      // The failback's Slack message heard each change once: waiting for the fence, then for the lock, then started.
      const said = mocks.eventbridge
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .filter((entry) => entry.DetailType === 'Reprotect After Failback')
        .map((entry) => (JSON.parse(entry.Detail ?? '{}') as { reprotectBack: { state: string } }).reprotectBack.state);
      expect(said).toEqual(['waiting', 'waiting', 'started']);
    });

    it('starts nothing and says what to run when the fence retry holding the lock never fences', async () => {
      // Prepare
      new FailedOverWorld();
      runbooks = new Runbooks(suite.ledger, { retryHoldsLock: { never: true } });
      const looks = REPROTECT_BACK_MAX_CHECKS;

      // Act
      const { done, name } = await runFailback();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(mocks.sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(looks);
      expect(runbooks.created.map((each) => each.input.action)).toEqual(['fence']);
      const back = (await runRecord(name)).reprotectBack;
      expect(back).toMatchObject({
        state: 'not-started',
        checks: looks,
        command: 'switchback run --plan orders --action reprotect',
      });
      expect(back?.detail).toContain(`found the plan's lock held by another run`);
    });

    it('starts neither fence nor reprotect in a dry run', async () => {
      // Prepare
      new FailedOverWorld();

      // Act
      const { done, name } = await runFailback('dry-run');

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      expect(states(done)).not.toContain('Start Fence');
      expect((await runRecord(name)).reprotectBack).toBeUndefined();
    });

    it('leaves the fence and reprotect to the game day when it runs as a game day leg (mode game-day)', async () => {
      // Prepare
      new FailedOverWorld();

      // Act
      const { done, name } = await runFailback('game-day');

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect((await runRecord(name)).outcome).toBe('recovered');
      expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      expect(states(done)).not.toContain('Start Fence');
      expect(states(done).at(-1)).toBe('Failed Back');
    });
  });
});
