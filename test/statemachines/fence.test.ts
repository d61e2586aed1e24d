import 'aws-sdk-client-mock-jest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { RunRecord } from '../../shared/domain/run';
import { planTopology, type Topology, topologyAfterFailover } from '../../shared/domain/topology';
import { compilePlans } from '../../shared/plan/compile';
import { loadPlanFile } from '../../shared/plan/load';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { scratchFolders } from '../support/scratch';
import {
  ACCOUNT,
  CATALOG_EAST_ARN,
  CATALOG_WEST_ARN,
  HOSTED_ZONE_ID,
  mockAws,
  ORDERS_PRIMARY_ARN,
  PRIMARY_REGION,
  putEvents,
  STANDBY_REGION,
  stopAll,
  useFailoverSuite,
} from '../support/statemachine';

/**
 * The fence ASL (statemachines/fence.asl.json) run end to end by the local runner: every Task calls the real
 * handler of functions/<name>.ts, RDS is aws-sdk-client-mock over a small model of the old primaries (an RDS
 * instance that stops in a few describes, an Aurora cluster that rejoined as a secondary), and the ledger
 * (lock, topology, runs) is a real table on dynalite.
 */

const PLANS_DIR = join(__dirname, '..', '..', 'plans');
const FENCE_ARN = `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:stateMachine:switchback-fence`;
const mocks = mockAws();

const MAINTENANCE = 'maintenance.orders.example.com';

/**
 * The failover records after the failover: the standby's PRIMARY, the old region's SECONDARY (with its health check),
 * as ListResourceRecordSets shows them; a change is PENDING for one GetChange, then INSYNC.
 */
class Records {
  changeCalls = 0;
  private pendingReads = new Map<string, number>();
  readonly records: ResourceRecordSet[] = ['api', 'checkout'].flatMap((host) => [
    {
      Name: `${host}.orders.example.com.`,
      Type: 'CNAME',
      SetIdentifier: `${host}-us-east-1`,
      Failover: 'SECONDARY',
      TTL: 60,
      HealthCheckId: `hc-${host}-east`,
      ResourceRecords: [{ Value: `${host}.us-east-1.orders.example.com` }],
    },
    {
      Name: `${host}.orders.example.com.`,
      Type: 'CNAME',
      SetIdentifier: `${host}-us-west-2`,
      Failover: 'PRIMARY',
      TTL: 60,
      HealthCheckId: `hc-${host}-west`,
      ResourceRecords: [{ Value: `${host}.us-west-2.orders.example.com` }],
    },
  ]);

  constructor(options: { crashAfterChange?: boolean; route53Down?: boolean } = {}) {
    const { route53 } = mocks;
    const down = () =>
      Object.assign(new Error('connect ETIMEDOUT route53.amazonaws.com'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    route53.on(ListResourceRecordSetsCommand).callsFake((input: { StartRecordName?: string }) => {
      if (options.route53Down) throw down();
      const wanted = `${String(input.StartRecordName).replace(/\.$/, '')}.`;
      return { ResourceRecordSets: structuredClone(this.records.filter((r) => r.Name === wanted)), IsTruncated: false };
    });
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      if (options.route53Down) throw down();
      this.changeCalls += 1;
      for (const change of input.ChangeBatch?.Changes ?? []) {
        const next = change.ResourceRecordSet as ResourceRecordSet;
        const index = this.records.findIndex((r) => r.SetIdentifier === next.SetIdentifier);
        this.records[index] = structuredClone(next);
      }
      const id = `/change/C${this.changeCalls}`;
      this.pendingReads.set(id, 1);
      return { ChangeInfo: { Id: id, Status: 'PENDING', SubmittedAt: new Date() } };
    });
    route53.on(GetChangeCommand).callsFake((input: { Id?: string }) => {
      if (options.crashAfterChange && this.changeCalls === 1 && !this.crashed) {
        this.crashed = true;
        throw Object.assign(new Error('the function crashed'), { name: 'Lambda.Unknown' });
      }
      const left = this.pendingReads.get(String(input.Id)) ?? 0;
      this.pendingReads.set(String(input.Id), left - 1);
      return { ChangeInfo: { Id: input.Id, Status: left > 0 ? 'PENDING' : 'INSYNC', SubmittedAt: new Date() } };
    });
  }

  private crashed = false;

  value(setIdentifier: string): string | undefined {
    return this.records.find((r) => r.SetIdentifier === setIdentifier)?.ResourceRecords?.[0]?.Value;
  }
}

