import {
  DETAIL_TYPES,
  type PhaseChangedDetail,
  type RecoveryFailedDetail,
  type RunContext,
  type RunRecord,
} from '../../../../shared/domain/run';
import { planTopology, topologyAfterFailover } from '../../../../shared/domain/topology';
import { PlanRegistry } from '../../../../shared/plan/load';
import {
  type ExecutionStopped,
  MAX_CAUSE_LENGTH,
  type RecordRunFailureDeps,
  recordRunFailure,
} from '../../../../shared/usecases/record-run-failure';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { lockOwner, runContext } from '../../../support/run-fixtures';

const EVENT_TIME = '2026-11-25T03:09:00Z';
const STOP = Date.parse('2026-11-25T03:08:59.500Z');

const stopped = (overrides: Partial<ExecutionStopped> = {}): ExecutionStopped => {
  const run = runContext();
  return {
    executionArn: run.executionArn ?? '',
    name: run.incidentId,
    status: 'FAILED',
    input: JSON.stringify({
      plan: 'orders',
      action: 'failover',
      mode: 'live',
      reason: run.reason,
      requestedBy: run.requestedBy,
      incidentId: run.incidentId,
      trigger: run.trigger,
    }),
    error: 'PromotionFailedError',
    cause:
      '{"errorType":"PromotionFailedError","errorMessage":"Promotion of orders-db failed: InvalidDBInstanceState"}',
    startDate: Date.parse('2026-11-25T03:01:29.000Z'),
    stopDate: STOP,
    ...overrides,
  };
};

/** The record Assess wrote for a run of the plan other than runContext()'s: in progress, nothing done yet. */
const inProgress = (run: RunContext): RunRecord => ({
  run,
  outcome: 'in-progress',
  phases: [],
  actions: [],
  warnings: [],
  endedAt: run.startedAt,
});

