import { DETAIL_TYPES, type PhaseChangedDetail, type RecoveryFailedDetail } from '../../../../shared/domain/run';
import { PlanRegistry } from '../../../../shared/plan/load';
import {
  type ExecutionStopped,
  MAX_CAUSE_LENGTH,
  type RecordRunFailureDeps,
  recordRunFailure,
} from '../../../../shared/usecases/record-run-failure';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { runContext } from '../../../support/run-fixtures';

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
    await ledger.acquireLock('orders', run.incidentId, new Date(run.startedAt));
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

  it('attributes an approval that timed out to the decide phase', async () => {
    // Prepare
    const record = await ledger.getRun('orders', runContext().incidentId);
    if (record) await ledger.putRun({ ...record, outcome: 'awaiting-approval' });

    // Act
    const result = await recordRunFailure(stopped({ status: 'TIMED_OUT', error: null, cause: null }), EVENT_TIME, deps);

    // Assess
    expect(result).toMatchObject({ phase: 'decide' });
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)?.failure).toEqual({
      phase: 'decide',
      error: 'States.Timeout',
      cause: '',
    });
  });

  it('does not blame the decision for a task that timed out after it', async () => {
    // Act: the run was in progress (not awaiting approval) when a task timed out
    const result = await recordRunFailure(stopped({ status: 'TIMED_OUT', error: null, cause: null }), EVENT_TIME, deps);

    // Assess
    expect(result).toMatchObject({ phase: 'unknown' });
  });

  it('records an unknown phase without a Phase Changed event when the error names no phase', async () => {
    // Act
    const result = await recordRunFailure(stopped({ error: 'Lambda.Unknown' }), EVENT_TIME, deps);

    // Assess
    expect(result).toMatchObject({ phase: 'unknown' });
    expect(events.ofType(DETAIL_TYPES.phaseChanged)).toEqual([]);
    expect(events.ofType(DETAIL_TYPES.recoveryFailed)).toHaveLength(1);
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
        cause: 'mode: expected one of: live, dry-run, drill',
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
    expect(events.ofType<RecoveryFailedDetail>(DETAIL_TYPES.recoveryFailed)[0]?.redrive).toBeUndefined();
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