/** The old primaries as RDS and the global cluster show them. */
class OldPrimaries {
  stopCalls = 0;
  private stoppingDescribesLeft = 2;
  private stopped = false;
  constructor(
    private readonly options: {
      ordersRegionDown?: boolean;
      auroraRejoined?: boolean;
      /** The Aurora old primary was taken out of the global cluster: a standalone cluster, which takes writes. */
      auroraStandalone?: boolean;
      /** That standalone cluster, stopped by a person: it takes none. */
      auroraStandaloneStopped?: boolean;
      crashAfterStop?: boolean;
    } = {},
  ) {
    const { rds, eventbridge } = mocks;
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const regionDown = () =>
      Object.assign(new Error('connect ETIMEDOUT rds.us-east-1.amazonaws.com'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      });
    rds.on(DescribeDBClustersCommand).callsFake(() => {
      if (this.options.ordersRegionDown) throw regionDown();
      return {
        DBClusters: [
          {
            DBClusterIdentifier: 'catalog-east',
            DBClusterArn: CATALOG_EAST_ARN,
            Status: this.options.auroraStandaloneStopped ? 'stopped' : 'available',
            ...(this.options.auroraStandalone ? {} : { GlobalClusterIdentifier: 'catalog-global' }),
          },
        ],
      };
    });
    rds.on(DescribeDBInstancesCommand).callsFake(() => {
      if (this.options.ordersRegionDown) throw regionDown();
      if (this.options.crashAfterStop && this.stopped && this.stopCalls === 1 && this.stoppingDescribesLeft === 2) {
        this.stoppingDescribesLeft -= 1;
        throw Object.assign(new Error('the function crashed'), { name: 'Lambda.Unknown' });
      }
      let status = 'available';
      if (this.stopped) {
        status = this.stoppingDescribesLeft > 0 ? 'stopping' : 'stopped';
        this.stoppingDescribesLeft = Math.max(0, this.stoppingDescribesLeft - 1);
      }
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: 'orders-db',
            DBInstanceArn: ORDERS_PRIMARY_ARN,
            DBInstanceStatus: status,
            BackupRetentionPeriod: 7,
          },
        ],
      };
    });
    rds.on(StopDBInstanceCommand).callsFake(() => {
      this.stopCalls += 1;
      this.stopped = true;
      return { DBInstance: { DBInstanceIdentifier: 'orders-db', DBInstanceStatus: 'stopping' } };
    });
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          Status: 'available',
          GlobalClusterMembers: [
            { DBClusterArn: CATALOG_WEST_ARN, IsWriter: true },
            ...(this.options.auroraRejoined === false || this.options.auroraStandalone
              ? []
              : [{ DBClusterArn: CATALOG_EAST_ARN, IsWriter: false }]),
          ],
        },
      ],
    });
  }
}

