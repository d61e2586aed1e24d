import type { ExecutionStatus } from '../../../../shared/domain/ports';
import type { RecoveryFailedDetail } from '../../../../shared/domain/run';
import { LockHeldError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type TakeLockDeps, takeLockOrOrphan } from '../../../../shared/usecases/orphaned-lock';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeMetrics } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { lockOwner, runContext } from '../../../support/run-fixtures';

const TAKEN = new Date('2026-11-25T03:01:30.000Z');
const NOW = new Date('2026-11-25T05:00:00.000Z');
/** The earlier run: its execution holds the lock, its record says in progress. */
const EARLIER = runContext();
const OLD = lockOwner(EARLIER.incidentId, EARLIER.executionArn);
const NEW = lockOwner('orders-20261125T045900Z-5e6f7a8b');

/** DescribeExecution as the test sets it: the holder's status, none (it does not exist), or an error. */
const executions = (answer: Partial<ExecutionStatus> | undefined | Error) => ({
  getExecutionStatus: async (executionArn: string): Promise<ExecutionStatus | undefined> => {
    if (answer instanceof Error) throw answer;
    return answer && { executionArn, status: 'RUNNING', ...answer };
  },
});

/** What Step Functions says of the earlier run's execution that failed: its input, error and times. */
const ended = (status: string, overrides: Partial<ExecutionStatus> = {}): Partial<ExecutionStatus> => ({
  name: EARLIER.incidentId,
  status,
  input: JSON.stringify({
    plan: 'orders',
    action: 'failover',
    mode: 'live',
    reason: EARLIER.reason,
    requestedBy: EARLIER.requestedBy,
  }),
  startedAt: '2026-11-25T03:01:29.000Z',
  stoppedAt: '2026-11-25T03:04:00.000Z',
  ...overrides,
});

