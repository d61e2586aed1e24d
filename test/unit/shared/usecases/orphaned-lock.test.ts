import type { ExecutionStatus } from '../../../../shared/domain/ports';
import { LockHeldError } from '../../../../shared/errors';
import { takeLockOrOrphan } from '../../../../shared/usecases/orphaned-lock';
import { FakeLedger, FakeLog } from '../../../support/fakes';
import { lockOwner } from '../../../support/run-fixtures';

const TAKEN = new Date('2026-11-25T03:00:00.000Z');
const NOW = new Date('2026-11-25T05:00:00.000Z');
const OLD = lockOwner('orders-20261125T030000Z-old');
const NEW = lockOwner('orders-20261125T050000Z-new');

/** DescribeExecution as the test sets it: the holder's status, none (it does not exist), or an error. */
const executions = (answer: Partial<ExecutionStatus> | undefined | Error) => ({
  getExecutionStatus: async (executionArn: string): Promise<ExecutionStatus | undefined> => {
    if (answer instanceof Error) throw answer;
    return answer && { executionArn, status: 'RUNNING', ...answer };
  },
});

describe('takeLockOrOrphan', () => {
  let ledger: FakeLedger;
  let log: FakeLog;

  beforeEach(async () => {
    ledger = new FakeLedger();
    log = new FakeLog();
    await ledger.acquireLock('orders', OLD, TAKEN);
  });

  it('takes a free lock as acquireLock does, with nothing taken over', async () => {
    // Act
    const taken = await takeLockOrOrphan('billing', NEW, NOW, { ledger, executions: executions(undefined), log });

    // Assess
    expect(taken).toEqual({ lock: expect.objectContaining({ holder: NEW.incidentId, epoch: 1 }) });
  });

  it.each([
    ['FAILED', 'ended FAILED at 2026-11-25T03:04:00.000Z'],
    ['TIMED_OUT', 'ended TIMED_OUT at 2026-11-25T03:04:00.000Z'],
    ['ABORTED', 'ended ABORTED at 2026-11-25T03:04:00.000Z'],
    ['SUCCEEDED', 'ended SUCCEEDED at 2026-11-25T03:04:00.000Z'],
  ])(
    'takes over a lock whose execution %s without releasing it, at the next epoch, and says so',
    async (status, how) => {
      // Act
      const taken = await takeLockOrOrphan('orders', NEW, NOW, {
        ledger,
        executions: executions({ status, stoppedAt: '2026-11-25T03:04:00.000Z' }),
        log,
      });

      // Assess
      expect(taken.lock).toMatchObject({ holder: NEW.incidentId, execution: NEW.executionArn, epoch: 2 });
      expect(taken.tookOver).toBe(
        `took over the plan's lock from ${OLD.incidentId} (epoch 1, taken 2026-11-25T03:00:00.000Z), which its ` +
          `execution never released: the execution ${how} (its end never reached on-run-failed); its run record may ` +
          'still say in progress',
      );
      expect(await ledger.getLock('orders')).toMatchObject({ holder: NEW.incidentId, epoch: 2 });
    },
  );

  it('takes over a lock whose execution no longer exists', async () => {
    // Act
    const taken = await takeLockOrOrphan('orders', NEW, NOW, { ledger, executions: executions(undefined), log });

    // Assess
    expect(taken.tookOver).toContain('the execution no longer exists');
  });

  it.each([
    ['RUNNING', executions({ status: 'RUNNING' })],
    ['PENDING_REDRIVE', executions({ status: 'PENDING_REDRIVE' })],
    [
      'unreadable (DescribeExecution throttled)',
      executions(Object.assign(new Error('slow'), { name: 'ThrottlingException' })),
    ],
  ])('leaves the lock to a holder whose execution is %s: LockHeldError, as before', async (_, reader) => {
    // Act
    const taking = takeLockOrOrphan('orders', NEW, NOW, { ledger, executions: reader, log });

    // Assess
    await expect(taking).rejects.toThrow(LockHeldError);
    expect(await ledger.getLock('orders')).toMatchObject({ holder: OLD.incidentId, epoch: 1 });
  });

  it('never takes over from another execution of the same incident, nor without a way to read the holder', async () => {
    // Prepare
    const sameIncident = lockOwner(OLD.incidentId, `${OLD.executionArn}-again`);

    // Act
    const again = takeLockOrOrphan('orders', sameIncident, NOW, {
      ledger,
      executions: executions({ status: 'FAILED' }),
      log,
    });
    const blind = takeLockOrOrphan('orders', NEW, NOW, { ledger, log });

    // Assess
    await expect(again).rejects.toThrow(LockHeldError);
    await expect(blind).rejects.toThrow(LockHeldError);
    expect(await ledger.getLock('orders')).toMatchObject({ holder: OLD.incidentId, epoch: 1 });
  });
});
