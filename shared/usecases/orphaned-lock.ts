import type { ExecutionStatus, LedgerPort, LockOwner, LockState, WorkflowPort } from '../domain/ports';
import { LockHeldError } from '../errors';
import type { Log } from '../runtime/logger';
import { type ExecutionStopped, type RecordRunFailureDeps, recordRunFailure } from './record-run-failure';

/** Statuses of an execution that has ended: it runs no further step unless a person redrives it. */
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** A lock holder whose execution has ended (its status) or no longer exists (none). */
export interface Orphan {
  how: string;
  status?: ExecutionStatus;
}

/**
 * Whether the lock's holder is an orphan: its execution has ended, or Step Functions no longer knows it, without
 * releasing the lock. Undefined while it runs or is pending a redrive, and when its status cannot be read: a lock is
 * only ever given up on a clear answer.
 */
export const orphanOf = async (
  held: LockState,
  executions: Pick<WorkflowPort, 'getExecutionStatus'>,
  log: Log,
): Promise<Orphan | undefined> => {
  if (!held.execution) return undefined;
  let status: ExecutionStatus | undefined;
  try {
    status = await executions.getExecutionStatus(held.execution);
  } catch (error) {
    log.warn('lock holder execution unreadable: lock kept', {
      holder: held.holder,
      execution: held.execution,
      errorName: (error as Error).name,
    });
    return undefined;
  }
  if (!status) return { how: 'no longer exists' };
  if (!ENDED.has(status.status)) return undefined;
  return { how: `ended ${status.status}${status.stoppedAt ? ` at ${status.stoppedAt}` : ''}`, status };
};

export interface TakeLockDeps extends Omit<RecordRunFailureDeps, 'ledger'> {
  ledger: Pick<LedgerPort, 'acquireLock' | 'getLock'> & RecordRunFailureDeps['ledger'];
  /** Reads the holder's execution; without it an orphaned lock is never given up. */
  executions?: Pick<WorkflowPort, 'getExecutionStatus'>;
}

/**
 * What on-run-failed would have done had the orphan's end reached it: its run recorded failed (phase, error, cause,
 * and the redrive when there is one) and its lock released. A run that succeeded only has its lock released (its record
 * stands). An execution Step Functions no longer knows is recorded failed as `ExecutionNotFound`.
 */
const settleOrphan = async (plan: string, held: LockState, orphan: Orphan, deps: TakeLockDeps): Promise<void> => {
  const owner = { incidentId: held.holder, executionArn: held.execution };
  const { status } = orphan;
  if (status?.status === 'SUCCEEDED') {
    await deps.ledger.releaseLock(plan, owner);
    return;
  }
  const stopped: ExecutionStopped = {
    executionArn: held.execution,
    name: status?.name ?? held.holder,
    status: (status?.status as ExecutionStopped['status'] | undefined) ?? 'FAILED',
    input: status?.input ?? JSON.stringify({ plan, incidentId: held.holder }),
    error: status ? (status.error ?? null) : 'ExecutionNotFound',
    cause: status
      ? (status.cause ?? null)
      : 'Step Functions no longer knows the execution (it keeps a closed one 90 days): it ended, and its end never reached on-run-failed',
    startDate: status?.startedAt ? Date.parse(status.startedAt) : null,
    stopDate: status?.stoppedAt ? Date.parse(status.stoppedAt) : null,
    ...(status?.redriveStatus ? { redriveStatus: status.redriveStatus } : {}),
    ...(status?.redriveStatusReason ? { redriveStatusReason: status.redriveStatusReason } : {}),
  };
  const result = await recordRunFailure(stopped, deps.clock.now().toISOString(), deps);
  deps.log.warn('orphaned run recorded', { holder: held.holder, result: result.status });
};

/**
 * Takes the plan's lock, settling an orphan first: a holder whose execution has ended (or no longer exists) without
 * releasing it. on-run-failed records a failed run and releases its lock when Step Functions' status-change event
 * reaches it, but EventBridge delivers those events on a best-effort basis, and on-run-failed itself can fail past its
 * retries: the lock would then hold every later failover of the plan off, on the night it is needed. Here the orphan
 * gets what on-run-failed would have given it (its run recorded, its lock released), and the lock is taken at the next
 * epoch. An execution that is RUNNING or PENDING_REDRIVE keeps its lock, and so does one whose status cannot be read:
 * LockHeldError, as before. Another execution of this same incident is never settled here (the incident is its own).
 *
 * @returns the lock, and what was settled (for the run's warnings), if anything
 * @throws LockHeldError when the holder is alive or cannot be shown to have ended, or another run took the lock first
 */
export const takeLockOrOrphan = async (
  plan: string,
  owner: LockOwner,
  now: Date,
  deps: TakeLockDeps,
): Promise<{ lock: LockState; tookOver?: string }> => {
  try {
    return { lock: await deps.ledger.acquireLock(plan, owner, now) };
  } catch (error) {
    if (!(error instanceof LockHeldError) || !deps.executions) throw error;
    const held = await deps.ledger.getLock(plan);
    if (!held?.holder || held.holder === owner.incidentId) throw error;
    const orphan = await orphanOf(held, deps.executions, deps.log);
    if (!orphan) throw error;
    await settleOrphan(plan, held, orphan, deps);
    const lock = await deps.ledger.acquireLock(plan, owner, now);
    const tookOver =
      `the plan's lock was held by ${held.holder} (epoch ${held.epoch}, taken ${held.acquiredAt}), whose execution ` +
      `${orphan.how} without releasing it (its end never reached on-run-failed): recorded that run's end and ` +
      'released its lock';
    deps.log.warn('orphaned lock released and taken', { holder: held.holder, epoch: lock.epoch });
    return { lock, tookOver };
  }
};
