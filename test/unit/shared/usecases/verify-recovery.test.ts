import { DETAIL_TYPES, type PhaseChangedDetail } from '../../../../shared/domain/run';
import { VerificationFailedError } from '../../../../shared/errors';
import { type VerifyRecoveryDeps, verifyRecovery } from '../../../../shared/usecases/verify-recovery';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeRds } from '../../../support/fakes';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../../support/plan-fixtures';
import {
  catalogItem,
  catalogPromotion,
  IMPACT_AT,
  ordersAssessment,
  ordersDbItem,
  ordersDbPromotion,
  ordersRun,
} from '../../../support/resource-fixtures';

const NOW = '2026-11-25T03:07:00.000Z';
const secondsBefore = (iso: string, seconds: number) =>
  new Date(new Date(iso).getTime() - seconds * 1000).toISOString();

const promotedReplica = (overrides: Partial<Parameters<FakeRds['addInstance']>[1]> = {}) => ({
  identifier: 'orders-db-replica',
  arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
  status: 'available',
  backupRetentionPeriod: 7,
  latestRestorableTime: secondsBefore(NOW, 120),
  ...overrides,
});

const westIsWriter = (westWriter = true) => ({
  identifier: 'catalog-global',
  status: 'available',
  members: [
    { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: !westWriter },
    { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: westWriter },
  ],
});

