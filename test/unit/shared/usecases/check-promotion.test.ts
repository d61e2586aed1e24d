import { PromotionFailedError } from '../../../../shared/errors';
import {
  type CheckPromotionDeps,
  checkPromotion,
  checkPromotions,
  PROMOTE_SETTLE_SECONDS,
} from '../../../../shared/usecases/check-promotion';
import { FakeClock, FakeLog, FakeRds } from '../../../support/fakes';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../../support/plan-fixtures';
import { catalogPromotion, ordersDbPromotion, ordersRun } from '../../../support/resource-fixtures';

const STARTED = '2026-11-25T03:01:31.000Z';

const replica = (status: string, replicationSource?: string) => ({
  identifier: 'orders-db-replica',
  status,
  replicationSource,
  backupRetentionPeriod: 7,
});

const members = (westIsWriter: boolean) => [
  { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: !westIsWriter },
  { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: westIsWriter },
];

describe('checkPromotion', () => {
  const plan = ordersPlan();
  let rds: FakeRds;
  let clock: FakeClock;
  let deps: CheckPromotionDeps;

  beforeEach(() => {
    rds = new FakeRds();
    clock = new FakeClock(STARTED);
    deps = { rds, clock, log: new FakeLog() };
  });

  describe('an RDS read replica', () => {
    const promoting = ordersDbPromotion({
      writable: false,
      status: 'promoting',
      writableAt: undefined,
      pollSeconds: 1,
    });

    it('is not writable yet and waits longer as time passes when the instance is still rebooting', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica('rebooting'));
      clock.advance(250);

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

      // Assess
      expect(result).toMatchObject({ writable: false, status: 'rebooting', pollSeconds: 3 });
      expect(result.writableAt).toBeUndefined();
    });

    it('is not writable while the instance is available but still replicating', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica('available', ORDERS_PRIMARY_ARN));

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

      // Assess
      expect(result.writable).toBe(false);
    });

    it('fails, saying what to do, when the instance still reads available and replicating ten minutes after the call', async () => {
      // Prepare: RDS never took the promotion (it shows modifying within seconds when it does)
      rds.addInstance('us-west-2', replica('available', ORDERS_PRIMARY_ARN));
      clock.advance(PROMOTE_SETTLE_SECONDS - 1);
      const before = await checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);
      clock.advance(1);

      // Act
      const act = checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

      // Assess: it waited until then, and no longer
      expect(before.writable).toBe(false);
      await expect(act).rejects.toThrow(PromotionFailedError);
      await expect(act).rejects.toThrow(
        'still reads available and replicates from arn:aws:rds:us-east-1:123456789012:db:orders-db 600 s after PromoteReadReplica',
      );
      await expect(act).rejects.toThrow(
        'aws rds promote-read-replica --db-instance-identifier orders-db-replica --region us-west-2',
      );
    });

    it('becomes writable at the time of the check when the instance is available and standalone', async () => {
      // Prepare
      rds.addInstance('us-west-2', replica('available'));
      clock.advance(200);

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

      // Assess
      expect(result).toEqual({
        ...promoting,
        writable: true,
        status: 'available',
        writableAt: '2026-11-25T03:04:51.000Z',
        // 1.2% of the 200 s elapsed, rounded up (shared/domain/polling.ts)
        pollSeconds: 3,
      });
    });

    it.each(['failed', 'incompatible-parameters', 'storage-full'])(
      'throws PromotionFailedError when the instance is %s',
      async (status) => {
        // Prepare
        rds.addInstance('us-west-2', replica(status));

        // Act
        const act = checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

        // Assess
        await expect(act).rejects.toBeInstanceOf(PromotionFailedError);
        await expect(act).rejects.toThrow(status);
      },
    );

    it('throws PromotionFailedError when the instance disappeared', async () => {
      // Act
      const act = checkPromotion({ run: ordersRun(), plan, promotion: promoting }, deps);

      // Assess
      await expect(act).rejects.toThrow(/disappeared/);
    });
  });

  describe('an Aurora global database', () => {
    const failingOver = catalogPromotion({
      writable: false,
      status: 'failing-over',
      writableAt: undefined,
      pollSeconds: 1,
    });

    it('is not writable while the failover is running', async () => {
      // Prepare
      rds.addGlobalCluster({
        identifier: 'catalog-global',
        status: 'available',
        members: members(true),
        failoverState: { status: 'failing-over', toClusterArn: CATALOG_WEST_ARN },
      });

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: failingOver }, deps);

      // Assess
      expect(result).toMatchObject({ writable: false, status: 'failing-over' });
    });

    it('becomes writable when the secondary is the writer and its cluster is available', async () => {
      // Prepare
      rds.addGlobalCluster({ identifier: 'catalog-global', status: 'available', members: members(true) });
      rds.addCluster('us-west-2', {
        identifier: 'catalog-west',
        arn: CATALOG_WEST_ARN,
        status: 'available',
        backupRetentionPeriod: 1,
      });
      clock.advance(90);

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: failingOver }, deps);

      // Assess
      expect(result).toMatchObject({ writable: true, status: 'available', writableAt: '2026-11-25T03:03:01.000Z' });
      expect(rds.regionsCalled()).toEqual(['us-west-2']);
    });

    it('keeps waiting right after the call when the global cluster does not show the failover yet', async () => {
      // Prepare
      rds.addGlobalCluster({ identifier: 'catalog-global', status: 'available', members: members(false) });
      clock.advance(5);

      // Act
      const result = await checkPromotion({ run: ordersRun(), plan, promotion: failingOver }, deps);

      // Assess
      expect(result.writable).toBe(false);
    });

    it('throws PromotionFailedError when no failover runs long after the call and the secondary is not the writer', async () => {
      // Prepare
      rds.addGlobalCluster({ identifier: 'catalog-global', status: 'available', members: members(false) });
      clock.advance(600);

      // Act
      const act = checkPromotion({ run: ordersRun(), plan, promotion: failingOver }, deps);

      // Assess
      await expect(act).rejects.toThrow(/cancelled or rolled back/);
    });

    it('throws PromotionFailedError when the new writer cluster failed', async () => {
      // Prepare
      rds.addGlobalCluster({ identifier: 'catalog-global', status: 'available', members: members(true) });
      rds.addCluster('us-west-2', {
        identifier: 'catalog-west',
        arn: CATALOG_WEST_ARN,
        status: 'inaccessible-encryption-credentials',
        backupRetentionPeriod: 1,
      });

      // Act
      const act = checkPromotion({ run: ordersRun(), plan, promotion: failingOver }, deps);

      // Assess
      await expect(act).rejects.toBeInstanceOf(PromotionFailedError);
    });
  });

  it('returns a writable promotion unchanged without asking AWS', async () => {
    // Prepare
    const done = ordersDbPromotion();

    // Act
    const result = await checkPromotion({ run: ordersRun(), plan, promotion: done }, deps);

    // Assess
    expect(result).toEqual(done);
    expect(rds.calls).toEqual([]);
  });
});