describe('takeLockOrOrphan', () => {
  let ledger: FakeLedger;
  let events: FakeEvents;
  let deps: (reader?: ReturnType<typeof executions>) => TakeLockDeps;

  beforeEach(async () => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    const base = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      metrics: new FakeMetrics(),
      events,
      clock: new FakeClock(NOW.toISOString()),
      log: new FakeLog(),
    };
    deps = (reader) => (reader ? { ...base, executions: reader } : base);
    await ledger.acquireLock('orders', OLD, TAKEN);
    await ledger.putRun({
      run: EARLIER,
      outcome: 'in-progress',
      phases: [],
      actions: [],
      warnings: [],
      endedAt: '2026-11-25T03:01:31.000Z',
    });
  });

  it('takes a free lock as acquireLock does, with nothing settled', async () => {
    // Act
    const taken = await takeLockOrOrphan('billing', NEW, NOW, deps(executions(undefined)));

    // Assess
    expect(taken).toEqual({ lock: expect.objectContaining({ holder: NEW.incidentId, epoch: 1 }) });
  });

  it('records the run of a lock whose execution failed unheard, as on-run-failed would, releases it and takes it', async () => {
    // Prepare
    const failed = ended('FAILED', { error: 'PromotionFailedError', cause: 'Promotion of orders-db failed' });

    // Act
    const taken = await takeLockOrOrphan('orders', NEW, NOW, deps(executions(failed)));

    // Assess: the lock at the next epoch, and the warning for the new run
    expect(taken.lock).toMatchObject({ holder: NEW.incidentId, execution: NEW.executionArn, epoch: 2 });
    expect(taken.tookOver).toBe(
      `the plan's lock was held by ${EARLIER.incidentId} (epoch 1, taken 2026-11-25T03:01:30.000Z), whose execution ` +
        'ended FAILED at 2026-11-25T03:04:00.000Z without releasing it (its end never reached on-run-failed): ' +
        "recorded that run's end and released its lock",
    );
    // The earlier run's record: failed, with its error and the redrive, as on-run-failed writes it
    const record = await ledger.getRun('orders', EARLIER.incidentId);
    expect(record).toMatchObject({
      outcome: 'failed',
      failure: { phase: 'promote', error: 'PromotionFailedError', cause: 'Promotion of orders-db failed' },
      endedAt: '2026-11-25T03:04:00.000Z',
    });
    const [recoveryFailed] = events.ofType<RecoveryFailedDetail>('Recovery Failed');
    expect(recoveryFailed?.redrive?.command).toBe(
      `aws stepfunctions redrive-execution --execution-arn ${EARLIER.executionArn}`,
    );
  });

  it.each([
    ['TIMED_OUT', 'States.Timeout'],
    ['ABORTED', 'ExecutionAborted'],
  ])('records a run whose execution %s unheard with %s', async (status, error) => {
    // Act
    await takeLockOrOrphan('orders', NEW, NOW, deps(executions(ended(status))));

    // Assess
    expect((await ledger.getRun('orders', EARLIER.incidentId))?.failure?.error).toBe(error);
    expect(await ledger.getLock('orders')).toMatchObject({ holder: NEW.incidentId, epoch: 2 });
  });

  it('only releases the lock of a run whose execution succeeded: its record stands', async () => {
    // Act
    const taken = await takeLockOrOrphan('orders', NEW, NOW, deps(executions(ended('SUCCEEDED'))));

    // Assess
    expect(taken.tookOver).toContain('whose execution ended SUCCEEDED at 2026-11-25T03:04:00.000Z');
    expect((await ledger.getRun('orders', EARLIER.incidentId))?.outcome).toBe('in-progress');
    expect(events.published).toHaveLength(0);
  });

  it('records a run whose execution Step Functions no longer knows as ExecutionNotFound, with no redrive', async () => {
    // Act
    const taken = await takeLockOrOrphan('orders', NEW, NOW, deps(executions(undefined)));

    // Assess
    expect(taken.tookOver).toContain('whose execution no longer exists');
    expect((await ledger.getRun('orders', EARLIER.incidentId))?.failure?.error).toBe('ExecutionNotFound');
    expect(events.ofType<RecoveryFailedDetail>('Recovery Failed')[0]?.redrive).toBeUndefined();
  });

  it.each([
    ['RUNNING', executions({ status: 'RUNNING' })],
    ['PENDING_REDRIVE', executions({ status: 'PENDING_REDRIVE' })],
    [
      'unreadable (DescribeExecution throttled)',
      executions(Object.assign(new Error('slow'), { name: 'ThrottlingException' })),
    ],
  ])(
    'leaves the lock and the record to a holder whose execution is %s: LockHeldError, as before',
    async (_, reader) => {
      // Act
      const taking = takeLockOrOrphan('orders', NEW, NOW, deps(reader));

      // Assess
      await expect(taking).rejects.toThrow(LockHeldError);
      expect(await ledger.getLock('orders')).toMatchObject({ holder: OLD.incidentId, epoch: 1 });
      expect((await ledger.getRun('orders', EARLIER.incidentId))?.outcome).toBe('in-progress');
    },
  );

  describe('an orphaned failover that failed in verify (its databases promoted and DNS switched)', () => {
    const verifyFailed = ended('FAILED', { error: 'VerificationFailedError', cause: 'Recovery verification failed' });

    beforeEach(async () => {
      await ledger.markPhase('orders', EARLIER.incidentId, 'promote', '2026-11-25T03:02:00.000Z');
      await ledger.markPhase('orders', EARLIER.incidentId, 'dns', '2026-11-25T03:03:00.000Z');
      await ledger.markPhase('orders', EARLIER.incidentId, 'verify', '2026-11-25T03:03:30.000Z');
    });

    it('records the topology as it stands before the lock is taken, as on-run-failed would, given where to', async () => {
      // Act
      const taken = await takeLockOrOrphan('orders', NEW, NOW, { ...deps(executions(verifyFailed)), topology: ledger });

      // Assess: the standby region serves, each old primary waits for the fence, and the earlier run says so
      expect(taken.lock).toMatchObject({ holder: NEW.incidentId, epoch: 2 });
      const topology = await ledger.getTopology('orders');
      expect(topology).toMatchObject({ activeRegion: 'us-west-2', lastFailoverAt: '2026-11-25T03:04:00.000Z' });
      expect(topology?.databases.map((db) => [db.id, db.writer.region, db.oldPrimary?.state])).toEqual([
        ['orders-db', 'us-west-2', 'unknown'],
        ['catalog', 'us-west-2', 'unknown'],
      ]);
      const record = await ledger.getRun('orders', EARLIER.incidentId);
      expect(record?.failure?.phase).toBe('verify');
      expect(record?.warnings).toEqual([
        'the databases were promoted and DNS switched before verify failed: the topology records us-west-2 serving, and the fence retry fences the old primaries in us-east-1 within 5 minutes',
      ]);
    });

    it('leaves the topology as it was without it', async () => {
      // Act
      await takeLockOrOrphan('orders', NEW, NOW, deps(executions(verifyFailed)));

      // Assess
      expect(await ledger.getTopology('orders')).toBeUndefined();
      expect((await ledger.getRun('orders', EARLIER.incidentId))?.failure?.phase).toBe('verify');
    });
  });

  it('never settles another execution of the same incident, nor without a way to read the holder', async () => {
    // Prepare
    const sameIncident = lockOwner(OLD.incidentId, `${OLD.executionArn}-again`);

    // Act
    const again = takeLockOrOrphan('orders', sameIncident, NOW, deps(executions(ended('FAILED'))));
    const blind = takeLockOrOrphan('orders', NEW, NOW, deps());

    // Assess
    await expect(again).rejects.toThrow(LockHeldError);
    await expect(blind).rejects.toThrow(LockHeldError);
    expect(await ledger.getLock('orders')).toMatchObject({ holder: OLD.incidentId, epoch: 1 });
  });
});