describe('verifyRecovery', () => {
  const plan = ordersPlan();
  const promotions = [ordersDbPromotion(), catalogPromotion()];
  let rds: FakeRds;
  let events: FakeEvents;
  let ledger: FakeLedger;
  let deps: VerifyRecoveryDeps;

  beforeEach(() => {
    rds = new FakeRds()
      .addInstance('us-west-2', promotedReplica())
      .addGlobalCluster(westIsWriter())
      .addCluster('us-west-2', {
        identifier: 'catalog-west',
        arn: CATALOG_WEST_ARN,
        status: 'available',
        backupRetentionPeriod: 1,
        latestRestorableTime: secondsBefore(NOW, 60),
      })
      .addReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN, secondsBefore(IMPACT_AT, 120))
      .addReplicatedBackup('us-west-2', CATALOG_EAST_ARN, secondsBefore(IMPACT_AT, 60));
    events = new FakeEvents();
    ledger = new FakeLedger();
    deps = { rds, events, ledger, clock: new FakeClock(NOW), log: new FakeLog() };
  });

  it('passes every check without warnings when the new primaries are writable and backups fresh', async () => {
    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([]);
    expect(result.checks.map((c) => `${c.name} ${c.ok}`)).toEqual([
      'orders-db: writable true',
      'orders-db: automated backups true',
      'orders-db: backup freshness true',
      'orders-db: cross-region copy true',
      'catalog: writable true',
      'catalog: automated backups true',
      'catalog: backup freshness true',
      'catalog: cross-region copy true',
    ]);
    expect(result).toMatchObject({ startedAt: NOW, endedAt: NOW });
    expect(rds.regionsCalled()).toEqual(['us-west-2']);
  });

  it('publishes verify started and succeeded', async () => {
    // Act
    await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['verify started', 'verify succeeded']);
    expect(phases[1]?.facts).toEqual(['8/8 checks passed']);
  });

  it('warns without failing when the newest restorable time is older than the backup age limit', async () => {
    // Prepare
    rds.addInstance('us-west-2', promotedReplica({ latestRestorableTime: secondsBefore(NOW, 900) }));

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([
      'orders-db: latest restorable time of orders-db-replica is 900 s old, over the 600 s limit',
    ]);
    expect(result.checks).toContainEqual(expect.objectContaining({ name: 'orders-db: backup freshness', ok: false }));
  });

  it('warns without failing when no cross-region copy of the old primary exists', async () => {
    // Prepare
    rds.replicatedBackups.clear();

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([
      "orders-db: no cross-region copy of orders-db's backups in us-west-2: enable automated backup replication",
    ]);
  });

  it('warns, and does not fail the run, when the backup lookup errors after the databases were promoted', async () => {
    // Prepare: RDS refuses the lookup (e.g. throttled past its retries, or access denied)
    rds.latestReplicatedBackup = async () => {
      throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    };
    const assessment = ordersAssessment();
    for (const db of assessment.databases) delete db.latestCrossRegionCopy;

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment, promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([
      "orders-db: could not check the cross-region copy of orders-db's backups in us-west-2 (AccessDeniedException): " +
        'check automated backup replication in the RDS console',
    ]);
    expect(result.checks.find((check) => check.name === 'orders-db: writable')?.ok).toBe(true);
    expect(events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged).map((e) => e.status)).toEqual([
      'started',
      'succeeded',
    ]);
  });

  it('warns when the cross-region copy was older than the limit at impact', async () => {
    // Prepare
    rds.addReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN, secondsBefore(IMPACT_AT, 3600));

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([
      'orders-db: cross-region copy of orders-db was 3600 s old at impact, over the 600 s limit',
    ]);
  });

  it('falls back to the assessment reading when the copy cannot be found now', async () => {
    // Prepare
    rds.replicatedBackups.clear();
    const assessment = ordersAssessment([
      ordersDbItem({ latestCrossRegionCopy: secondsBefore(IMPACT_AT, 30) }),
      catalogItem({ latestCrossRegionCopy: secondsBefore(IMPACT_AT, 30) }),
    ]);

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment, promotions }, deps);

    // Assess
    expect(result.warnings).toEqual([]);
  });

  it('does not look for a cross-region copy when the plan does not require one', async () => {
    // Prepare
    const noCopy = ordersPlan({ backups: { crossRegionCopy: false } });

    // Act
    const result = await verifyRecovery(
      { run: ordersRun(), plan: noCopy, assessment: ordersAssessment(), promotions },
      deps,
    );

    // Assess
    expect(rds.calls.filter((call) => call.startsWith('latestReplicatedBackup'))).toEqual([]);
    expect(result.checks.map((c) => c.name)).not.toContain('orders-db: cross-region copy');
  });

  it('warns when automated backups are off on the new primary', async () => {
    // Prepare
    rds.addInstance('us-west-2', promotedReplica({ backupRetentionPeriod: 0 }));

    // Act
    const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    expect(result.warnings).toContain(
      'orders-db: automated backups are off on orders-db-replica: set a backup retention period (e.g. 7 days)',
    );
  });

  it('throws VerificationFailedError and publishes verify failed when the RDS instance is still a replica', async () => {
    // Prepare
    rds.addInstance('us-west-2', promotedReplica({ replicationSource: ORDERS_PRIMARY_ARN }));

    // Act
    const act = verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    await expect(act).rejects.toBeInstanceOf(VerificationFailedError);
    await expect(act).rejects.toThrow('orders-db: orders-db-replica in us-west-2 is available, still a read replica');
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toContain('verify failed');
  });

  it('throws VerificationFailedError when the Aurora secondary is not the writer', async () => {
    // Prepare
    rds.addGlobalCluster(westIsWriter(false));

    // Act
    const act = verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    await expect(act).rejects.toThrow(
      /catalog: catalog-west in us-west-2 is available, not the writer of catalog-global/,
    );
  });

  it('checks that the standbys are ready instead of writable when the run is a dry run', async () => {
    // Prepare
    rds.addInstance('us-west-2', promotedReplica({ replicationSource: ORDERS_PRIMARY_ARN }));
    rds.addGlobalCluster(westIsWriter(false));

    // Act
    const result = await verifyRecovery(
      { run: ordersRun({ mode: 'dry-run' }), plan, assessment: ordersAssessment(), promotions },
      deps,
    );

    // Assess
    expect(result.checks.filter((c) => c.name.endsWith('writable'))).toEqual([
      {
        name: 'orders-db: writable',
        ok: true,
        detail: 'dry run, not promoted: orders-db-replica in us-west-2 is available, still a read replica',
      },
      {
        name: 'catalog: writable',
        ok: true,
        detail: 'dry run, not promoted: catalog-west in us-west-2 is available, not the writer of catalog-global',
      },
    ]);
    expect(result.warnings).toEqual([]);
  });
});
