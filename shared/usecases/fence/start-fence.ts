import { reprotectBackNames } from '../../domain/failback';
import { needsFence } from '../../domain/fence';
import type { LedgerPort, WorkflowPort } from '../../domain/ports';
import type { AUTOMATIC_STARTERS } from '../../domain/run';
import { currentTopology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { orphanOf } from '../orphaned-lock';

/**
 * What start-fence was asked: after a failover or a standalone failback (its incident), or a tick of the retry
 * schedule (every plan).
 */
export interface StartFenceEvent {
  /** The run's incident: start the fence of its plan, named after it. Absent: the retry schedule's tick. */
  incidentId?: string;
  plan?: string;
  /** The runbook that recovered and asks for the fence (default failover). */
  after?: 'failover' | 'failback';
}

export interface StartFenceOutcome {
  plan: string;
  /** started: a fence execution was started (or already existed under that name); else why not. */
  started: boolean;
  execution?: string;
  reason: string;
}

export interface StartFenceDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'getTopology' | 'getLock'>;
  fence: Pick<WorkflowPort, 'startFailover'>;
  /**
   * Reads the plan's lock holder's execution (DescribeExecution): a plan with nothing to fence whose lock an ended
   * execution still holds (an orphan, shared/usecases/orphaned-lock.ts) gets a fence run all the same, whose Assess
   * settles the orphan. Without it, only the topology decides.
   */
  executions?: Pick<WorkflowPort, 'getExecutionStatus'>;
  clock: Clock;
  log: Log;
}

/** `20260115T0342Z`: one retry execution name per plan and minute, so a duplicate schedule delivery starts none. */
const minuteStamp = (at: Date): string => `${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;

/**
 * How long after an execution ended the fence retry leaves its lock to on-run-failed: Lambda tries an asynchronous
 * invocation that fails twice more, one minute and then two minutes later (Lambda Developer Guide, "How Lambda handles
 * errors and retries with asynchronous invocation"), each within on-run-failed's 30 s timeout, so its tries are over
 * within 5 minutes of the status-change event. Before that, a fence run would settle the same run beside it.
 */
export const ON_RUN_FAILED_GRACE_SECONDS = 300;

/**
 * Why a plan whose topology needs no fence gets a fence run all the same: its lock is held by an execution that ended
 * without releasing it, or that Step Functions no longer knows (orphanOf). Its end never reached on-run-failed, so
 * nothing recorded it: a failover or failback that failed in verify had moved the databases and DNS, which the
 * topology does not say yet, and the lock holds every later run off. The fence run's Assess settles it as on-run-failed
 * would (the run recorded failed, Recovery Failed told, a move it made recorded in the topology, the lock released),
 * then fences what that topology leaves. Undefined when the lock is free, its holder runs or cannot be read, or ended
 * less than ON_RUN_FAILED_GRACE_SECONDS ago.
 */
const orphanedLock = async (app: string, deps: StartFenceDeps): Promise<string | undefined> => {
  if (!deps.executions) return undefined;
  const held = await deps.ledger.getLock(app);
  if (!held?.holder) return undefined;
  const orphan = await orphanOf(held, deps.executions, deps.log);
  if (!orphan) return undefined;
  const stoppedAt = orphan.status?.stoppedAt;
  if (stoppedAt && deps.clock.now().getTime() - Date.parse(stoppedAt) < ON_RUN_FAILED_GRACE_SECONDS * 1000) {
    return undefined;
  }
  return `the plan's lock is held by ${held.holder}, whose execution ${orphan.how} without releasing it: its Assess records that run`;
};

/**
 * Starts the fence runbook for each plan that still has an old primary or a record of the old region to fence
 * (the topology in the ledger says so), or whose lock an ended execution still holds (orphanedLock), and for no other:
 * once everything is fenced and verified, the retry stops starting runs. Called by the failover as its last step,
 * once it recovered and released the lock (`incidentId` given: that plan only, unless its `fence.duringFailover` is
 * off), and by the retry schedule (every plan). Reads the ledger, and a held lock's execution, only; the fence
 * runbook itself takes the lock, so a plan busy with another runbook is fenced at the next tick. After a standalone
 * failback (`after: 'failback'`) it fences the old writers the failback left in the other region, whatever
 * `fence.duringFailover` says (reprotect needs them fenced), as `<incident>-1-fence`.
 */
export const startFence = async (event: StartFenceEvent, deps: StartFenceDeps): Promise<StartFenceOutcome[]> => {
  const by: (typeof AUTOMATIC_STARTERS)[number] = event.incidentId ? (event.after ?? 'failover') : 'fence-retry';
  const now = deps.clock.now();
  const apps = event.plan ? [event.plan] : deps.plans.names;
  const outcomes: StartFenceOutcome[] = [];
  for (const app of apps) {
    const plan = deps.plans.get(app);
    if (by === 'failover' && !plan.fence.duringFailover) {
      outcomes.push({ plan: app, started: false, reason: 'fence.duringFailover is off: the retry schedule fences' });
      continue;
    }
    const topology = currentTopology(plan, await deps.ledger.getTopology(app));
    const fenceNeeded = needsFence(plan, topology);
    const orphaned = fenceNeeded ? undefined : await orphanedLock(app, deps);
    if (!fenceNeeded && !orphaned) {
      outcomes.push({ plan: app, started: false, reason: 'nothing awaits fencing' });
      continue;
    }
    const name =
      by === 'failover'
        ? `${event.incidentId}-fence`
        : by === 'failback'
          ? reprotectBackNames(event.incidentId ?? app).fence
          : `${app}-fence-retry-${minuteStamp(now)}`;
    const input = {
      plan: app,
      action: 'fence',
      mode: 'live',
      reason: orphaned
        ? `fence ${by === 'fence-retry' ? 'retry' : `after ${by} ${event.incidentId}`}: ${orphaned}`
        : by === 'fence-retry'
          ? 'fence retry: an old primary or record is not fenced yet'
          : `fence after ${by} ${event.incidentId}`,
      requestedBy: 'switchback',
      trigger: { type: 'automatic', by },
    };
    const { alreadyStarted } = await deps.fence.startFailover(name.slice(0, 80), input);
    deps.log.info('fence started', { plan: app, by, execution: name, alreadyStarted });
    outcomes.push({ plan: app, started: true, execution: name, reason: input.reason });
  }
  return outcomes;
};
