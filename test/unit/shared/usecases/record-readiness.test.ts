import type { AlarmReading, ReadinessChange } from '../../../../shared/domain/readiness';
import { DETAIL_TYPES } from '../../../../shared/domain/run';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type RecordReadinessDeps, recordReadiness } from '../../../../shared/usecases/record-readiness';
import {
  FakeClock,
  FakeEvents,
  FakeLag,
  FakeLedger,
  FakeLog,
  FakeMetrics,
  FakeRds,
  FakeRoute53,
} from '../../../support/fakes';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../../support/plan-fixtures';

const NOW = '2026-11-25T03:01:30.000Z';
const REPLICA = {
  identifier: 'orders-db-replica',
  arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
  status: 'available',
  replicationSource: ORDERS_PRIMARY_ARN,
  backupRetentionPeriod: 7,
  latestRestorableTime: '2026-11-25T03:00:00.000Z',
};

/** The orders plan's world as it should be: standbys, fresh backups, the record pair, the alarm and health check. */
const healthyRds = () =>
  new FakeRds()
    .addInstance('us-west-2', REPLICA)
    .addCluster('us-west-2', {
      identifier: 'catalog-west',
      arn: CATALOG_WEST_ARN,
      status: 'available',
      backupRetentionPeriod: 7,
      latestRestorableTime: '2026-11-25T03:01:00.000Z',
    })
    .addGlobalCluster({
      identifier: 'catalog-global',
      status: 'available',
      members: [
        { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: true },
        { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: false },
      ],
    })
    .addReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN, '2026-11-25T02:58:00.000Z')
    .addReplicatedBackup('us-west-2', CATALOG_EAST_ARN, '2026-11-25T02:59:00.000Z');

const records = () =>
  new FakeRoute53().addRecords(
    'Z0123456789ORDERSAPI',
    {
      name: 'api.orders.example.com',
      type: 'CNAME',
      setIdentifier: 'api-us-east-1',
      failover: 'PRIMARY',
      rest: { TTL: 60, HealthCheckId: 'hc-east' },
    },
    {
      name: 'api.orders.example.com',
      type: 'CNAME',
      setIdentifier: 'api-us-west-2',
      failover: 'SECONDARY',
      rest: { TTL: 60, HealthCheckId: 'hc-west' },
    },
  );

describe('recordReadiness', () => {
  let rds: FakeRds;
  let ledger: FakeLedger;
  let events: FakeEvents;
  let metrics: FakeMetrics;
  let clock: FakeClock;
  let deps: RecordReadinessDeps;

  beforeEach(() => {
    rds = healthyRds();
    ledger = new FakeLedger();
    events = new FakeEvents();
    metrics = new FakeMetrics();
    clock = new FakeClock(NOW);
    const route53 = Object.assign(records(), {
      getHealthCheck: async (id: string) =>
        id === 'hc-east' ? { intervalSeconds: 30, failureThreshold: 3 } : undefined,
    });
    const alarms = {
      describeAlarms: async (names: readonly string[]): Promise<AlarmReading[]> =>
        names.map((name) => ({
          name,
          alarm: { healthCheckIds: ['hc-east'], periodSeconds: 60, evaluationPeriods: 1 },
        })),
    };
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      rds,
      route53,
      alarms,
      replicaLag: new FakeLag().setRds('us-west-2', 'orders-db-replica', 3).setAurora('us-west-2', 'catalog-west', 0.8),
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
});
