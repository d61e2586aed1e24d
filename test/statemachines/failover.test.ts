import 'aws-sdk-client-mock-jest';
import { join } from 'node:path';
import {
  FailoverGlobalClusterCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand as Route53ChangeCommand } from '@aws-sdk/client-route-53';
import { StepFunctionsWorkflow } from '../../shared/aws/workflow';
import type { RunRecord } from '../../shared/domain/run';
import { compilePlans } from '../../shared/plan/compile';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { lockOwner } from '../support/run-fixtures';
import { scratchFolders } from '../support/scratch';
import {
  alarmRunInput,
  awsError,
  CATALOG_WEST_ARN,
  HOSTED_ZONE_ID,
  manualRunInput,
  mockAws,
  mutatingCalls,
  OrdersWorld,
  type OrdersWorldOptions,
  putEvents,
  REPLICA_BACKUP_RETENTION_DAYS,
  readLockItem,
  STATE_MACHINE_ARN,
  useFailoverSuite,
  waitUntil,
} from '../support/statemachine';

/**
 * The failover ASL (statemachines/failover.asl.json) run end to end by the local runner: every Task calls the real
 * handler of functions/<name>.ts, the AWS services are aws-sdk-client-mock over a model of plans/example.yml's
 * resources, the ledger (lock, plan state, runs, approval tokens) is a real table on dynalite, and a failed
 * execution reaches functions/on-run-failed.ts as the EventBridge status-change rule would deliver it.
 */

const mocks = mockAws();

