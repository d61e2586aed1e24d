import { DETAIL_TYPES, type PhaseChangedDetail } from '../../../../shared/domain/run';
import { InvalidRunInputError, LockHeldError, PlanNotFoundError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type AssessEvent, type AssessFailoverDeps, assessFailover } from '../../../../shared/usecases/assess-failover';
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
import { planReadiness } from '../../../support/readiness-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

const NOW = '2026-11-25T03:01:30.000Z';
const EXECUTION = {
  arn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:game-day-1',
  name: 'game-day-1',
  startTime: '2026-11-25T03:01:29.000Z',
};

const manualInput = (overrides: Record<string, unknown> = {}) => ({
  plan: 'orders',
  action: 'failover',
  mode: 'live',
  reason: 'game day',
  requestedBy: 'alice',
  ...overrides,
});

const event = (input: unknown): AssessEvent => ({ input, execution: EXECUTION });

/** Standbys in us-west-2 that replicate from us-east-1, with fresh backups and copies. */
const healthyRds = () =>
  new FakeRds()
    .addInstance('us-west-2', {
      identifier: 'orders-db-replica',
      arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
      status: 'available',
      replicationSource: ORDERS_PRIMARY_ARN,
      backupRetentionPeriod: 7,
      latestRestorableTime: '2026-11-25T03:00:00.000Z',
    })
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

/** The plan's record pair as it should be: the primary region's record PRIMARY. */
const healthyRecords = () =>
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