describe('recordRunFailure', () => {
  let ledger: FakeLedger;
  let events: FakeEvents;
  let metrics: FakeMetrics;
  let deps: RecordRunFailureDeps;

  beforeEach(async () => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    metrics = new FakeMetrics();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      metrics,
      events,
      clock: new FakeClock('2026-11-25T03:09:01.000Z'),
      log: new FakeLog(),
    };
    const run = runContext();
    await ledger.acquireLock('orders', lockOwner(run.incidentId), new Date(run.startedAt));
    await ledger.putRun({
      run,
      outcome: 'in-progress',
      phases: [{ name: 'detect', startedAt: run.impactStartedAt, endedAt: run.startedAt, seconds: 90 }],
      actions: [],
      warnings: ['a warning from assessment'],
      endedAt: '2026-11-25T03:01:31.000Z',
    });
  });

  it('marks the run failed in the phase of its error, releases the lock and says how to redrive', async () => {
    // Act
    const result = await recordRunFailure(stopped(), EVENT_TIME, deps);

    // Assess
    const run = runContext();
    expect(result).toEqual({ status: 'recorded', incidentId: run.incidentId, phase: 'promote' });
    const record = ledger.runs.get(`orders/${run.incidentId}`);
    // No step marked promote here: the record says where it failed, not since when.
    expect(record?.failure).toEqual({ phase: 'promote', error: 'PromotionFailedError', cause: stopped().cause });
    expect(record).toMatchObject({
      run,
      outcome: 'failed',
      failure: { phase: 'promote', error: 'PromotionFailedError', cause: stopped().cause },
      phases: [{ name: 'detect' }],
      warnings: ['a warning from assessment'],
      endedAt: '2026-11-25T03:08:59.500Z',
    });
    expect(ledger.locks.has('orders')).toBe(false);
    expect(events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged)).toEqual([
      { run, phase: 'promote', status: 'failed', at: '2026-11-25T03:08:59.500Z', facts: ['PromotionFailedError'] },
    ]);
    expect(events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0]?.redrive).toEqual({
      executionArn: run.executionArn,
      command: `aws stepfunctions redrive-execution --execution-arn ${run.executionArn}`,
      until: '2026-12-09T03:08:59.500Z',
    });
    expect(metrics.records.map((r) => r.outcome)).toEqual(['failed']);
  });

  it('changes nothing more when the same failure event is delivered again', async () => {
    // Prepare
    await recordRunFailure(stopped(), EVENT_TIME, deps);
    const published = events.published.length;
    const writes = ledger.putRuns.length;

    // Act
    const result = await recordRunFailure(stopped(), EVENT_TIME, deps);

    // Assess
    expect(result).toEqual({ status: 'duplicate', incidentId: runContext().incidentId });
    expect(events.published).toHaveLength(published);
    expect(ledger.putRuns).toHaveLength(writes);
    expect(metrics.records).toHaveLength(1);
  });

  it('records the failure again when a redriven execution fails later', async () => {
    // Prepare
    await recordRunFailure(stopped(), EVENT_TIME, deps);

    // Act
    const result = await recordRunFailure(
      stopped({ error: 'DnsFlipError', stopDate: STOP + 600_000 }),
      '2026-11-25T03:19:00Z',
      deps,
    );

    // Assess
    expect(result).toMatchObject({ status: 'recorded', phase: 'dns' });
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure?.phase).toBe('dns');
  });

  describe('a failover that failed in DNS', () => {
    const dnsFailed = stopped({ error: 'DnsFlipError', cause: 'ChangeResourceRecordSets: AccessDenied' });
    const PROMOTED_IN_WEST =
      "the databases were promoted in us-west-2 but the DNS switch failed: what it did not switch still answers us-east-1. Redrive to finish it: until then no fence runs, and writes that reach us-east-1's old primaries when it answers again are not in the promoted databases";

    it('warns, once, that the databases were promoted and DNS was not switched, changing no topology', async () => {
      // Prepare: promote began and ended (Flip DNS runs once every promotion is done), then the switch failed
      deps.topology = ledger;
      await ledger.markPhase('orders', runContext().incidentId, 'promote', '2026-11-25T03:02:00.000Z');
      await ledger.markPhase('orders', runContext().incidentId, 'dns', '2026-11-25T03:06:00.000Z');

      // Act: the failure told, then again after a redrive that failed the same way
      await recordRunFailure(dnsFailed, EVENT_TIME, deps);
      await recordRunFailure({ ...dnsFailed, stopDate: STOP + 600_000 }, EVENT_TIME, deps);

      // Assess
      const record = ledger.runs.get(`orders/${runContext().incidentId}`);
      expect(record?.failure?.phase).toBe('dns');
      expect(record?.warnings).toEqual(['a warning from assessment', PROMOTED_IN_WEST]);
      expect(events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed).at(-1)?.warnings).toContain(
        PROMOTED_IN_WEST,
      );
      expect(ledger.topologies.get('orders')).toBeUndefined();
    });

    it('says nothing of a promotion when the DNS switch failed before any (Check DNS Switch)', async () => {
      // Act
      await recordRunFailure(stopped({ error: 'DnsSwitchUnavailableError' }), EVENT_TIME, deps);

      // Assess
      const record = ledger.runs.get(`orders/${runContext().incidentId}`);
      expect(record?.failure?.phase).toBe('dns');
      expect(record?.warnings).toEqual(['a warning from assessment']);
    });

    it('warns that a failback moved back without switching DNS, where writes stay paused', async () => {
      // Prepare
      const run = runContext({ action: 'failback', incidentId: 'orders-failback-2' });
      await ledger.putRun(inProgress(run));
      await ledger.markPhase('orders', run.incidentId, 'promote', '2026-11-25T03:02:00.000Z');
      await ledger.markPhase('orders', run.incidentId, 'dns', '2026-11-25T03:04:00.000Z');

      // Act
      const input = JSON.stringify({ plan: 'orders', incidentId: run.incidentId });
      await recordRunFailure({ ...dnsFailed, name: run.incidentId, input }, EVENT_TIME, deps);

      // Assess
      expect(ledger.runs.get('orders/orders-failback-2')?.warnings).toEqual([
        'the databases were moved back to us-east-1 but the DNS switch failed: what it did not switch still answers us-west-2, where writes stay paused. Redrive to finish it',
      ]);
    });
  });

  it('attributes an approval that timed out to the decide phase', async () => {
    // Prepare
    const record = await ledger.getRun('orders', runContext().incidentId);
    if (record) await ledger.putRun({ ...record, outcome: 'awaiting-approval' });

    // Act
    const result = await recordRunFailure(stopped({ status: 'TIMED_OUT', error: null, cause: null }), EVENT_TIME, deps);

    // Assess: decide began with the run (03:01:30) and ran until the execution timed out (03:08:59.5)
    expect(result).toMatchObject({ phase: 'decide' });
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure).toEqual({
      phase: 'decide',
      error: 'States.Timeout',
      cause: '',
      startedAt: runContext().startedAt,
      seconds: 449.5,
    });
  });

  it('places a task that timed out in the phase the run had reached, never unknown', async () => {
    // Prepare: Flip DNS began (it marks the phase), then its Lambda timed out
    await ledger.markPhase('orders', runContext().incidentId, 'dns', '2026-11-25T03:06:33.000Z');

    // Act
    const result = await recordRunFailure(
      stopped({ error: 'States.Timeout', cause: 'Task timed out' }),
      EVENT_TIME,
      deps,
    );

    // Assess: the phase, and how long it ran from Flip DNS's mark to the failure
    expect(result).toMatchObject({ phase: 'dns' });
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure).toMatchObject({
      phase: 'dns',
      startedAt: '2026-11-25T03:06:33.000Z',
      seconds: 146.5,
    });
    const changed = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(changed.map((c) => `${c.phase} ${c.status}`)).toEqual(['dns failed']);
  });

  it('records the phases a run went through before it failed in verify, from the marks its steps left', async () => {
    // Prepare: Promote Databases (a Map item per database), Flip DNS and Verify Recovery each marked their phase.
    const { incidentId } = runContext();
    await ledger.markPhase('orders', incidentId, 'promote', '2026-11-25T03:02:00.000Z');
    await ledger.markPhase('orders', incidentId, 'promote', '2026-11-25T03:02:00.400Z');
    await ledger.markPhase('orders', incidentId, 'dns', '2026-11-25T03:06:00.000Z');
    await ledger.markPhase('orders', incidentId, 'verify', '2026-11-25T03:07:00.000Z');

    // Act
    await recordRunFailure(
      stopped({ error: 'VerificationFailedError', cause: 'Recovery verification failed' }),
      EVENT_TIME,
      deps,
    );

    // Assess: detect as recorded; decide from the run's start to promote's first mark; each phase until the next
    // began; verify as the failure, from its mark.
    const record = ledger.runs.get(`orders/${incidentId}`);
    expect(record?.phases.map((p) => [p.name, p.startedAt, p.seconds])).toEqual([
      ['detect', '2026-11-25T03:00:00.000Z', 90],
      ['decide', '2026-11-25T03:01:30.000Z', 30],
      ['promote', '2026-11-25T03:02:00.000Z', 240],
      ['dns', '2026-11-25T03:06:00.000Z', 60],
    ]);
    expect(record?.failure).toMatchObject({ phase: 'verify', startedAt: '2026-11-25T03:07:00.000Z', seconds: 119.5 });
  });

  describe('a failover that failed in verify', () => {
    /** The marks of a run that promoted, switched DNS and began verifying. */
    const reachVerify = async (): Promise<void> => {
      const { incidentId } = runContext();
      await ledger.markPhase('orders', incidentId, 'promote', '2026-11-25T03:02:00.000Z');
      await ledger.markPhase('orders', incidentId, 'dns', '2026-11-25T03:06:00.000Z');
      await ledger.markPhase('orders', incidentId, 'verify', '2026-11-25T03:07:00.000Z');
    };
    const verifyFailed = stopped({ error: 'VerificationFailedError', cause: 'Recovery verification failed' });

    /** Another run of the plan (a failback, a dry run) that reached verify and failed there. */
    const otherRunFailsInVerify = async (run: RunContext): Promise<void> => {
      await ledger.putRun(inProgress(run));
      await ledger.markPhase('orders', run.incidentId, 'verify', '2026-11-25T03:07:00.000Z');
      const input = JSON.stringify({ plan: 'orders', incidentId: run.incidentId });
      await recordRunFailure({ ...verifyFailed, name: run.incidentId, input }, EVENT_TIME, deps);
    };

    beforeEach(() => {
      deps.topology = ledger;
    });

    it('records the topology as it stands: the standby region serves, each old primary waits for the fence', async () => {
      // Prepare
      await reachVerify();

      // Act
      await recordRunFailure(verifyFailed, EVENT_TIME, deps);

      // Assess: what Record Recovery would have recorded, at the failure's end
      const topology = ledger.topologies.get('orders');
      expect(topology).toMatchObject({ activeRegion: 'us-west-2', lastFailoverAt: '2026-11-25T03:08:59.500Z' });
      expect(topology?.databases.map((db) => [db.id, db.writer.region, db.standby, db.oldPrimary?.state])).toEqual([
        ['orders-db', 'us-west-2', null, 'unknown'],
        ['catalog', 'us-west-2', null, 'unknown'],
      ]);
      const record = ledger.runs.get(`orders/${runContext().incidentId}`);
      expect(record?.warnings).toEqual([
        'a warning from assessment',
        'the databases were promoted and DNS switched before verify failed: the topology records us-west-2 serving, and the fence retry fences the old primaries in us-east-1 within 5 minutes',
      ]);
    });

    it('leaves a topology already recorded so as it is when the failure is told again after a redrive', async () => {
      // Prepare: the first failure recorded the failover; the old primaries were fenced since
      await reachVerify();
      await recordRunFailure(verifyFailed, EVENT_TIME, deps);
      const fenced = ledger.topologies.get('orders');
      if (!fenced) throw new Error('no topology recorded');
      for (const db of fenced.databases) if (db.oldPrimary) db.oldPrimary.state = 'fenced';
      await ledger.putTopology('orders', fenced);

      // Act: the redriven execution fails in verify again, later
      await recordRunFailure({ ...verifyFailed, stopDate: STOP + 600_000 }, EVENT_TIME, deps);

      // Assess
      expect(ledger.topologies.get('orders')).toEqual(fenced);
      const warnings = ledger.runs.get(`orders/${runContext().incidentId}`)?.warnings ?? [];
      expect(warnings.filter((warning) => warning.startsWith('the databases were promoted'))).toHaveLength(1);
    });

    it('records a failback that failed in verify: the primary region serves, the old RDS writer waits for the fence', async () => {
      // Prepare: re-protected after a failover (us-west-2 serves, each database stands by in us-east-1: the RDS one a
      // new replica, the Aurora one the old primary, rejoined)
      const failedOver = topologyAfterFailover(planTopology(ordersPlan()), {
        toRegion: 'us-west-2',
        at: '2026-11-24T03:00:00.000Z',
        incidentId: 'orders-failover',
      });
      const [orders, catalog] = failedOver.databases;
      if (!orders || !catalog) throw new Error('the plan has two databases');
      orders.standby = { region: 'us-east-1', identifier: 'orders-db-replica-rp-1d4935' };
      catalog.standby = { region: 'us-east-1', identifier: 'catalog-east' };
      for (const db of failedOver.databases) delete db.oldPrimary;
      await ledger.putTopology('orders', failedOver);

      // Act: a failback moved both back and switched DNS back, then failed in verify
      await otherRunFailsInVerify(runContext({ action: 'failback', incidentId: 'orders-failback-1' }));

      // Assess
      const topology = ledger.topologies.get('orders');
      expect(topology?.activeRegion).toBe('us-east-1');
      expect(
        topology?.databases.map((db) => [
          db.id,
          db.writer.identifier,
          db.standby?.identifier ?? null,
          db.oldPrimary?.state,
        ]),
      ).toEqual([
        ['orders-db', 'orders-db-replica-rp-1d4935', null, 'unknown'],
        ['catalog', 'catalog-east', 'catalog-west', undefined],
      ]);
      expect(ledger.runs.get('orders/orders-failback-1')?.warnings).toEqual([
        'the databases and DNS moved back before verify failed: the topology records us-east-1 serving, and the fence retry fences the old writers in us-west-2 within 5 minutes',
      ]);
    });

    it('changes no topology for a failure before verify, a dry run, or without the topology given', async () => {
      // Act: a failure in promote
      await recordRunFailure(stopped(), EVENT_TIME, deps);
      // Act: a dry run that failed in verify
      await otherRunFailsInVerify(runContext({ mode: 'dry-run', incidentId: 'orders-dry' }));
      // Act: a failure in verify settled without the topology (an orphaned lock, by the next run's Assess)
      deps.topology = undefined;
      await reachVerify();
      await recordRunFailure(verifyFailed, EVENT_TIME, deps);

      // Assess
      expect(ledger.topologies.get('orders')).toBeUndefined();
      expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure?.phase).toBe('verify');
      expect(ledger.runs.get('orders/orders-dry')?.failure?.phase).toBe('verify');
    });
  });

  it('places a failure in decide, with a Phase Changed event, when no step had begun', async () => {
    // Act
    const result = await recordRunFailure(stopped({ error: 'Lambda.Unknown' }), EVENT_TIME, deps);

    // Assess
    expect(result).toMatchObject({ phase: 'decide' });
    expect(events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged)[0]).toMatchObject({
      phase: 'decide',
      status: 'failed',
    });
    expect(events.ofType(DETAIL_TYPES.recoveryFailed)).toHaveLength(1);
  });

  it('keeps every action the steps made before the failure in the failed record', async () => {
    // Prepare: Start Promotion made its call and appended it; Flip DNS failed later
    const promoted = {
      service: 'rds' as const,
      operation: 'PromoteReadReplica',
      target: 'orders-db-replica',
      region: 'us-west-2',
      at: '2026-11-25T03:01:32.000Z',
      dryRun: false,
    };
    await ledger.appendActions('orders', runContext().incidentId, [promoted]);
    await ledger.markPhase('orders', runContext().incidentId, 'dns', '2026-11-25T03:06:33.000Z');

    // Act
    await recordRunFailure(stopped({ error: 'DnsFlipError' }), EVENT_TIME, deps);

    // Assess
    const record = ledger.runs.get(`orders/${runContext().incidentId}`);
    expect(record?.outcome).toBe('failed');
    expect(record?.actions).toEqual([promoted]);
    expect(events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0]?.actions).toEqual([promoted]);
  });

  it('neither releases the lock nor rewrites the record when another execution reusing the incident id fails', async () => {
    // Act
    const result = await recordRunFailure(
      stopped({ executionArn: `${runContext().executionArn}-copy`, name: 'copy', error: 'Lambda.Unknown' }),
      EVENT_TIME,
      deps,
    );

    // Assess
    expect(result.status).toBe('ignored');
    expect(ledger.locks.get('orders')?.holder).toBe(runContext().incidentId);
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.outcome).toBe('in-progress');
  });

  it('records a claimed alarm trigger as manual when the alarm intake opened no such incident', async () => {
    // Prepare
    const input = JSON.stringify({
      plan: 'orders',
      action: 'failover',
      reason: 'looks like an alarm',
      requestedBy: 'mallory',
      trigger: { type: 'alarm', alarmName: 'orders-primary-health', impactStartedAt: '2026-11-25T03:01:28.000Z' },
    });

    // Act
    await recordRunFailure(
      stopped({ name: 'forged-1', executionArn: 'arn:forged-1', input, error: 'InvalidRunInput' }),
      EVENT_TIME,
      deps,
    );

    // Assess
    expect(ledger.runs.get('orders/forged-1')?.run.trigger).toEqual({ type: 'manual' });
  });

  it('attributes an aborted execution to the decide phase while it awaited approval', async () => {
    // Prepare
    const record = await ledger.getRun('orders', runContext().incidentId);
    if (record) await ledger.putRun({ ...record, outcome: 'awaiting-approval' });

    // Act
    const result = await recordRunFailure(stopped({ status: 'ABORTED', error: null }), EVENT_TIME, deps);

    // Assess
    expect(result).toMatchObject({ phase: 'decide' });
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure?.error).toBe('ExecutionAborted');
  });

  it('truncates a long cause to 1000 characters', async () => {
    // Act
    await recordRunFailure(stopped({ cause: 'x'.repeat(5000) }), EVENT_TIME, deps);

    // Assess
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure?.cause).toHaveLength(MAX_CAUSE_LENGTH);
  });

  it('records a rejected manual input that never got a run record, without redrive hints', async () => {
    // Prepare
    const input = JSON.stringify({
      plan: 'orders',
      action: 'failover',
      mode: 'for-real',
      reason: 'x',
      requestedBy: 'bob',
    });

    // Act
    const result = await recordRunFailure(
      stopped({
        name: 'manual-1',
        input,
        error: 'InvalidRunInput',
        cause: 'mode: expected one of: live, dry-run, game-day',
      }),
      EVENT_TIME,
      deps,
    );

    // Assess
    expect(result).toEqual({ status: 'recorded', incidentId: 'manual-1', phase: 'decide' });
    const record = ledger.runs.get('orders/manual-1');
    expect(record?.run).toMatchObject({
      incidentId: 'manual-1',
      requestedBy: 'bob',
      mode: 'live',
      trigger: { type: 'manual' },
      startedAt: '2026-11-25T03:01:29.000Z',
    });
    const failed = events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0];
    expect(failed?.redrive).toBeUndefined();
    expect(failed?.notRedrivable).toBe('a redrive reruns the same input: start a new run with the input corrected');
  });

  it.each([
    [
      'Step Functions says it cannot be redriven',
      {
        status: 'FAILED',
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution history event limit exceeded',
      },
      'Step Functions will not redrive it (Execution history event limit exceeded): start a new run once the cause is fixed',
    ],
    ['Step Functions says it can', { status: 'FAILED', redriveStatus: 'REDRIVABLE' }, undefined],
    ['DescribeExecution fails', new Error('throttled'), undefined],
  ])('offers the redrive or says why not when %s', async (_, answer, notRedrivable) => {
    // Prepare
    deps.executions = {
      getExecutionStatus: async (executionArn) => {
        if (answer instanceof Error) throw answer;
        return { executionArn, ...answer };
      },
    };

    // Act
    await recordRunFailure(stopped({ error: 'States.Runtime', cause: 'history' }), EVENT_TIME, deps);

    // Assess
    const failed = events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0];
    expect(failed?.notRedrivable).toBe(notRedrivable);
    expect(failed?.redrive === undefined).toBe(notRedrivable !== undefined);
  });

  it('says to start a failback again, not to redrive it, when it stopped before any change with its write pause lifted', async () => {
    // Act
    await recordRunFailure(
      stopped({ error: 'FailbackStoppedBeforeChanges', cause: 'AccessDenied: not authorized to read ReplicaLag' }),
      EVENT_TIME,
      deps,
    );

    // Assess
    const failed = events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0];
    expect(failed?.redrive).toBeUndefined();
    expect(failed?.notRedrivable).toBe(
      'the failback changed no database and lifted its write pause (a redrive would go on without the pause): start the failback again once the cause is fixed',
    );
  });

  it('takes the redrive status the caller already read, without asking again', async () => {
    // Prepare: asking would fail the test
    deps.executions = {
      getExecutionStatus: async () => {
        throw new Error('asked again');
      },
    };

    // Act
    await recordRunFailure(
      stopped({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' }),
      EVENT_TIME,
      deps,
    );

    // Assess
    expect(events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0]?.notRedrivable).toContain(
      'Execution redrivable period exceeded',
    );
  });

  it('keeps a recorded recovery and only releases the lock when a step after Record failed', async () => {
    // Prepare
    const record = await ledger.getRun('orders', runContext().incidentId);
    if (record) await ledger.putRun({ ...record, outcome: 'recovered' });

    // Act
    const result = await recordRunFailure(stopped({ error: 'Lambda.ServiceException' }), EVENT_TIME, deps);

    // Assess
    expect(result.status).toBe('ignored');
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.outcome).toBe('recovered');
    expect(ledger.locks.has('orders')).toBe(false);
    expect(events.published).toEqual([]);
  });

  it.each(['blocked', 'deferred'] as const)(
    'keeps a run recorded as %s (it changed nothing, or waits for the fence retry) when a step after Record failed',
    async (outcome) => {
      // Prepare
      const record = await ledger.getRun('orders', runContext().incidentId);
      if (record) await ledger.putRun({ ...record, outcome });

      // Act
      const result = await recordRunFailure(stopped({ error: 'Lambda.ServiceException' }), EVENT_TIME, deps);

      // Assess: no "Recovery Failed" with a redrive command for it, and the lock released
      expect(result.status).toBe('ignored');
      expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.outcome).toBe(outcome);
      expect(ledger.locks.has('orders')).toBe(false);
      expect(events.published).toEqual([]);
    },
  );

  it('ignores an execution whose input is not JSON', async () => {
    // Act
    const result = await recordRunFailure(stopped({ input: '{oops' }), EVENT_TIME, deps);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('not a runbook input') });
    expect(ledger.putRuns).toHaveLength(1);
  });

  it('ignores an execution of a plan this deployment does not know', async () => {
    // Act
    const result = await recordRunFailure(stopped({ input: JSON.stringify({ plan: 'billing' }) }), EVENT_TIME, deps);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: 'no plan named "billing" (known: orders)' });
  });
});
