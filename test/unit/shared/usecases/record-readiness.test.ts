import type { ReadinessChange } from '../../../../shared/domain/readiness';
import type { RestoreTestRecord } from '../../../../shared/domain/restore-test';
import { DETAIL_TYPES } from '../../../../shared/domain/run';
import { EndpointUnreachableError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type RecordReadinessDeps, recordReadiness } from '../../../../shared/usecases/record-readiness';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics, type FakeRds } from '../../../support/fakes';
import { arcOrdersPlan, ordersPlan } from '../../../support/plan-fixtures';
import { NOW, REPLICA, readinessWorld } from '../../../support/readiness-fixtures';

describe('recordReadiness', () => {
  let rds: FakeRds;
  let ledger: FakeLedger;
  let events: FakeEvents;
  let metrics: FakeMetrics;
  let clock: FakeClock;
  let deps: RecordReadinessDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    metrics = new FakeMetrics();
    clock = new FakeClock(NOW);
    const world = readinessWorld();
    rds = world.rds;
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ...world,
      ledger,
      metrics,
      events,
      clock,
      log: new FakeLog(),
    };
  });

  it('keeps the run in the ledger and emits its metrics, and says nothing when a first run is ready', async () => {
    // Act
    const { readiness, change } = await recordReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, at: NOW, findings: [] });
    expect(change).toBeUndefined();
    expect(await ledger.listReadiness('orders', 10)).toEqual([readiness]);
    expect(metrics.readiness).toEqual([readiness]);
    expect(events.published).toEqual([]);
  });

  it('announces ready -> not ready with the findings that appeared, and not again while it stays not ready', async () => {
    // Prepare
    await recordReadiness(ordersPlan(), deps);
    rds.instances.delete('us-west-2/orders-db-replica');
    clock.advance(900);

    // Act
    const second = await recordReadiness(ordersPlan(), deps);
    clock.advance(900);
    const third = await recordReadiness(ordersPlan(), deps);

    // Assess
    expect(second.readiness.ready).toBe(false);
    const changes = events.ofType<ReadinessChange>(DETAIL_TYPES.readinessChanged);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ plan: 'orders', wasReady: true, ready: false, cleared: [] });
    expect(changes[0]?.appeared).toContainEqual(
      expect.objectContaining({ check: 'standby-exists', resource: 'rds:us-west-2:orders-db-replica' }),
    );
    expect(third.change).toBeUndefined();
    // Newest first, each run kept.
    expect((await ledger.listReadiness('orders', 10)).map((run) => run.at)).toEqual([
      third.readiness.at,
      second.readiness.at,
      NOW,
    ]);
    expect(metrics.readiness.map((run) => run.ready)).toEqual([true, false, false]);
  });

  it("keeps an ARC plan's records as the run before read them when Route 53's API takes no answer (us-east-1 down), and not when it refuses", async () => {
    // Prepare: a run that reads the records; then Route 53's API stops answering.
    const plan = arcOrdersPlan();
    deps.plans = new PlanRegistry([plan]);
    const before = await recordReadiness(plan, deps);
    const listRecordSets = jest
      .spyOn(deps.route53, 'listRecordSets')
      .mockRejectedValue(new EndpointUnreachableError('route53', 'ListResourceRecordSets', new Error('TimeoutError')));
    clock.advance(900);

    // Act
    const during = await recordReadiness(plan, deps);
    listRecordSets.mockRejectedValue(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    clock.advance(900);
    const refused = await recordReadiness(plan, deps);

    // Assess
    expect(before.readiness.records?.length).toBeGreaterThan(0);
    const resource = 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME';
    expect(during.readiness.carriedRecords).toEqual([{ resource, readAt: before.readiness.at }]);
    expect(during.readiness.records).toEqual(
      before.readiness.records?.map((pair) => ({ ...pair, readAt: before.readiness.at })),
    );
    expect(during.readiness.findings).toContainEqual(expect.objectContaining({ check: 'could-not-check', resource }));
    expect((await ledger.listReadiness('orders', 1))[0]).toEqual(refused.readiness);
    expect(refused.readiness.carriedRecords).toBeUndefined();
    expect(refused.readiness.records).toEqual([]);
  });

  it('announces not ready -> ready with the findings that cleared', async () => {
    // Prepare
    rds.instances.delete('us-west-2/orders-db-replica');
    const first = await recordReadiness(ordersPlan(), deps);
    rds.addInstance('us-west-2', REPLICA);
    // A minute later: the backups are still fresh.
    clock.advance(60);

    // Act
    const { change } = await recordReadiness(ordersPlan(), deps);

    // Assess
    expect(first.change).toMatchObject({ wasReady: null, ready: false });
    expect(change).toMatchObject({ wasReady: false, ready: true, appeared: [] });
    expect(change?.cleared.map((finding) => finding.check)).toContain('standby-exists');
    expect(events.ofType(DETAIL_TYPES.readinessChanged)).toHaveLength(2);
  });

  it("checks Switchback's wiring when given it: each rule, state machine, queue and schedule read, a disabled rule not ready", async () => {
    // Prepare
    const read: string[] = [];
    deps.wiring = {
      targets: {
        rules: ['switchback-dev-on-health-alarm-rule-1'],
        stateMachineArns: ['arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover'],
        deadLetterQueueUrls: ['https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq'],
        schedules: [
          {
            name: 'switchback-dev-readiness-orders',
            targetArn: 'arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
          },
        ],
      },
      reader: {
        readRule: async (rule) => {
          read.push(rule);
          return { found: { state: 'DISABLED' } };
        },
        readStateMachine: async (arn) => {
          read.push(arn);
          return { found: { status: 'ACTIVE' } };
        },
        readQueue: async (url) => {
          read.push(url);
          return { found: { messages: 0 } };
        },
        readSchedule: async (name) => {
          read.push(name);
          return {
            found: {
              state: 'ENABLED',
              targetArn: 'arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
            },
          };
        },
      },
    };

    // Act
    const { readiness } = await recordReadiness(ordersPlan(), deps);

    // Assess
    expect(read).toEqual([
      'switchback-dev-on-health-alarm-rule-1',
      'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover',
      'https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq',
      'switchback-dev-readiness-orders',
    ]);
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'rule-enabled',
        resource: 'events:rule/default/switchback-dev-on-health-alarm-rule-1',
      }),
    ]);
  });

  it("flags the plan when the ledger's latest restore test of a database failed, with its age", async () => {
    // Prepare
    const plan = ordersPlan({
      backups: { restoreTest: { subnetGroup: 'orders-restore', securityGroup: 'sg-0a1b2c3d4e5f60789', maxAgeDays: 7 } },
    });
    const test = (databaseId: string, startedAt: string, passed: boolean) =>
      ({ plan: 'orders', databaseId, startedAt, passed, secondsToAvailable: 600 }) as RestoreTestRecord;
    const asked: [string, number][] = [];
    deps.restoreTests = {
      listRestoreTests: async (name, limit) => {
        asked.push([name, limit]);
        return [
          test('orders-db', '2026-11-24T03:00:00.000Z', false),
          test('catalog', '2026-11-24T03:00:00.000Z', true),
        ];
      },
    };

    // Act
    const { readiness } = await recordReadiness(plan, deps);

    // Assess
    expect(asked).toEqual([['orders', 200]]);
    expect(readiness.findings.map((finding) => [finding.check, finding.found])).toEqual([
      [
        'restore-test',
        'orders-db: the latest restore test (2026-11-24T03:00:00.000Z, 1 days ago) failed: validation did not pass',
      ],
      ['restore-test', 'orders-db: no passing restore test within 7 days'],
    ]);
  });

  it("simulates each step's role on this plan's resources, and a simulation IAM does not answer is 'could not check'", async () => {
    // Prepare
    const asked: string[] = [];
    deps.permissions = {
      roles: {
        'promote-database': 'arn:aws:iam::123456789012:role/promote',
        'flip-dns': 'arn:aws:iam::123456789012:role/flip',
      },
      simulator: {
        simulate: async (roleArn, action, resources) => {
          asked.push(`${roleArn.split('/')[1]} ${action} ${resources.length}`);
          if (roleArn.endsWith('/flip')) throw new Error('iam did not answer');
          return resources.map((resource) => ({ action, resource, decision: 'allowed' }));
        },
      },
    };

    // Act
    const { readiness } = await recordReadiness(ordersPlan(), deps);

    // Assess
    // The roles are simulated side by side; one role's calls in turn, stopping at its first failure.
    expect(asked.filter((call) => call.startsWith('promote'))).toEqual([
      // The replica and the copies reprotect makes back in the standby region (`<replica>-rp-*`).
      'promote rds:DescribeDBInstances 2',
      'promote rds:PromoteReadReplica 2',
      'promote rds:DescribeGlobalClusters 1',
      'promote rds:FailoverGlobalCluster 2',
      'promote rds:SwitchoverGlobalCluster 2',
    ]);
    expect(asked.filter((call) => call.startsWith('flip'))).toEqual(['flip route53:ListResourceRecordSets 1']);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'iam:arn:aws:iam::123456789012:role/flip',
        found: 'Error: iam did not answer',
      }),
    ]);
  });
});