describe('failover state machine', () => {
  // The functions load the plans as packaged: plans/*.yml compiled to JSON.
  const compiledPlans = scratchFolders('switchback-plans-')();
  compilePlans(join(__dirname, '..', '..', 'plans'), compiledPlans);
  const suite = useFailoverSuite(mocks, { PLANS_DIR: compiledPlans });
  let sequence = 0;

  /** A fresh incident id in the product's format, unique in this file. */
  const incident = (): string => {
    sequence += 1;
    return `orders-20261125T180000Z-${sequence.toString(16).padStart(8, '0')}`;
  };

  const impactTwoMinutesAgo = (): string => new Date(Date.now() - 120_000).toISOString();

  /** Opens the alarm incident as on-health-alarm does, then gives the input it would start the execution with. */
  const alarmRun = async (incidentId: string): Promise<object> => {
    await suite.ledger.openAlarmIncident({
      incidentId,
      plan: 'orders',
      alarmName: 'orders-primary-health',
      stateTimestamp: new Date().toISOString(),
      impactStartedAt: impactTwoMinutesAgo(),
      openedAt: new Date().toISOString(),
    });
    return alarmRunInput(incidentId);
  };

  const start = (name: string, input: object): string =>
    suite.runner.startExecution({ stateMachineArn: STATE_MACHINE_ARN, name, input: JSON.stringify(input) })
      .executionArn;

  const runToEnd = async (name: string, input: object): Promise<LocalExecution> => {
    const executionArn = start(name, input);
    await suite.execution(executionArn).done;
    return suite.execution(executionArn);
  };

  const record = async (incidentId: string): Promise<RunRecord> => {
    const found = await suite.ledger.getRun('orders', incidentId);
    if (!found) throw new Error(`no run record for ${incidentId}`);
    return found;
  };

  const detailTypes = (): string[] => putEvents(mocks).map((event) => event.detailType);

  /** The lock is free when another incident can take it, with the next epoch. */
  const expectLockFree = async (previousEpoch: number): Promise<void> => {
    const next = await suite.ledger.acquireLock('orders', lockOwner('orders-20261125T190000Z-nextnext'), new Date());
    expect(next.epoch).toBe(previousEpoch + 1);
  };

  const world = (options: OrdersWorldOptions = {}): OrdersWorld => new OrdersWorld(mocks, options);

  const visited = (done: LocalExecution, event: 'entered' | 'retried' | 'failed' = 'entered'): string[] =>
    done.transitions.filter((transition) => transition.event === event).map((transition) => transition.state);

  describe('recovery', () => {
    it('promotes both databases, flips DNS once per zone and records RTO and RPO when an alarm starts a run', async () => {
      // Prepare
      const fake = world({ replicaLagSeconds: 2, auroraLagMs: 400 });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done)).toContain('Recovered');
      const run = await record(incidentId);
      expect(run.outcome).toBe('recovered');
      expect(run.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
      expect(run.rto).toEqual({ actualSeconds: expect.any(Number), budgetSeconds: 900, withinBudget: true });
      expect(run.rto?.actualSeconds).toBeGreaterThanOrEqual(120);
      expect(run.rpo).toEqual({ actualSeconds: 2, budgetSeconds: 60, withinBudget: true });
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandWith(PromoteReadReplicaCommand, {
        DBInstanceIdentifier: 'orders-db-replica',
        BackupRetentionPeriod: REPLICA_BACKUP_RETENTION_DAYS,
      });
      expect(mocks.rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandWith(FailoverGlobalClusterCommand, {
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: CATALOG_WEST_ARN,
        AllowDataLoss: true,
      });
      expect(mocks.rds).toHaveReceivedCommandTimes(SwitchoverGlobalClusterCommand, 0);
      expect(mocks.route53).toHaveReceivedCommandTimes(Route53ChangeCommand, 1);
      expect(mocks.route53).toHaveReceivedCommandWith(Route53ChangeCommand, { HostedZoneId: HOSTED_ZONE_ID });
      expect(fake.failoverRoles()).toEqual({
        'api-us-east-1': 'SECONDARY',
        'api-us-west-2': 'PRIMARY',
        'checkout-us-east-1': 'SECONDARY',
        'checkout-us-west-2': 'PRIMARY',
      });
      // The UPSERT keeps everything else of each record (TTL, target, health check).
      const batch = mocks.route53.commandCalls(Route53ChangeCommand)[0]?.args[0].input.ChangeBatch?.Changes ?? [];
      expect(batch).toContainEqual({
        Action: 'UPSERT',
        ResourceRecordSet: expect.objectContaining({
          Name: 'api.orders.example.com.',
          SetIdentifier: 'api-us-west-2',
          Failover: 'PRIMARY',
          TTL: 60,
          ResourceRecords: [{ Value: 'api-usw2.orders.example.com' }],
          HealthCheckId: 'hc-api-us-west-2',
        }),
      });
      expect(await suite.ledger.getTopology('orders')).toMatchObject({
        activeRegion: 'us-west-2',
        lastIncidentId: incidentId,
        databases: [
          { id: 'orders-db', writer: { identifier: 'orders-db-replica' }, standby: null },
          { id: 'catalog', writer: { identifier: 'catalog-west' }, standby: null },
        ],
      });
      const succeeded = putEvents(mocks)
        .filter((event) => event.detailType === 'Phase Changed' && event.detail.status === 'succeeded')
        .map((event) => event.detail.phase);
      expect(new Set(succeeded)).toEqual(new Set(['detect', 'decide', 'promote', 'dns', 'verify']));
      expect(detailTypes().filter((type) => type === 'Recovery Completed')).toHaveLength(1);
      expect(putEvents(mocks).find((event) => event.detailType === 'Recovery Completed')?.detail).toMatchObject({
        outcome: 'recovered',
        run: { incidentId },
      });
      expect((await readLockItem(suite.local, 'orders'))?.holder).toBeUndefined();
      await expectLockFree(run.run.epoch);
    });

    it('switches the Aurora global cluster over instead of failing it over when a person starts the run', async () => {
      // Prepare
      world();
      const name = incident();

      // Act
      const done = await runToEnd(name, manualRunInput('live'));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect((await record(name)).outcome).toBe('recovered');
      expect(mocks.rds).toHaveReceivedCommandTimes(SwitchoverGlobalClusterCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandWith(SwitchoverGlobalClusterCommand, {
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: CATALOG_WEST_ARN,
      });
      expect(mocks.rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 0);
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });
  });

  describe('lag over the RPO budget', () => {
    /** Starts an alarm run whose replica lags 75 s (budget 60 s) and waits until it asks for approval. */
    const startPaused = async (): Promise<{ incidentId: string; executionArn: string }> => {
      world({ replicaLagSeconds: 75 });
      const incidentId = incident();
      const executionArn = start(incidentId, await alarmRun(incidentId));
      await waitUntil(() => suite.runner.onlyWaitingForTokens, 'the run waits for approval');
      return { incidentId, executionArn };
    };

    /** Answers the approval as `switchback approve|deny` does: the token from the ledger, SendTaskSuccess. */
    const answer = async (incidentId: string, approved: boolean): Promise<void> => {
      const pending = await suite.ledger.getApprovalToken(incidentId);
      if (!pending) throw new Error(`no approval token stored for ${incidentId}`);
      await new StepFunctionsWorkflow({ stateMachineArn: STATE_MACHINE_ARN }).sendApproval(
        pending.taskToken,
        { approved, by: 'oncall@example.com', comment: approved ? 'accept 75 s of loss' : 'wait for the primary' },
        incidentId,
      );
    };

    it('pauses at Request Approval with an Approval Requested event and no promotion when lag exceeds the RPO', async () => {
      // Act
      const { incidentId, executionArn } = await startPaused();

      // Assess
      expect(suite.execution(executionArn).status).toBe('RUNNING');
      expect(suite.runner.pendingTasks()).toEqual([
        expect.objectContaining({ executionArn, state: 'Request Approval' }),
      ]);
      const requested = putEvents(mocks).filter((event) => event.detailType === 'Approval Requested');
      expect(requested).toHaveLength(1);
      expect(requested[0]?.detail).toMatchObject({ lagSeconds: 75, rpoBudgetSeconds: 60, timeoutSeconds: 1800 });
      expect((await record(incidentId)).outcome).toBe('awaiting-approval');
      expect(mutatingCalls(mocks)).toEqual({
        PromoteReadReplica: 0,
        FailoverGlobalCluster: 0,
        SwitchoverGlobalCluster: 0,
        ChangeResourceRecordSets: 0,
      });
      expect((await readLockItem(suite.local, 'orders'))?.holder).toBe(incidentId);
    });

    it('recovers and records the RPO over budget when the run is approved', async () => {
      // Prepare
      const { incidentId, executionArn } = await startPaused();

      // Act
      await answer(incidentId, true);
      await suite.execution(executionArn).done;

      // Assess
      expect(suite.execution(executionArn).status).toBe('SUCCEEDED');
      const run = await record(incidentId);
      expect(run.outcome).toBe('recovered');
      expect(run.reasons).toEqual(['orders-db replica lag 75 s > RPO budget 60 s']);
      expect(run.rpo).toEqual({ actualSeconds: 75, budgetSeconds: 60, withinBudget: false });
      expect(run.approval).toMatchObject({ approved: true, by: 'oncall@example.com', comment: 'accept 75 s of loss' });
      // The channel hears that the decision is over, and who made it, before promotion starts.
      const phases = putEvents(mocks)
        .filter((event) => event.detailType === 'Phase Changed')
        .map((event) => event.detail as { phase: string; status: string; facts?: string[] });
      const decided = phases.findIndex((event) => event.phase === 'decide' && event.status === 'succeeded');
      expect(phases[decided]?.facts).toEqual(['approved by oncall@example.com: accept 75 s of loss']);
      expect(decided).toBeLessThan(
        phases.findIndex((event) => event.phase === 'promote' && event.status === 'started'),
      );
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(mocks.route53).toHaveReceivedCommandTimes(Route53ChangeCommand, 1);
      await expectLockFree(run.run.epoch);
    });

    it('ends denied with no promotion and releases the lock when the run is denied', async () => {
      // Prepare
      const { incidentId, executionArn } = await startPaused();

      // Act
      await answer(incidentId, false);
      await suite.execution(executionArn).done;

      // Assess
      const done = suite.execution(executionArn);
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done)).toContain('Failover Denied');
      const run = await record(incidentId);
      expect(run.outcome).toBe('denied');
      expect(run.approval).toMatchObject({ approved: false, by: 'oncall@example.com' });
      expect(mutatingCalls(mocks)).toEqual({
        PromoteReadReplica: 0,
        FailoverGlobalCluster: 0,
        SwitchoverGlobalCluster: 0,
        ChangeResourceRecordSets: 0,
      });
      expect(await suite.ledger.getTopology('orders')).toBeUndefined();
      await expectLockFree(run.run.epoch);
    });
  });

  describe('on the topology a game day left', () => {
    // The RDS writer is the replica the first reprotect made, its standby the one the second made; the plan
    // file's orders-db-replica is the fenced old writer. Aurora switched back: its file roles.
    const writer = 'orders-db-replica-rp-01269b';
    const standby = 'orders-db-replica-rp-d2323f';
    const afterGameDay = async (): Promise<void> => {
      await suite.ledger.putTopology('orders', {
        activeRegion: 'us-east-1',
        databases: [
          {
            id: 'orders-db',
            kind: 'rds-read-replica',
            writer: { region: 'us-east-1', identifier: writer },
            standby: { region: 'us-west-2', identifier: standby },
            oldPrimary: { region: 'us-west-2', identifier: 'orders-db-replica', state: 'replaced', since: AT },
          },
          {
            id: 'catalog',
            kind: 'aurora-global',
            writer: { region: 'us-east-1', identifier: 'catalog-east' },
            standby: { region: 'us-west-2', identifier: 'catalog-west' },
          },
        ],
        lastFailbackAt: AT,
        updatedAt: AT,
        updatedBy: 'orders-game-day-1-6-reprotect',
      });
    };
    const AT = '2026-11-25T12:00:00.000Z';

    it('promotes the standby the topology names, not the plan file replica, and records it as the writer', async () => {
      // Prepare
      world({ rdsCopies: { standby, writer } });
      await afterGameDay();
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect((await record(incidentId)).outcome).toBe('recovered');
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: standby });
      const orders = (await suite.ledger.getTopology('orders'))?.databases.find((db) => db.id === 'orders-db');
      expect(orders).toMatchObject({
        writer: { region: 'us-west-2', identifier: standby },
        standby: null,
        oldPrimary: { region: 'us-east-1', identifier: writer, state: 'unknown' },
      });
    });

    it('promotes once when the step dies right after PromoteReadReplica and is retried', async () => {
      // Prepare
      world({ rdsCopies: { standby, writer }, crashAfterPromote: true });
      await afterGameDay();
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done, 'retried')).toContain('Start Promotion');
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(mocks.rds).toHaveReceivedCommandWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: standby });
      expect((await record(incidentId)).outcome).toBe('recovered');
    });
  });

  describe('promotion failure', () => {
    it.each([
      ['the replica ends in the failed state', { promotedStatuses: ['modifying', 'failed'] }, 'Check Promotions'],
      [
        'PromoteReadReplica is refused',
        {
          promoteError: new InvalidDBInstanceStateFault({
            message: 'DB instance orders-db-replica is not a read replica that can be promoted.',
            $metadata: { httpStatusCode: 400 },
          }),
        },
        'Start Promotion',
      ],
    ] as [string, OrdersWorldOptions, string][])(
      'fails at the promotion, records phase promote and releases the lock when %s',
      async (_case, options, failedState) => {
        // Prepare
        world(options);
        const incidentId = incident();

        // Act
        const done = await runToEnd(incidentId, await alarmRun(incidentId));

        // Assess
        expect(done).toMatchObject({ status: 'FAILED', error: 'PromotionFailedError' });
        expect(done.cause).toContain('orders-db');
        expect(visited(done, 'failed')).toContain(failedState);
        expect(done.deliveryErrors).toEqual([]);
        const run = await record(incidentId);
        expect(run.outcome).toBe('failed');
        expect(run.failure).toMatchObject({ phase: 'promote', error: 'PromotionFailedError' });
        expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
        expect(mocks.route53).toHaveReceivedCommandTimes(Route53ChangeCommand, 0);
        const failed = putEvents(mocks).filter((event) => event.detailType === 'Recovery Failed');
        expect(failed).toHaveLength(1);
        expect(failed[0]?.detail).toMatchObject({
          outcome: 'failed',
          failure: { phase: 'promote' },
          redrive: { executionArn: done.executionArn },
        });
        expect(await suite.ledger.getTopology('orders')).toBeUndefined();
        await expectLockFree(run.run.epoch);
      },
    );
  });

  describe('preflight', () => {
    it('makes no mutating call and records the run blocked with findings when a record of a pair is missing', async () => {
      // Prepare: the standby record of the api pair was deleted (drift).
      const fake = world();
      const index = fake.records.findIndex((r) => r.SetIdentifier === 'api-us-west-2');
      fake.records.splice(index, 1);
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect({ status: done.status, error: done.error, cause: done.cause }).toEqual({ status: 'SUCCEEDED' });
      expect(visited(done)).toEqual(expect.arrayContaining(['Record Blocked Run', 'Release Lock', 'Failover Blocked']));
      expect(visited(done)).not.toContain('Promote Databases');
      expect(mutatingCalls(mocks)).toEqual({
        PromoteReadReplica: 0,
        FailoverGlobalCluster: 0,
        SwitchoverGlobalCluster: 0,
        ChangeResourceRecordSets: 0,
      });
      const run = await record(incidentId);
      expect(run.outcome).toBe('blocked');
      expect(run.actions).toEqual([]);
      expect(run.findings).toEqual([
        expect.objectContaining({
          check: 'record-exists',
          resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
          fix: expect.stringContaining('create the standby region'),
        }),
      ]);
      expect(detailTypes()).toContain('Run Blocked');
      expect(await suite.ledger.getTopology('orders')).toBeUndefined();
      await expectLockFree(run.run.epoch);
    });

    it('waits for a backing-up replica before any change, then proceeds once it is available', async () => {
      // Prepare: the first two assessments see backing-up, the third available.
      world({ replicaStatuses: ['backing-up', 'backing-up', 'available'] });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done).filter((state) => state === 'Wait For Standby')).toHaveLength(2);
      expect(visited(done).filter((state) => state === 'Reassess Failover')).toHaveLength(2);
      expect(visited(done, 'failed')).not.toContain('Start Promotion');
      expect((await record(incidentId)).outcome).toBe('recovered');
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      // Detect and decide-started are announced once, however many times the run looks again.
      const announced = putEvents(mocks)
        .filter((event) => event.detailType === 'Phase Changed')
        .map((event) => `${String(event.detail.phase)} ${String(event.detail.status)}`);
      expect(announced.filter((phase) => phase === 'detect succeeded')).toHaveLength(1);
      expect(announced.filter((phase) => phase === 'decide started')).toHaveLength(1);
    });
  });

  describe('transient errors', () => {
    it('retries the promotion while the replica is backing-up and recovers', async () => {
      // Prepare: assessment sees available, the first promotion attempt backing-up (it began since), the retry available.
      world({ replicaStatuses: ['available', 'backing-up', 'available'] });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done, 'retried')).toContain('Start Promotion');
      expect(done.transitions).toContainEqual(
        expect.objectContaining({ state: 'Start Promotion', event: 'failed', error: 'ResourceBusyError' }),
      );
      expect((await record(incidentId)).outcome).toBe('recovered');
      expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });

    it('retries the DNS flip on Throttling and PriorRequestNotComplete and applies one change per zone', async () => {
      // Prepare
      const fake = world({
        changeErrors: [
          awsError('Throttling', 'Rate exceeded'),
          awsError(
            'PriorRequestNotComplete',
            'The request was rejected because Route 53 was still processing a prior request.',
          ),
        ],
      });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(visited(done, 'retried').filter((state) => state === 'Flip DNS')).toHaveLength(2);
      expect(mocks.route53).toHaveReceivedCommandTimes(Route53ChangeCommand, 3);
      expect(fake.appliedChanges.get(HOSTED_ZONE_ID)).toHaveLength(1);
      expect([...fake.appliedChanges.keys()]).toEqual([HOSTED_ZONE_ID]);
      const run = await record(incidentId);
      expect(run.outcome).toBe('recovered');
      expect(run.actions.filter((action) => action.operation === 'ChangeResourceRecordSets')).toEqual([
        expect.objectContaining({ service: 'route53', region: 'us-east-1', dryRun: false }),
      ]);
      expect(fake.failoverRoles()).toMatchObject({ 'api-us-west-2': 'PRIMARY', 'api-us-east-1': 'SECONDARY' });
    });
  });

  describe('failure after changes', () => {
    it('records every change made before a DNS flip that AWS refused, in the dns phase', async () => {
      // Prepare: both databases get promoted, then Route 53 refuses the flip with an error that names no phase
      world({ changeErrors: [awsError('AccessDenied', 'not authorized to perform route53:ChangeResourceRecordSets')] });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'AccessDenied' });
      const failed = await record(incidentId);
      expect(failed.outcome).toBe('failed');
      expect(failed.failure).toMatchObject({ phase: 'dns', error: 'AccessDenied' });
      expect(failed.actions.map((action) => `${action.operation} ${action.target}`).sort()).toEqual([
        'FailoverGlobalCluster catalog-global',
        'PromoteReadReplica orders-db-replica',
      ]);
    });
  });

  describe('unreachable endpoints', () => {
    it('retries the DNS flip with backoff when Route 53 does not answer, then recovers with one change', async () => {
      // Prepare: what the SDK throws when the client's timeouts (shared/aws/clients.ts) expire, no HTTP answer.
      const timedOut = () =>
        Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout.'), {
          name: 'TimeoutError',
          code: 'ETIMEDOUT',
          $metadata: { attempts: 2 },
        });
      const fake = world({ changeErrors: [timedOut(), timedOut()] });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(done.transitions.filter((t) => t.state === 'Flip DNS' && t.event === 'failed')).toEqual([
        expect.objectContaining({ error: 'EndpointUnreachableError' }),
        expect.objectContaining({ error: 'EndpointUnreachableError' }),
      ]);
      expect(fake.appliedChanges.get(HOSTED_ZONE_ID)).toHaveLength(1);
      expect((await record(incidentId)).outcome).toBe('recovered');
    });

    it('stops the run at Flip DNS after three retries, recorded as failed, when Route 53 never answers', async () => {
      // Prepare
      const timedOut = () =>
        Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: {} });
      world({ changeErrors: Array.from({ length: 10 }, timedOut) });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess
      expect(done.status).toBe('FAILED');
      expect(done.error).toBe('EndpointUnreachableError');
      expect(visited(done, 'retried').filter((state) => state === 'Flip DNS')).toHaveLength(3);
      const failed = await record(incidentId);
      expect(failed).toMatchObject({ outcome: 'failed', failure: { error: 'EndpointUnreachableError' } });
      expect(detailTypes()).toContain('Recovery Failed');
    });
  });

  describe('the payload quota', () => {
    it('records the run failed, releases the lock and offers no redrive when a state output goes over the quota after the DNS flip', async () => {
      // Prepare: a quota of 3,000 bytes; Flip DNS's output (the run, the promotions and the flip) is about 3 KB
      world();
      suite.runner = new LocalRunner({ stateMachineArn: STATE_MACHINE_ARN, waits: 'zero', payloadLimitBytes: 3000 });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess: Step Functions fails the execution there, uncaught; on-run-failed records it as for any failure
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(done.cause).toMatch(
        /^The state "Flip DNS" returned an output of 3\d{3} bytes, over the payload quota of 3000 bytes$/,
      );
      expect(visited(done).at(-1)).toBe('Flip DNS');
      // The flip was made (one change for the plan's one hosted zone) before its output went over.
      expect(mocks.route53).toHaveReceivedCommandTimes(Route53ChangeCommand, 1);
      expect(done.deliveryErrors).toEqual([]);
      const run = await record(incidentId);
      expect(run).toMatchObject({ outcome: 'failed', failure: { phase: 'dns', error: 'States.DataLimitExceeded' } });
      const failed = putEvents(mocks).filter((event) => event.detailType === 'Recovery Failed');
      expect(failed).toHaveLength(1);
      // A redrive reruns Flip DNS, whose output is over the quota again.
      expect(failed[0]?.detail).not.toHaveProperty('redrive');
      await expectLockFree(run.run.epoch);
    });
  });

  describe('the history quota', () => {
    it('records the run failed, releases the lock and says Step Functions will not redrive it, when its history reaches the quota', async () => {
      // Prepare: a quota of 60 history events, which the run reaches while it promotes
      world();
      suite.runner = new LocalRunner({ stateMachineArn: STATE_MACHINE_ARN, waits: 'zero', historyEventLimit: 60 });
      const incidentId = incident();

      // Act
      const done = await runToEnd(incidentId, await alarmRun(incidentId));

      // Assess: Step Functions fails it, uncatchable; on-run-failed asks whether it can be redriven (it cannot)
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(done.deliveryErrors).toEqual([]);
      const run = await record(incidentId);
      expect(run).toMatchObject({ outcome: 'failed', failure: { error: 'States.Runtime' } });
      const failed = putEvents(mocks).filter((event) => event.detailType === 'Recovery Failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.detail).not.toHaveProperty('redrive');
      expect(failed[0]?.detail.notRedrivable).toBe(
        'Step Functions will not redrive it (Execution history event limit exceeded): start a new run once the cause is fixed',
      );
      await expectLockFree(run.run.epoch);
    });
  });

  describe('dry run', () => {
    it('sends no mutating command, lists the planned actions and leaves the plan state when mode is dry-run', async () => {
      // Prepare
      const fake = world();
      await suite.ledger.putTopology('orders', { activeRegion: 'us-east-1', databases: [] });
      const name = incident();

      // Act
      const done = await runToEnd(name, manualRunInput('dry-run'));

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(mutatingCalls(mocks)).toEqual({
        PromoteReadReplica: 0,
        FailoverGlobalCluster: 0,
        SwitchoverGlobalCluster: 0,
        ChangeResourceRecordSets: 0,
      });
      const run = await record(name);
      expect(run.run.mode).toBe('dry-run');
      expect(run.actions.map(({ operation, target, dryRun }) => ({ operation, target, dryRun }))).toEqual(
        expect.arrayContaining([
          { operation: 'PromoteReadReplica', target: 'orders-db-replica', dryRun: true },
          { operation: 'SwitchoverGlobalCluster', target: 'catalog-global', dryRun: true },
          { operation: 'ChangeResourceRecordSets', target: expect.stringContaining(HOSTED_ZONE_ID), dryRun: true },
        ]),
      );
      expect(run.actions).toHaveLength(3);
      expect(await suite.ledger.getTopology('orders')).toEqual({ activeRegion: 'us-east-1', databases: [] });
      expect(fake.failoverRoles()).toMatchObject({ 'api-us-east-1': 'PRIMARY', 'api-us-west-2': 'SECONDARY' });
      await expectLockFree(run.run.epoch);
    });
  });

  describe('bad manual input', () => {
    it('fails at the first state with InvalidRunInput naming the mode field when mode is "sideways"', async () => {
      // Prepare
      world();
      const name = incident();

      // Act
      const done = await runToEnd(name, manualRunInput('sideways'));

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'InvalidRunInput' });
      expect(done.cause).toContain('mode');
      expect(done.cause).toContain('live, dry-run, game-day');
      expect(visited(done)).toEqual(['Assess Failover', 'Reject Input']);
      expect(mocks.rds.calls()).toHaveLength(0);
      expect(mocks.route53.calls()).toHaveLength(0);
      expect(mocks.cloudwatch.calls()).toHaveLength(0);
      expect(await readLockItem(suite.local, 'orders')).toBeUndefined();
      expect(await suite.ledger.getTopology('orders')).toBeUndefined();
      expect((await record(name)).failure).toMatchObject({ phase: 'decide', error: 'InvalidRunInput' });
    });

    it('refuses a hand-written input that claims an alarm, before any lock or change', async () => {
      // Prepare: what a person could write by hand to get an alarm run's failover (Aurora with data loss)
      world({ replicaLagSeconds: 2, auroraLagMs: 400 });
      const name = incident();
      const forged = alarmRunInput(name);

      // Act
      const done = await runToEnd(name, forged);

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'InvalidRunInput' });
      expect(done.cause).toContain('trigger.type: "alarm" is not accepted');
      expect(visited(done)).toEqual(['Assess Failover', 'Reject Input']);
      expect(mocks.rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 0);
      expect(await readLockItem(suite.local, 'orders')).toBeUndefined();
      const failed = await record(name);
      expect(failed.run.trigger).toEqual({ type: 'manual' });
      expect(failed.failure).toMatchObject({ phase: 'decide', error: 'InvalidRunInput' });
    });
  });
});