describe('checkPromotions', () => {
  const plan = ordersPlan();
  let rds: FakeRds;
  let clock: FakeClock;
  let deps: CheckPromotionDeps;

  beforeEach(() => {
    rds = new FakeRds();
    clock = new FakeClock(STARTED);
    deps = { rds, clock, log: new FakeLog() };
  });

  const pending = ordersDbPromotion({ writable: false, status: 'modifying', writableAt: undefined, pollSeconds: 2 });

  it('is writable only when every database is, and reads only the pending ones', async () => {
    // Prepare
    rds.addInstance('us-west-2', replica('available'));
    clock.advance(120);

    // Act
    const result = await checkPromotions({ run: ordersRun(), plan, promotions: [pending, catalogPromotion()] }, deps);

    // Assess
    expect(result.writable).toBe(true);
    expect(result.databases.map((db) => [db.databaseId, db.writable])).toEqual([
      ['orders-db', true],
      ['catalog', true],
    ]);
    expect(rds.calls.map((call) => call.split(' ')[0])).toEqual(['describeInstance']);
  });

  it('is not writable and waits 1.2% of the time since the earliest start when one database still reboots', async () => {
    // Prepare: the catalog started 1000 s before now, orders-db later
    rds.addInstance('us-west-2', replica('rebooting'));
    clock.advance(1000);
    const later = { ...pending, startedAt: '2026-11-25T03:15:00.000Z' };

    // Act
    const result = await checkPromotions({ run: ordersRun(), plan, promotions: [later, catalogPromotion()] }, deps);

    // Assess
    expect(result).toMatchObject({ writable: false, pollSeconds: 12 });
    expect(result.databases[0]).toMatchObject({ databaseId: 'orders-db', writable: false, status: 'rebooting' });
  });

  it('polls a plan at the size limits as often as a small one: the RDS adapter reads each kind in one request', async () => {
    // Prepare: 20 RDS replicas and 20 Aurora databases (a plan at the size limits), all promoting, just started
    const [rdsDb, auroraDb] = [
      plan.databases.find((db) => db.kind === 'rds-read-replica'),
      plan.databases.find((db) => db.kind === 'aurora-global'),
    ];
    if (rdsDb?.kind !== 'rds-read-replica' || auroraDb?.kind !== 'aurora-global') throw new Error('fixture changed');
    const databases = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? { ...rdsDb, id: `rds-${i}`, replica: { ...rdsDb.replica, instance: `rds-${i}-replica` } }
        : { ...auroraDb, id: `aurora-${i}` },
    );
    const big = { ...plan, databases };
    for (const db of databases) {
      if (db.kind === 'rds-read-replica') {
        rds.addInstance(db.replica.region, { ...replica('modifying'), identifier: db.replica.instance });
      }
    }
    // Every Aurora database shares the fixture's global cluster, failing over
    rds.addGlobalCluster({
      identifier: 'catalog-global',
      status: 'available',
      members: members(true),
      failoverState: { status: 'failing-over', toClusterArn: CATALOG_WEST_ARN },
    });
    const promotions = databases.map((db) =>
      db.kind === 'rds-read-replica'
        ? { ...pending, databaseId: db.id, startedAt: STARTED }
        : { ...catalogPromotion(), databaseId: db.id, writable: false, startedAt: STARTED },
    );

    // Act
    const result = await checkPromotions({ run: ordersRun(), plan: big, promotions }, deps);

    // Assess: three requests a poll (the replicas, the global clusters, the secondaries), within 6 a second at the
    // 2 s floor; one request per database (60 in all) would have had to wait 10 s
    expect(result.writable).toBe(false);
    expect(result.pollSeconds).toBe(2);
  });

  it('throws PromotionFailedError naming the database when one promotion fails', async () => {
    // Prepare
    rds.addInstance('us-west-2', replica('incompatible-parameters'));

    // Act
    const act = checkPromotions({ run: ordersRun(), plan, promotions: [catalogPromotion(), pending] }, deps);

    // Assess
    await expect(act).rejects.toThrow(/orders-db/);
    await expect(act).rejects.toBeInstanceOf(PromotionFailedError);
  });
});