describe('assessFailover', () => {
  let route53: FakeRoute53;
  let ledger: FakeLedger;
  let events: FakeEvents;
  let rds: FakeRds;
  let lag: FakeLag;
  let deps: AssessFailoverDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    rds = healthyRds();
    route53 = healthyRecords();
    lag = new FakeLag().setRds('us-west-2', 'orders-db-replica', 3).setAurora('us-west-2', 'catalog-west', 0.8);
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      rds,
      route53,
      replicaLag: lag,
      events,
      metrics: new FakeMetrics(),
      clock: new FakeClock(NOW),
      log: new FakeLog(),
    };
  });

  it('takes the lock, reads every standby, proceeds and records the run in progress for a manual run', async () => {
    // Act
    const { run, assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(run).toEqual({
      incidentId: 'game-day-1',
      plan: 'orders',
      action: 'failover',
      mode: 'live',
      reason: 'game day',
      requestedBy: 'alice',
      trigger: { type: 'manual' },
      regions: { primary: 'us-east-1', standby: 'us-west-2' },
      impactStartedAt: NOW,
      startedAt: NOW,
      executionArn: EXECUTION.arn,
      epoch: 1,
      // No topology recorded (a fresh deployment): the plan file's copies, carried for every later step.
      databases: [
        {
          id: 'orders-db',
          writer: { region: 'us-east-1', identifier: 'orders-db' },
          standby: { region: 'us-west-2', identifier: 'orders-db-replica' },
        },
        {
          id: 'catalog',
          writer: { region: 'us-east-1', identifier: 'catalog-east' },
          standby: { region: 'us-west-2', identifier: 'catalog-west' },
        },
      ],
    });
    expect(assessment.decision).toBe('proceed');
    expect(assessment.warnings).toEqual([]);
    expect(assessment.databases).toEqual([
      {
        id: 'orders-db',
        kind: 'rds-read-replica',
        standbyStatus: 'available',
        alreadyPromoted: false,
        lagSeconds: 3,
        latestRestorableTime: '2026-11-25T03:00:00.000Z',
        latestCrossRegionCopy: '2026-11-25T02:58:00.000Z',
      },
      {
        id: 'catalog',
        kind: 'aurora-global',
        standbyStatus: 'available',
        alreadyPromoted: false,
        lagSeconds: 0.8,
        latestRestorableTime: '2026-11-25T03:01:00.000Z',
      },
    ]);
    expect(ledger.locks.get('orders')?.holder).toBe('game-day-1');
    expect(ledger.runs.get('orders/game-day-1')).toMatchObject({
      outcome: 'in-progress',
      phases: [{ name: 'detect' }, { name: 'decide' }],
    });
  });

  it('never calls the primary region', async () => {
    // Act
    await assessFailover(event(manualInput()), deps);

    // Assess
    expect(rds.regionsCalled()).toEqual(['us-west-2']);
  });

  it('publishes detect succeeded, decide started and decide succeeded when proceeding', async () => {
    // Act
    await assessFailover(event(manualInput()), deps);

    // Assess
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual([
      'detect succeeded',
      'decide started',
      'decide succeeded',
    ]);
    expect(phases[0]?.facts).toEqual(['started by alice: game day']);
  });

  describe('alarm trigger', () => {
    const INCIDENT = 'orders-20261125T030059Z-1a2b3c4d';
    const alarmExecution = {
      arn: `arn:aws:states:us-west-2:123456789012:execution:switchback-failover:${INCIDENT}`,
      name: INCIDENT,
    };
    const alarmInput = (trigger: Record<string, unknown> = {}) =>
      manualInput({
        reason: 'alarm orders-primary-health entered ALARM',
        requestedBy: 'alarm:orders-primary-health',
        incidentId: INCIDENT,
        trigger: { type: 'alarm', alarmName: 'orders-primary-health', ...trigger },
      });
    const openIncident = () =>
      ledger.openAlarmIncident({
        incidentId: INCIDENT,
        plan: 'orders',
        alarmName: 'orders-primary-health',
        stateTimestamp: '2026-11-25T03:00:59.000+0000',
        impactStartedAt: '2026-11-25T02:58:00.000Z',
        openedAt: '2026-11-25T03:01:00.000Z',
      });

    it('takes the impact start from the incident the alarm intake opened', async () => {
      // Prepare
      await openIncident();

      // Act
      const { run } = await assessFailover({ input: alarmInput(), execution: alarmExecution }, deps);

      // Assess
      expect(run.incidentId).toBe(INCIDENT);
      expect(run.trigger).toEqual({
        type: 'alarm',
        alarmName: 'orders-primary-health',
        impactStartedAt: '2026-11-25T02:58:00.000Z',
      });
      expect(run.impactStartedAt).toBe('2026-11-25T02:58:00.000Z');
      expect(ledger.runs.get(`orders/${INCIDENT}`)?.phases[0]?.seconds).toBe(210);
    });

    it('refuses an alarm trigger, naming trigger.type, when no alarm incident was opened', async () => {
      // Act
      const assess = assessFailover({ input: alarmInput(), execution: alarmExecution }, deps);

      // Assess
      await expect(assess).rejects.toThrow(InvalidRunInputError);
      await expect(assess).rejects.toThrow(
        /trigger\.type: "alarm" is not accepted: no alarm incident orders-20261125T030059Z-1a2b3c4d was opened by the alarm intake; start a manual run with trigger\.type "manual"/,
      );
      expect(ledger.locks.size).toBe(0);
      expect(ledger.putRuns).toEqual([]);
    });

    it('refuses an alarm trigger, naming trigger.type, when the intake settled the incident as ignored', async () => {
      // Prepare
      await openIncident();
      await ledger.settleAlarmIncident({
        incidentId: INCIDENT,
        plan: 'orders',
        alarmName: 'orders-primary-health',
        stateTimestamp: '2026-11-25T03:00:59.000+0000',
        impactStartedAt: '2026-11-25T02:58:00.000Z',
        openedAt: '2026-11-25T03:01:00.000Z',
        settled: 'ignored',
        reason: 'a run of plan orders is in progress (incident orders-earlier)',
      });

      // Act
      const assess = assessFailover({ input: alarmInput(), execution: alarmExecution }, deps);

      // Assess
      await expect(assess).rejects.toThrow(InvalidRunInputError);
      await expect(assess).rejects.toThrow(
        /trigger\.type: "alarm" is not accepted: the alarm intake ignored alarm incident orders-20261125T030059Z-1a2b3c4d \(a run of plan orders is in progress \(incident orders-earlier\)\)/,
      );
      expect(ledger.locks.size).toBe(0);
      expect(ledger.putRuns).toEqual([]);
    });

    it('accepts an alarm trigger whose incident the intake settled as started', async () => {
      // Prepare
      await openIncident();
      await ledger.settleAlarmIncident({
        incidentId: INCIDENT,
        plan: 'orders',
        alarmName: 'orders-primary-health',
        stateTimestamp: '2026-11-25T03:00:59.000+0000',
        impactStartedAt: '2026-11-25T02:58:00.000Z',
        openedAt: '2026-11-25T03:01:00.000Z',
        settled: 'started',
      });

      // Act
      const { run } = await assessFailover({ input: alarmInput(), execution: alarmExecution }, deps);

      // Assess
      expect(run.trigger.type).toBe('alarm');
    });

    it('refuses an impact time given in the input', async () => {
      // Prepare
      await openIncident();

      // Act
      const assess = assessFailover(
        { input: alarmInput({ impactStartedAt: '2026-11-25T03:01:29.000Z' }), execution: alarmExecution },
        deps,
      );

      // Assess
      await expect(assess).rejects.toThrow(/trigger\.impactStartedAt: unknown field/);
    });

    it('refuses an alarm trigger from an execution other than the one the intake started', async () => {
      // Prepare
      await openIncident();

      // Act
      const assess = assessFailover({ input: alarmInput(), execution: EXECUTION }, deps);

      // Assess
      await expect(assess).rejects.toThrow(
        /trigger\.type: "alarm" is not accepted: the execution game-day-1 is not the one the alarm intake started/,
      );
    });

    it('refuses an alarm trigger that names another alarm than the incident', async () => {
      // Prepare
      await openIncident();

      // Act
      const assess = assessFailover(
        { input: alarmInput({ alarmName: 'payments-primary-health' }), execution: alarmExecution },
        deps,
      );

      // Assess
      await expect(assess).rejects.toThrow(/is alarm orders-primary-health of plan orders/);
    });
  });

  it('refuses a second execution that reuses the incident id of a running one, leaving its lock alone', async () => {
    // Prepare
    const first = await assessFailover(event(manualInput({ incidentId: 'game-day-1' })), deps);
    const second = { arn: `${EXECUTION.arn}-again`, name: 'game-day-1-again' };

    // Act
    const reuse = assessFailover({ input: manualInput({ incidentId: 'game-day-1' }), execution: second }, deps);

    // Assess
    await expect(reuse).rejects.toThrow(LockHeldError);
    expect(ledger.locks.get('orders')).toMatchObject({ holder: 'game-day-1', execution: EXECUTION.arn });
    expect(ledger.runs.get('orders/game-day-1')?.run.executionArn).toBe(first.run.executionArn);
  });

  it('refuses a dry run that reuses the incident id of another execution, keeping that record', async () => {
    // Prepare
    await assessFailover(event(manualInput({ incidentId: 'game-day-1' })), deps);
    const second = { arn: `${EXECUTION.arn}-dry`, name: 'game-day-1-dry' };

    // Act
    const reuse = assessFailover(
      { input: manualInput({ incidentId: 'game-day-1', mode: 'dry-run' }), execution: second },
      deps,
    );

    // Assess
    await expect(reuse).rejects.toThrow(/another execution: arn:aws:states:.*:game-day-1\)/);
    expect(ledger.runs.get('orders/game-day-1')?.run.mode).toBe('live');
  });

  it('asks for approval and publishes no decide succeeded when lag is over the RPO budget', async () => {
    // Prepare
    lag.setRds('us-west-2', 'orders-db-replica', 95);

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual(['orders-db replica lag 95 s > RPO budget 60 s']);
    expect(events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged).map((p) => p.status)).toEqual([
      'succeeded',
      'started',
    ]);
  });

  it("asks for approval when the plan's last readiness found the standby's endpoint failing its health check", async () => {
    // Prepare: the readiness of 03:00, within two of the plan's 15-minute runs of NOW (03:01:30).
    await ledger.putReadiness(
      planReadiness({
        at: '2026-11-25T03:00:00.000Z',
        findings: [
          {
            check: 'standby-health-check',
            resource: 'route53:healthcheck/hc-west',
            expected: 'the us-west-2 endpoint healthy to Route 53',
            found:
              'unhealthy: 0 of 8 checkers reach it; named by route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
            fix: 'find why',
          },
        ],
      }),
    );

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess: the replica lag (3 s) alone would not have asked.
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual([
      "a failover would move traffic to the us-west-2 endpoint, which failed its Route 53 health check at the plan's readiness of 2026-11-25T03:00:00.000Z (route53:healthcheck/hc-west: unhealthy: 0 of 8 checkers reach it); approve once it passes",
    ]);
  });

  it('proceeds when the readiness that found it ran more than two of its runs ago (its schedule may have stopped)', async () => {
    // Prepare: 31.5 minutes before NOW, the plan's readiness running every 15 minutes.
    const failing = {
      check: 'standby-health-check' as const,
      resource: 'route53:healthcheck/hc-west',
      expected: 'x',
      found: 'unhealthy: 0 of 8 checkers reach it',
      fix: 'y',
    };
    await ledger.putReadiness(planReadiness({ at: '2026-11-25T02:30:00.000Z', findings: [failing] }));

    // Act
    const stale = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(stale.assessment.decision).toBe('proceed');
  });

  it('goes on, saying so, when the ledger does not give the last readiness: the standby health is a question, not a gate', async () => {
    // Prepare
    ledger.listReadiness = async () => {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.warnings).toContain(
      "the plan's last readiness could not be read (ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput.): the standby's health check was not weighed",
    );
  });

  it('asks for approval when a lag has no datapoint', async () => {
    // Prepare
    lag.aurora.clear();

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.maxLagSeconds).toBeNull();
  });

  it('recognises standbys an earlier attempt already promoted and does not read their lag', async () => {
    // Prepare
    const replica = rds.instances.get('us-west-2/orders-db-replica');
    if (replica) replica.replicationSource = undefined;
    const global = rds.globalClusters.get('catalog-global');
    if (global) global.members = global.members.map((m) => ({ ...m, isWriter: m.region === 'us-west-2' }));
    lag.rds.clear();
    lag.aurora.clear();

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.databases.map((db) => [db.id, db.alreadyPromoted, db.lagSeconds])).toEqual([
      ['orders-db', true, null],
      ['catalog', true, null],
    ]);
  });

  it('rejects another runbook action with InvalidRunInputError naming the action, before taking the lock', async () => {
    // Act
    const assess = assessFailover(event(manualInput({ action: 'fence' })), deps);

    // Assess
    await expect(assess).rejects.toThrow(InvalidRunInputError);
    await expect(assess).rejects.toThrow(/action: this state machine runs "failover"; start "fence" from/);
    expect(ledger.locks.size).toBe(0);
  });

  it('skips, still holding the lock for the ASL to release, when the plan already failed over', async () => {
    // Prepare
    // A topology item written before databases were recorded: the active region alone decides.
    ledger.topologies.set('orders', {
      activeRegion: 'us-west-2',
      databases: [],
      lastFailoverAt: '2026-11-20T00:00:00.000Z',
    });

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('skip');
    expect(ledger.locks.get('orders')?.holder).toBe('game-day-1');
  });

  describe('preflight', () => {
    it('blocks, naming the missing replica and the fix, and still records the run in progress', async () => {
      // Prepare
      rds.instances.delete('us-west-2/orders-db-replica');

      // Act
      const { assessment } = await assessFailover(event(manualInput()), deps);

      // Assess
      expect(assessment.decision).toBe('block');
      expect(assessment.preflight?.findings).toEqual([
        expect.objectContaining({ check: 'standby-exists', resource: 'rds:us-west-2:orders-db-replica' }),
      ]);
      expect(ledger.putRuns.at(-1)).toMatchObject({
        outcome: 'in-progress',
        findings: [expect.objectContaining({ check: 'standby-exists' })],
      });
      // Deciding is under way: no "decide succeeded" for a blocked run.
      expect(events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged).map((e) => e.status)).toEqual([
        'succeeded',
        'started',
      ]);
    });

    it('waits, bounded, when the replica is backing-up', async () => {
      // Prepare
      const replica = rds.instances.get('us-west-2/orders-db-replica');
      if (replica) replica.status = 'backing-up';

      // Act
      const { assessment } = await assessFailover(event(manualInput()), deps);

      // Assess
      expect(assessment.decision).toBe('wait');
      expect(assessment.preflight).toMatchObject({ waitUntil: '2026-11-25T03:11:30.000Z', retryInSeconds: 30 });
    });

    it("blocks when another plan's run in progress holds a resource of this plan", async () => {
      // Prepare: billing (wrongly) names orders' replica too, and a billing run holds its lock.
      const billing = ordersPlan({
        app: 'billing',
        trigger: { alarms: ['billing-health'] },
        dns: [
          {
            hostedZoneId: 'Z0123456789BILLING',
            records: [
              {
                name: 'billing.example.com',
                type: 'A',
                primarySetIdentifier: 'b-east',
                standbySetIdentifier: 'b-west',
              },
            ],
          },
        ],
      });
      deps.plans = new PlanRegistry([ordersPlan(), billing]);
      await ledger.acquireLock(
        'billing',
        {
          incidentId: 'billing-run-7',
          executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:billing-run-7',
        },
        new Date(NOW),
      );

      // Act
      const { assessment } = await assessFailover(event(manualInput()), deps);

      // Assess
      expect(assessment.decision).toBe('block');
      expect(assessment.preflight?.findings).toEqual([
        expect.objectContaining({
          check: 'claimed-by-other-run',
          found: 'plan billing run billing-run-7 in progress',
          resource: expect.stringContaining('database orders-db-replica (us-west-2)'),
        }),
      ]);
    });

    it('blocks after the bound when a resumed run still finds the replica backing-up', async () => {
      // Prepare
      const first = await assessFailover(event(manualInput()), deps);
      const replica = rds.instances.get('us-west-2/orders-db-replica');
      if (replica) replica.status = 'backing-up';

      // Act
      const { run, assessment } = await assessFailover(
        { execution: EXECUTION, resume: { run: first.run, waitUntil: NOW } },
        deps,
      );

      // Assess
      expect(run).toEqual(first.run);
      expect(assessment.decision).toBe('block');
      expect(assessment.reasons[0]).toContain('still failing after waiting 600 s');
    });
  });

  it('warns and proceeds when the cross-region backup lookup fails', async () => {
    // Prepare
    jest.spyOn(rds, 'latestReplicatedBackup').mockRejectedValue(new Error('AccessDenied'));

    // Act
    const { assessment } = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.warnings).toEqual([
      'orders-db has no cross-region backup copy in us-west-2 (backups.crossRegionCopy)',
    ]);
  });

  it('rejects a manual input naming each bad field and the fix', async () => {
    // Act
    const error = await assessFailover(event(manualInput({ mode: 'for-real', requestedBy: undefined })), deps).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidRunInputError);
    expect((error as InvalidRunInputError).name).toBe('InvalidRunInputError');
    expect((error as InvalidRunInputError).issues).toEqual([
      { path: 'mode', message: 'expected one of: live, dry-run, game-day' },
      { path: 'requestedBy', message: 'is required: expected who asked for this run (a person or a system)' },
    ]);
    expect(ledger.locks.size).toBe(0);
  });

  it('rejects an unknown field of a manual input', async () => {
    // Act / Assess
    await expect(assessFailover(event(manualInput({ dryRun: true })), deps)).rejects.toThrow(/dryRun: unknown field/);
  });

  it('throws PlanNotFoundError naming the known plans when the plan is unknown', async () => {
    // Act / Assess
    await expect(assessFailover(event(manualInput({ plan: 'billing' })), deps)).rejects.toThrow(PlanNotFoundError);
    await expect(assessFailover(event(manualInput({ plan: 'billing' })), deps)).rejects.toThrow(/Known plans: orders/);
  });

  it('throws LockHeldError and records nothing when another incident holds the plan', async () => {
    // Prepare
    await ledger.acquireLock('orders', lockOwner('orders-20261125T025900Z-99999999'), new Date(NOW));

    // Act / Assess
    await expect(assessFailover(event(manualInput()), deps)).rejects.toThrow(LockHeldError);
    expect(ledger.runs.size).toBe(0);
    expect(events.published).toEqual([]);
  });

  it('takes no lock in a dry run, so a real failover is never blocked by a rehearsal', async () => {
    // Act: a dry run while nobody holds the lock, then a real incident takes it
    const { run } = await assessFailover(event(manualInput({ mode: 'dry-run' })), deps);
    const lock = await ledger.acquireLock('orders', lockOwner('orders-20261125T030200Z-11111111'), new Date(NOW));

    // Assess
    expect(run.epoch).toBe(0);
    expect(lock.holder).toBe('orders-20261125T030200Z-11111111');
  });

  it('runs a dry run even while another incident holds the lock', async () => {
    // Prepare
    await ledger.acquireLock('orders', lockOwner('orders-20261125T025900Z-99999999'), new Date(NOW));

    // Act
    const { assessment } = await assessFailover(event(manualInput({ mode: 'dry-run' })), deps);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(ledger.locks.get('orders')?.holder).toBe('orders-20261125T025900Z-99999999');
  });

  it('returns the same epoch when Lambda retries the same assessment', async () => {
    // Act
    const first = await assessFailover(event(manualInput()), deps);
    const second = await assessFailover(event(manualInput()), deps);

    // Assess
    expect(second.run.epoch).toBe(first.run.epoch);
  });
});
