import { DETAIL_TYPES, type PhaseChangedDetail } from '../../../../shared/domain/run';
import { VerificationFailedError } from '../../../../shared/errors';
import { type VerifyRecoveryDeps, verifyRecovery } from '../../../../shared/usecases/verify-recovery';
import { FakeClock, FakeDns, FakeEvents, FakeLedger, FakeLog, FakeRds, FakeRoute53 } from '../../../support/fakes';
import {
  arcOrdersPlan,
  CATALOG_EAST_ARN,
  CATALOG_WEST_ARN,
  ORDERS_PRIMARY_ARN,
  ordersPlan,
} from '../../../support/plan-fixtures';
import { readinessWithRecords } from '../../../support/readiness-fixtures';
import {
  catalogItem,
  catalogPromotion,
  IMPACT_AT,
  ordersAssessment,
  ordersDbItem,
  ordersDbPromotion,
  ordersRun,
  recordPair,
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
  let route53: FakeRoute53;
  let dns: FakeDns;
  /** The pauses before DNS answers were looked at again, ms. */
  let slept: number[];
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
    route53 = new FakeRoute53().addRecords(
      'Z0123456789ORDERSAPI',
      ...recordPair('api.orders.example.com', 'us-west-2'),
    );
    dns = new FakeDns().set('api.orders.example.com', 'CNAME', ['api.us-west-2.orders.example.com']);
    slept = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    deps = { rds, route53, dns, sleep, events, ledger, clock: new FakeClock(NOW), log: new FakeLog() };
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
      'dns answer api.orders.example.com CNAME true',
      'health check api.orders.example.com CNAME true',
    ]);
    expect(result.checks.slice(-2).map((c) => c.detail)).toEqual([
      `DNS answers us-west-2's record "api-us-west-2" (api.us-west-2.orders.example.com) for api.orders.example.com CNAME`,
      'hc-us-west-2: 8 of 8 checkers reach it',
    ]);
    expect(dns.asked).toEqual(['api.orders.example.com CNAME']);
    expect(result).toMatchObject({ startedAt: NOW, endedAt: NOW });
    expect(rds.regionsCalled()).toEqual(['us-west-2']);
  });

  it('publishes verify started and succeeded', async () => {
    // Act
    await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

    // Assess
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['verify started', 'verify succeeded']);
    expect(phases[1]?.facts).toEqual(['10/10 checks passed']);
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
    // Nothing was switched: what DNS answers says nothing of the run.
    expect(dns.asked).toEqual([]);
    expect(result.checks.filter((c) => c.name.startsWith('dns'))).toEqual([]);
  });

  describe('what DNS answers (route53-records plans, live runs)', () => {
    it("fails the run when DNS still answers the old region's record: the records are switched, users are not", async () => {
      // Prepare: the standby's endpoint fails its health check while the old region's passes (a manual failover).
      const listed = jest.spyOn(route53, 'listFailoverRecords');
      dns.set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com.']);
      route53.setHealthStatus('hc-us-west-2', {
        checkers: 8,
        healthyCheckers: 0,
        failure: 'Failure: Connection timed out.',
      });

      // Act
      const error = await verifyRecovery(
        { run: ordersRun(), plan, assessment: ordersAssessment(), promotions },
        deps,
      ).catch((caught: unknown) => caught);

      // Assess: the answer, named as the old region's record, and what to do.
      expect(error).toBeInstanceOf(VerificationFailedError);
      expect((error as VerificationFailedError).failures).toEqual([
        `DNS answers us-east-1's record "api-us-east-1" (api.us-east-1.orders.example.com) for api.orders.example.com CNAME, not us-west-2's record "api-us-west-2" (api.us-west-2.orders.example.com): the records are switched, what users reach is not; make us-west-2's endpoint pass its Route 53 health check (hc-us-west-2), then check with dig api.orders.example.com CNAME`,
      ]);
      const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
      expect(phases.at(-1)).toMatchObject({ status: 'failed', facts: (error as VerificationFailedError).failures });
      // Looked at again every 10 s for 30 s before failing: the endpoint might have just come up. DNS is asked each
      // time; the records, which do not change meanwhile, are read once.
      expect(slept).toEqual([10_000, 10_000, 10_000]);
      expect(dns.asked).toHaveLength(4);
      expect(listed).toHaveBeenCalledTimes(1);
    });

    it("passes when DNS answers the standby's record on a second look: its endpoint had just come up", async () => {
      // Prepare: the first look finds the old region's record; 10 s later the standby's endpoint passes.
      dns.set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com']);
      deps.sleep = async (ms) => {
        slept.push(ms);
        dns.set('api.orders.example.com', 'CNAME', ['api.us-west-2.orders.example.com']);
      };

      // Act
      const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

      // Assess
      expect(slept).toEqual([10_000]);
      expect(result.checks).toContainEqual(
        expect.objectContaining({ name: 'dns answer api.orders.example.com CNAME', ok: true }),
      );
      expect(result.warnings).toEqual([]);
    });

    it('does not look again when a database does not stand: the run fails at once', async () => {
      // Prepare
      dns.set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com']);
      rds.addInstance('us-west-2', promotedReplica({ replicationSource: ORDERS_PRIMARY_ARN }));

      // Act
      const error = await verifyRecovery(
        { run: ordersRun(), plan, assessment: ordersAssessment(), promotions },
        deps,
      ).catch((caught: unknown) => caught);

      // Assess: both failures named, no pause.
      expect((error as VerificationFailedError).failures).toHaveLength(2);
      expect(slept).toEqual([]);
    });

    it('fails the run when DNS answers the standby only because no record of the pair is healthy', async () => {
      // Prepare: DNS answers the standby's record, which Route 53 does while both checks fail (it fails open).
      route53.setHealthStatus('hc-us-west-2', { checkers: 8, healthyCheckers: 1, failure: 'Failure: HTTP 503' });

      // Act
      const error = await verifyRecovery(
        { run: ordersRun(), plan, assessment: ordersAssessment(), promotions },
        deps,
      ).catch((caught: unknown) => caught);

      // Assess: 1 of 8 is 12.5%, not more than Route 53's 18%.
      expect((error as VerificationFailedError).failures).toEqual([
        `api.orders.example.com CNAME: DNS answers us-west-2 only because no record of the pair is healthy (Route 53 fails open): health check hc-us-west-2 fails (1 of 8 checkers reach it ("Failure: HTTP 503")); once us-east-1's record passes or is fenced, DNS answers that instead: make us-west-2's endpoint pass its health check`,
      ]);
    });

    it('fails with the delegation to check when the name servers answer no such record', async () => {
      // Prepare: the domain delegates to another zone than the plan's, which has no such name.
      dns.set('api.orders.example.com', 'CNAME', []);

      // Act
      const error = await verifyRecovery(
        { run: ordersRun(), plan, assessment: ordersAssessment(), promotions },
        deps,
      ).catch((caught: unknown) => caught);

      // Assess
      expect((error as VerificationFailedError).failures).toEqual([
        `DNS answers nothing (no such record) for api.orders.example.com CNAME, not us-west-2's record "api-us-west-2" (api.us-west-2.orders.example.com): the records are switched, what users reach is not; check that the domain delegates to hosted zone Z0123456789ORDERSAPI's name servers`,
      ]);
    });

    it('fails when the serving record is missing', async () => {
      // Prepare
      route53.zones.set(
        'Z0123456789ORDERSAPI',
        (route53.zones.get('Z0123456789ORDERSAPI') ?? []).filter((r) => r.setIdentifier !== 'api-us-west-2'),
      );

      // Act
      const error = await verifyRecovery(
        { run: ordersRun(), plan, assessment: ordersAssessment(), promotions },
        deps,
      ).catch((caught: unknown) => caught);

      // Assess
      expect((error as VerificationFailedError).failures).toEqual([
        'api.orders.example.com CNAME: no record "api-us-west-2" in Z0123456789ORDERSAPI: DNS cannot answer us-west-2',
      ]);
    });

    it.each([
      ['the name servers do not answer', () => dns.set('api.orders.example.com', 'CNAME', new Error('ETIMEOUT'))],
      [
        "Route 53's API does not answer",
        () => jest.spyOn(route53, 'listFailoverRecords').mockRejectedValue(new Error('TimeoutError')),
      ],
    ])('warns, and does not fail the run, when %s: could not compare is never a pass', async (_, prepare) => {
      // Prepare
      prepare();

      // Act
      const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

      // Assess
      expect(result.checks).toContainEqual(
        expect.objectContaining({ name: 'dns answer api.orders.example.com CNAME', ok: false }),
      );
      expect(result.warnings).toEqual([
        expect.stringMatching(
          /^could not compare what DNS answers for api\.orders\.example\.com CNAME: .* failed \(Error: .*\); check with dig$/,
        ),
      ]);
    });

    it('warns when the health check status cannot be read, after DNS answered the standby', async () => {
      // Prepare
      route53.setHealthStatus('hc-us-west-2', new Error('Throttling'));

      // Act
      const result = await verifyRecovery({ run: ordersRun(), plan, assessment: ordersAssessment(), promotions }, deps);

      // Assess
      expect(result.checks.slice(-2)).toEqual([
        expect.objectContaining({ name: 'dns answer api.orders.example.com CNAME', ok: true }),
        expect.objectContaining({ name: 'health check api.orders.example.com CNAME', ok: false }),
      ]);
      expect(result.warnings).toEqual([
        'could not compare what DNS answers for api.orders.example.com CNAME: reading health check hc-us-west-2 failed (Error: Throttling); check with dig',
      ]);
    });
  });

  describe('what DNS answers (a plan that switches with ARC routing controls: no us-east-1 API)', () => {
    const arcInput = () => ({ run: ordersRun(), plan: arcOrdersPlan(), assessment: ordersAssessment(), promotions });

    it("compares the answers with the records as the plan's last readiness read them, calling no Route 53 API", async () => {
      // Prepare: a readiness 7 minutes ago (the plan's runs are every 15 min) kept the records.
      await ledger.putReadiness(readinessWithRecords('2026-11-25T03:00:00.000Z'));
      const listed = jest.spyOn(route53, 'listFailoverRecords');
      const healthChecks = jest.spyOn(route53, 'getHealthCheckStatus');

      // Act
      const result = await verifyRecovery(arcInput(), deps);

      // Assess
      expect(listed).not.toHaveBeenCalled();
      expect(healthChecks).not.toHaveBeenCalled();
      expect(dns.asked).toEqual(['api.orders.example.com CNAME']);
      expect(result.checks.find((check) => check.name === 'dns answer api.orders.example.com CNAME')).toEqual({
        name: 'dns answer api.orders.example.com CNAME',
        ok: true,
        detail: expect.stringMatching(
          /answers us-west-2's record "api-us-west-2".* \(the records as the plan's readiness read them at 2026-11-25T03:00:00.000Z\)$/,
        ),
      });
      expect(result.warnings).toEqual([]);
    });

    it('fails the run, after looking again, when DNS still answers the primary region once the controls are switched', async () => {
      // Prepare
      await ledger.putReadiness(readinessWithRecords('2026-11-25T03:00:00.000Z'));
      dns.set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com']);

      // Act
      const verifying = verifyRecovery(arcInput(), deps);

      // Assess
      await expect(verifying).rejects.toThrow(VerificationFailedError);
      await expect(verifying).rejects.toThrow(
        /DNS answers us-east-1's record "api-us-east-1" .* for api\.orders\.example\.com CNAME, not us-west-2's .* \(the records as the plan's readiness read them at 2026-11-25T03:00:00.000Z\): the routing controls are switched, what users reach is not; check with dig api\.orders\.example\.com CNAME/,
      );
      expect(slept).toEqual([10_000, 10_000, 10_000]);
    });

    it('warns, failing nothing and asking no DNS, when no readiness of the plan kept its records', async () => {
      // Act
      const result = await verifyRecovery(arcInput(), deps);

      // Assess
      expect(dns.asked).toEqual([]);
      expect(result.checks).toContainEqual({
        name: 'dns answers',
        ok: false,
        detail:
          "not compared: an arc-routing-control plan's verify calls no Route 53 API (us-east-1) and no readiness of plan orders is on record",
      });
      expect(result.warnings).toEqual([
        "could not compare what DNS answers for plan orders's records: an arc-routing-control plan's verify calls no " +
          'Route 53 API (us-east-1) and no readiness of plan orders is on record; check with dig, and run the ' +
          "plan's readiness (switchback readiness --plan orders --record) so that the next run compares them",
      ]);
    });
  });
});
