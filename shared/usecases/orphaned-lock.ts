import type { LedgerPort, LockOwner, LockState, WorkflowPort } from '../domain/ports';
import { LockHeldError } from '../errors';
import type { Log } from '../runtime/logger';

/** Statuses of an execution that has ended: it runs no further step unless a person redrives it. */
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

export interface TakeLockDeps {
  ledger: Pick<LedgerPort, 'acquireLock' | 'getLock' | 'takeOverLock'>;
  /** Reads the holder's execution; without it an orphaned lock is never taken over. */
  executions?: Pick<WorkflowPort, 'getExecutionStatus'>;
  log: Log;
}

/**
 * How the lock holder's execution ended, when it has (its status, or "no longer exists"); undefined while it runs or
 * is pending a redrive, and when its status cannot be read: a lock is only ever given up on a clear answer.
 */
export const orphanedBy = async (
  held: LockState,
  executions: Pick<WorkflowPort, 'getExecutionStatus'>,
  log: Log,
): Promise<string | undefined> => {
  if (!held.execution) return undefined;
  let status: Awaited<ReturnType<WorkflowPort['getExecutionStatus']>>;
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
  if (!status) return 'no longer exists';
  if (!ENDED.has(status.status)) return undefined;
  return `ended ${status.status}${status.stoppedAt ? ` at ${status.stoppedAt}` : ''}`;
};

/**
 * Takes the plan's lock, or takes it over from an orphan: a holder whose execution has ended (or no longer exists)
 * without releasing it. on-run-failed releases a failed run's lock when Step Functions' status-change event reaches
 * it, but EventBridge delivers those events on a best-effort basis, and on-run-failed itself can fail past its
 * retries: the lock would then hold every later failover of the plan off, on the night it is needed. An execution
 * that is RUNNING or PENDING_REDRIVE keeps its lock, and so does one whose status cannot be read: LockHeldError, as
 * before. Another execution of this same incident is never taken over from (the incident's id is its own).
 *
 * @returns the lock, and what was taken over (for the run's warnings), if anything
 * @throws LockHeldError when the holder is alive, or cannot be shown to have ended
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
    const how = await orphanedBy(held, deps.executions, deps.log);
    if (!how) throw error;
    const lock = await deps.ledger.takeOverLock(plan, held, owner, now);
    const tookOver =
      `took over the plan's lock from ${held.holder} (epoch ${held.epoch}, taken ${held.acquiredAt}), which its ` +
      `execution never released: the execution ${how} (its end never reached on-run-failed); its run record may ` +
      'still say in progress';
    deps.log.warn('orphaned lock taken over', { holder: held.holder, execution: held.execution, epoch: lock.epoch });
    return { lock, tookOver };
  }
};
