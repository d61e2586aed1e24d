import { DETAIL_TYPES, type RunRecord } from '../../../../shared/domain/run';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type RecordOutcomeDeps, recordOutcome } from '../../../../shared/usecases/record-outcome';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { assessment, dnsResult, promotions, runContext, verification } from '../../../support/run-fixtures';

const ENDED = '2026-11-25T03:07:41.000Z';

describe('recordOutcome', () => {
  let ledger: FakeLedger;
  let events: FakeEvents;
  let metrics: FakeMetrics;
  let deps: RecordOutcomeDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    metrics = new FakeMetrics();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      metrics,
      events,
      clock: new FakeClock(ENDED),
      log: new FakeLog(),
    };
  });

  const recovered = (run = runContext()) => ({
    run,
    assessment: assessment(),
    outcome: 'recovered' as const,
    promotions: promotions(),
    dns: dnsResult(),
    verification: verification(),
  });

  it('records a recovery with RTO and RPO against budget and marks the plan as failed over', async () => {
    // Act
    const result = await recordOutcome(recovered(), deps);

    // Assess
    expect(result).toEqual({
      outcome: 'recovered',
      rto: { actualSeconds: 460, budgetSeconds: 900, withinBudget: true },
      rpo: { actualSeconds: 4.2, budgetSeconds: 60, withinBudget: true },
    });
    const record = ledger.runs.get(`orders/${runContext().incidentId}`);
    expect(record?.outcome).toBe('recovered');
    expect(record?.phases.map((p) => p.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
    expect(record?.actions).toHaveLength(3);
    expect(record?.endedAt).toBe(ENDED);
    expect(ledger.topologies.get('orders')).toEqual({
      activeRegion: 'us-west-2',
      databases: [
        {
          id: 'orders-db',
          kind: 'rds-read-replica',
          writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
          standby: null,
          oldPrimary: { region: 'us-east-1', identifier: 'orders-db', state: 'unknown', since: ENDED },
        },
        {
          id: 'catalog',
          kind: 'aurora-global',
          writer: { region: 'us-west-2', identifier: 'catalog-west' },
          standby: null,
          oldPrimary: { region: 'us-east-1', identifier: 'catalog-east', state: 'unknown', since: ENDED },
        },
      ],
      lastFailoverAt: ENDED,
      lastIncidentId: runContext().incidentId,
      updatedAt: ENDED,
      updatedBy: runContext().incidentId,
    });
    expect(metrics.records).toEqual([record]);
  });

  it("keeps the changes an earlier attempt of a retried step made, which only the ledger's record still has", async () => {
    // Prepare: Flip DNS changed zone 1's records, then failed on zone 2 and was retried: the retry found zone 1
    // already flipped (no action) and changed zone 2; zone 1's change was appended to the record as it was made.
    const run = runContext();
    const zone1 = {
      service: 'route53' as const,
      operation: 'ChangeResourceRecordSets',
      target: 'Z0123456789ORDERSWWW',
      region: 'us-east-1',
      at: '2026-11-25T03:06:32.000Z',
      dryRun: false,
    };
    const progress = recovered(run);
    await ledger.putRun({
      run,
      outcome: 'in-progress',
      phases: [],
      actions: [...progress.promotions.flatMap((p) => p.actions), zone1, ...progress.dns.actions],
      warnings: [],
      endedAt: run.startedAt,
    });
    const ofAnotherExecution = { ...runContext(), incidentId: 'orders-other', executionArn: 'arn:other' };
    await ledger.putRun({
      run: { ...ofAnotherExecution, executionArn: 'arn:an-earlier-execution' },
      outcome: 'failed',
      phases: [],
      actions: [zone1],
      warnings: [],
      endedAt: run.startedAt,
    });

    // Act
    await recordOutcome(progress, deps);
    await recordOutcome(recovered(ofAnotherExecution), deps);

    // Assess: every change once, zone 1's with them; never another execution's
    const actions = ledger.runs.get(`orders/${run.incidentId}`)?.actions ?? [];
    expect(actions).toHaveLength(4);
    expect(actions.filter((action) => action.target === 'Z0123456789ORDERSWWW')).toEqual([zone1]);
    expect(ledger.runs.get('orders/orders-other')?.actions).toHaveLength(3);
  });

  it('publishes Recovery Completed with the run record, and no second verify event', async () => {
    // Act
    await recordOutcome(recovered(), deps);

    // Assess: verify-recovery announced the verify phase already
    expect(events.published.map((e) => e.detailType)).toEqual([DETAIL_TYPES.recoveryCompleted]);
    expect(events.ofType<RunRecord>(DETAIL_TYPES.recoveryCompleted)[0]).toEqual(
      ledger.runs.get(`orders/${runContext().incidentId}`),
    );
  });

  it('records the approval with the recovery when a person approved', async () => {
    // Prepare
    const approval = { approved: true, by: 'alice', answeredAt: '2026-11-25T03:05:00.000Z' };

    // Act
    await recordOutcome({ ...recovered(), approval }, deps);

    // Assess
    const record = ledger.runs.get(`orders/${runContext().incidentId}`);
    expect(record?.approval).toEqual(approval);
    expect(record?.phases.find((p) => p.name === 'decide')?.seconds).toBe(210);
  });

  it('leaves the plan state alone after a dry run', async () => {
    // Act
    await recordOutcome(recovered(runContext({ mode: 'dry-run' })), deps);

    // Assess
    expect(ledger.topologies.size).toBe(0);
    expect(events.ofType(DETAIL_TYPES.recoveryCompleted)).toHaveLength(1);
  });

  it('marks the plan as failed over after a game day, which really failed over', async () => {
    // Act
    await recordOutcome(recovered(runContext({ mode: 'game-day' })), deps);

    // Assess
    expect(ledger.topologies.get('orders')?.activeRegion).toBe('us-west-2');
  });

  it('records a skipped run with its reasons and publishes Run Skipped', async () => {
    // Prepare
    const skipped = assessment({ decision: 'skip', reasons: ['plan orders already failed over'], warnings: [] });

    // Act
    const result = await recordOutcome({ run: runContext(), assessment: skipped, outcome: 'skipped' }, deps);

    // Assess
    expect(result).toEqual({ outcome: 'skipped' });
    expect(ledger.topologies.size).toBe(0);
    expect(events.published.map((e) => e.detailType)).toEqual([DETAIL_TYPES.runSkipped]);
    expect(events.ofType<RunRecord>(DETAIL_TYPES.runSkipped)[0]).toMatchObject({
      outcome: 'skipped',
      reasons: ['plan orders already failed over'],
    });
  });

  it('records a blocked run with its findings and no action, and publishes Run Blocked', async () => {
    // Prepare
    const finding = {
      check: 'record-exists' as const,
      resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      expected: 'a failover record',
      found: 'no record of that name and type',
      fix: 'create it',
    };
    const blocked = assessment({
      decision: 'block',
      reasons: ['preflight: 1 check failed: nothing was changed'],
      warnings: [],
      preflight: { findings: [finding] },
    });

    // Act
    const result = await recordOutcome({ run: runContext(), assessment: blocked, outcome: 'blocked' }, deps);

    // Assess
    expect(result).toEqual({ outcome: 'blocked' });
    expect(ledger.topologies.size).toBe(0);
    expect(events.published.map((e) => e.detailType)).toEqual([DETAIL_TYPES.runBlocked]);
    expect(events.ofType<RunRecord>(DETAIL_TYPES.runBlocked)[0]).toMatchObject({
      outcome: 'blocked',
      actions: [],
      findings: [finding],
    });
  });

  it('records a denied run with who denied it and publishes Run Skipped', async () => {
    // Prepare
    const approval = {
      approved: false,
      by: 'bob',
      comment: 'primary coming back',
      answeredAt: '2026-11-25T03:04:00.000Z',
    };

    // Act
    const result = await recordOutcome(
      { run: runContext(), assessment: assessment({ decision: 'approve' }), outcome: 'denied', approval },
      deps,
    );

    // Assess
    expect(result).toEqual({ outcome: 'denied' });
    expect(ledger.topologies.size).toBe(0);
    expect(events.ofType<RunRecord>(DETAIL_TYPES.runSkipped)[0]).toMatchObject({ outcome: 'denied', approval });
    expect(metrics.records[0]?.outcome).toBe('denied');
  });
});
