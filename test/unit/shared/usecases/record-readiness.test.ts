import type { ReadinessChange } from '../../../../shared/domain/readiness';
import { DETAIL_TYPES } from '../../../../shared/domain/run';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type RecordReadinessDeps, recordReadiness } from '../../../../shared/usecases/record-readiness';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics, type FakeRds } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
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