describe('fence state machine', () => {
  // The functions load the plans as packaged: plans/*.yml compiled to JSON. These tests mock Route 53 for record
  // edits: both of the example's records fenced by maintenance target (its checkout record's inverted health check
  // is test/unit/shared/usecases/fence/fence-record.test.ts's and the drills').
  const sourcePlans = scratchFolders('switchback-plan-files-')();
  writeFileSync(
    join(sourcePlans, 'example.yml'),
    readFileSync(join(PLANS_DIR, 'example.yml'), 'utf8').replace(
      /^(\s*)fence:\n(\s+(method|primaryHealthCheckId|standbyHealthCheckId): .*\n)+/m,
      '$1fence: { method: maintenance-target, value: maintenance.orders.example.com }\n',
    ),
  );
  const compiledPlans = scratchFolders('switchback-plans-')();
  compilePlans(sourcePlans, compiledPlans);
  const suite = useFailoverSuite(mocks, { PLANS_DIR: compiledPlans });
  const plan = loadPlanFile(join(sourcePlans, 'example.yml'));
  const failedOverAt = '2026-11-25T03:09:00.000Z';
  let runner: LocalRunner;
  let sequence = 0;

  beforeEach(async () => {
    runner = new LocalRunner({
      definition: JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachines', 'fence.asl.json'), 'utf8')),
      stateMachineArn: FENCE_ARN,
      waits: 'zero',
    });
    await suite.ledger.putTopology(
      'orders',
      topologyAfterFailover(planTopology(plan), {
        toRegion: STANDBY_REGION,
        at: failedOverAt,
        incidentId: 'orders-20261125T030300Z-0000abcd',
      }),
    );
  });

  afterEach(async () => {
    await stopAll(runner);
  });

  const fenceInput = (mode = 'live') => ({
    plan: 'orders',
    action: 'fence',
    mode,
    reason: 'us-east-1 is back',
    requestedBy: 'alice@example.com',
  });

  const runFence = async (
    mode = 'live',
    trigger?: { type: 'automatic'; by: 'failover' | 'fence-retry' },
  ): Promise<{ done: LocalExecution; name: string }> => {
    sequence += 1;
    const name = `orders-fence-20261125T0400${String(sequence).padStart(2, '0')}Z`;
    const { executionArn } = runner.startExecution({
      stateMachineArn: FENCE_ARN,
      name,
      input: JSON.stringify({ ...fenceInput(mode), ...(trigger ? { trigger, requestedBy: 'switchback' } : {}) }),
    });
    const execution = runner.get(executionArn) as LocalExecution;
    await execution.done;
    return { done: execution, name };
  };

  const record = async (incidentId: string): Promise<RunRecord> => {
    const found = await suite.ledger.getRun('orders', incidentId);
    if (!found) throw new Error(`no run record for ${incidentId}`);
    return found;
  };

  const oldPrimaries = async (): Promise<Record<string, unknown>> => {
    const topology = (await suite.ledger.getTopology('orders')) as Topology;
    return Object.fromEntries(topology.databases.map((db) => [db.id, db.oldPrimary?.state]));
  };

  it('stops the old RDS primary, verifies the Aurora one rejoined, and records both fenced', async () => {
    // Prepare
    const world = new OldPrimaries();
    const dns = new Records();

    // Act
    const { done, name } = await runFence();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Fenced' });
    expect(world.stopCalls).toBe(1);
    expect(mocks.rds.commandCalls(StopDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'orders-db',
    });
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'fenced', catalog: 'rejoined' });
    const topology = (await suite.ledger.getTopology('orders')) as Topology;
    expect(topology.databases[0]?.oldPrimary?.since).not.toBe(failedOverAt);
    const run = await record(name);
    expect(run.outcome).toBe('recovered');
    expect(run.run.action).toBe('fence');
    expect(run.actions).toEqual([
      expect.objectContaining({
        operation: 'StopDBInstance',
        target: 'orders-db',
        region: PRIMARY_REGION,
        dryRun: false,
      }),
      expect.objectContaining({ operation: 'ChangeResourceRecordSets', target: HOSTED_ZONE_ID, dryRun: false }),
    ]);
    // The old region's records answer the maintenance target, keeping their failover role and health check: both
    // records of the zone in one change batch (a second change to the zone while it processes the first is refused).
    expect(dns.changeCalls).toBe(1);
    const [change] = mocks.route53.commandCalls(ChangeResourceRecordSetsCommand);
    expect(change?.args[0].input.ChangeBatch?.Changes?.map((c) => c.ResourceRecordSet?.SetIdentifier)).toEqual([
      'api-us-east-1',
      'checkout-us-east-1',
    ]);
    expect(dns.records.find((r) => r.SetIdentifier === 'api-us-east-1')).toMatchObject({
      Failover: 'SECONDARY',
      HealthCheckId: 'hc-api-east',
      TTL: 60,
      ResourceRecords: [{ Value: MAINTENANCE }],
    });
    expect(dns.value('api-us-west-2')).toBe('api.us-west-2.orders.example.com');
    expect(topology.dnsFences).toEqual(
      ['api', 'checkout'].map((host) =>
        expect.objectContaining({
          record: `${HOSTED_ZONE_ID}|${host}.orders.example.com|CNAME|${host}-us-east-1`,
          region: PRIMARY_REGION,
          state: 'fenced',
          replaced: [`${host}.us-east-1.orders.example.com`],
        }),
      ),
    );
    // Verified when GetChange said INSYNC, after one PENDING read: one read of the one change for both records.
    expect(mocks.route53).toHaveReceivedCommandTimes(GetChangeCommand, 2);
    expect(run.phases.map((phase) => phase.name)).toEqual(['decide', 'fence']);
    const phases = putEvents(mocks).filter((event) => event.detailType === 'Phase Changed');
    expect(phases.map((event) => `${event.detail.phase} ${event.detail.status}`)).toEqual(
      expect.arrayContaining(['decide succeeded', 'fence started', 'fence succeeded']),
    );
    const next = await suite.ledger.acquireLock(
      'orders',
      { incidentId: 'orders-next', executionArn: 'arn:next' },
      new Date(),
    );
    expect(next.holder).toBe('orders-next');
  });

  it('does not count an Aurora old primary taken out of the global cluster as fenced: it takes writes, and says what to do', async () => {
    // Prepare
    const world = new OldPrimaries({ auroraStandalone: true });
    new Records();

    // Act
    const { done, name } = await runFence();

    // Assess: the RDS old primary stopped; the standalone cluster not fenced, and not waited for (no person, no end).
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Not Fenced Yet' });
    expect(world.stopCalls).toBe(1);
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'fenced', catalog: 'unknown' });
    const run = await record(name);
    expect(run.failure?.cause).toContain(
      'catalog-east (us-east-1) is a standalone cluster (out of catalog-global): it takes writes and will not rejoin by itself; stop it (aws rds stop-db-cluster --db-cluster-identifier catalog-east --region us-east-1), delete it, or add it back to catalog-global',
    );
    expect(mocks.rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
  });

  it('counts that standalone cluster fenced once a person stopped it: it takes no writes', async () => {
    // Prepare
    new OldPrimaries({ auroraStandalone: true, auroraStandaloneStopped: true });
    new Records();

    // Act
    const { done, name } = await runFence();

    // Assess
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Fenced' });
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'fenced', catalog: 'fenced' });
    expect((await record(name)).outcome).toBe('recovered');
  });

  it('makes no second StopDBInstance when a crash after the stop is followed by another fence run', async () => {
    // Prepare: the first run's check after StopDBInstance fails (no retry matches), the execution fails.
    const world = new OldPrimaries({ crashAfterStop: true });
    new Records();
    const first = await runFence();
    expect(first.done.status).toBe('FAILED');
    expect(world.stopCalls).toBe(1);
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'unknown', catalog: 'unknown' });

    // Act: fence again (on-run-failed released the lock)
    const { done, name } = await runFence();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(world.stopCalls).toBe(1);
    expect(mocks.rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 1);
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'fenced', catalog: 'rejoined' });
    expect((await record(name)).actions.filter((action) => action.operation === 'StopDBInstance')).toEqual([]);
  });

  it('makes no second record change when a crash after the change is followed by another fence run', async () => {
    // Prepare: the first run's GetChange after the records' change fails (no retry matches).
    new OldPrimaries();
    const dns = new Records({ crashAfterChange: true });
    const first = await runFence();
    expect(first.done.status).toBe('FAILED');
    expect(dns.changeCalls).toBe(1);

    // Act: fence again (on-run-failed released the lock)
    const { done, name } = await runFence();

    // Assess: both records already answer the maintenance target: nothing is changed again
    expect(done.status).toBe('SUCCEEDED');
    expect(dns.changeCalls).toBe(1);
    expect(mocks.route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
    const run = await record(name);
    expect(run.outcome).toBe('recovered');
    expect(run.actions.filter((action) => action.operation === 'ChangeResourceRecordSets')).toEqual([]);
    expect(((await suite.ledger.getTopology('orders')) as Topology).dnsFences).toHaveLength(2);
  });

  it('sends no StopDBInstance in a dry run, records the planned stop and leaves the topology', async () => {
    // Prepare
    const world = new OldPrimaries();
    const dns = new Records();

    // Act
    const { done, name } = await runFence('dry-run');

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(world.stopCalls).toBe(0);
    expect(mocks.rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 0);
    expect((await record(name)).actions).toEqual([
      expect.objectContaining({ operation: 'StopDBInstance', target: 'orders-db', dryRun: true }),
      expect.objectContaining({ operation: 'ChangeResourceRecordSets', target: HOSTED_ZONE_ID, dryRun: true }),
    ]);
    expect(dns.changeCalls).toBe(0);
    expect(mocks.route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 0);
    expect(dns.value('api-us-east-1')).toBe('api.us-east-1.orders.example.com');
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'unknown', catalog: 'unknown' });
    expect(((await suite.ledger.getTopology('orders')) as Topology).dnsFences).toBeUndefined();
  });

  it('records the old primary unreachable and the run failed when a fence run by hand finds its region not answering', async () => {
    // Prepare
    const world = new OldPrimaries({ ordersRegionDown: true, auroraRejoined: false });
    new Records({ route53Down: true });
    mocks.rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          GlobalClusterMembers: [{ DBClusterArn: CATALOG_WEST_ARN, IsWriter: true }],
        },
      ],
    });

    // Act
    const { done, name } = await runFence();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Not Fenced Yet' });
    expect(world.stopCalls).toBe(0);
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'unreachable', catalog: 'unreachable' });
    const run = await record(name);
    expect(run.outcome).toBe('failed');
    expect(run.failure).toMatchObject({ phase: 'fence', error: 'OldPrimaryNotFenced' });
    expect(run.failure?.cause).toContain('orders-db: us-east-1 did not answer');
    expect(run.failure?.cause).toContain("Route 53's API (us-east-1) did not answer: api.orders.example.com CNAME");
    expect(((await suite.ledger.getTopology('orders')) as Topology).dnsFences).toBeUndefined();
  });

  it('ends deferred, not failed, when the fence started by the failover finds the old region not answering', async () => {
    // Prepare: us-east-1 is down (RDS and Route 53's API time out); the Aurora old primary has not rejoined.
    const world = new OldPrimaries({ ordersRegionDown: true, auroraRejoined: false });
    new Records({ route53Down: true });
    mocks.rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          GlobalClusterMembers: [{ DBClusterArn: CATALOG_WEST_ARN, IsWriter: true }],
        },
      ],
    });

    // Act: as start-fence starts it after the failover, then as the retry schedule does while the region stays down
    const first = await runFence('live', { type: 'automatic', by: 'failover' });
    const retry = await runFence('live', { type: 'automatic', by: 'fence-retry' });

    // Assess
    expect(first.done.status).toBe('SUCCEEDED');
    expect(first.done.transitions.at(-1)).toMatchObject({ state: 'Fence Deferred' });
    expect(world.stopCalls).toBe(0);
    expect(await oldPrimaries()).toEqual({ 'orders-db': 'unreachable', catalog: 'unreachable' });
    const run = await record(first.name);
    expect(run.outcome).toBe('deferred');
    expect(run.failure).toBeUndefined();
    expect(run.run.trigger).toEqual({ type: 'automatic', by: 'failover' });
    expect(run.deferral).toMatchObject({ region: PRIMARY_REGION, fenced: [], retryMinutes: 5, changed: true });
    expect(run.deferral?.waiting).toEqual(
      expect.arrayContaining([
        expect.stringContaining('orders-db: us-east-1 did not answer'),
        expect.stringContaining("Route 53's API (us-east-1) did not answer: api.orders.example.com CNAME"),
      ]),
    );
    expect(run.warnings.filter((warning) => warning.includes('did not answer'))).toEqual([]);
    // The retry found nothing new: recorded deferred too, marked unchanged so that the notifier keeps quiet.
    expect(retry.done.transitions.at(-1)).toMatchObject({ state: 'Fence Deferred' });
    const again = await record(retry.name);
    expect(again.outcome).toBe('deferred');
    expect(again.deferral?.changed).toBe(false);
    const ends = putEvents(mocks).filter((event) =>
      ['Run Deferred', 'Recovery Failed', 'Recovery Completed'].includes(event.detailType),
    );
    expect(ends.map((event) => event.detailType)).toEqual(['Run Deferred', 'Run Deferred']);
    // Each run announced its fence phase once, not once per database.
    const started = putEvents(mocks).filter(
      (event) =>
        event.detailType === 'Phase Changed' && event.detail.phase === 'fence' && event.detail.status === 'started',
    );
    expect(started).toHaveLength(2);
  });

  it('fails loudly when a fence started by the failover is refused, whatever the region does', async () => {
    // Prepare: the old primary is the writer of its global cluster: not an old primary, a bad topology or plan.
    new OldPrimaries({ auroraRejoined: false });
    new Records();
    mocks.rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'catalog-global',
          GlobalClusterMembers: [{ DBClusterArn: CATALOG_EAST_ARN, IsWriter: true }],
        },
      ],
    });

    // Act
    const { done } = await runFence('live', { type: 'automatic', by: 'failover' });

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('FenceRefusedError');
  });

  it('skips with nothing changed when no old primary awaits fencing', async () => {
    // Prepare
    new OldPrimaries();
    new Records();
    await suite.ledger.putTopology('orders', planTopology(plan));

    // Act
    const { done, name } = await runFence();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Nothing To Fence' });
    expect(mocks.rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 0);
    expect(mocks.route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 0);
    expect((await record(name)).outcome).toBe('skipped');
  });

  it('rejects a failover input with one line naming the action', async () => {
    // Prepare
    new OldPrimaries();
    sequence += 1;
    const { executionArn } = runner.startExecution({
      stateMachineArn: FENCE_ARN,
      name: `orders-fence-wrong-${sequence}`,
      input: JSON.stringify({ ...fenceInput(), action: 'failover' }),
    });
    const execution = runner.get(executionArn) as LocalExecution;

    // Act
    await execution.done;

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRunInput' });
    expect(execution.cause).toContain('action: this state machine runs "fence"; start "failover" from');
    expect(mocks.rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 0);
  });
});
