import { reprotectBackNames } from '../../domain/failback';
import { needsFence } from '../../domain/fence';
import type { LedgerPort, WorkflowPort } from '../../domain/ports';
import type { AUTOMATIC_STARTERS } from '../../domain/run';
import { currentTopology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

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
  ledger: Pick<LedgerPort, 'getTopology'>;
  fence: Pick<WorkflowPort, 'startFailover'>;
  clock: Clock;
  log: Log;
}

/** `20260115T0342Z`: one retry execution name per plan and minute, so a duplicate schedule delivery starts none. */
const minuteStamp = (at: Date): string => `${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;

/**
 * Starts the fence runbook for each plan that still has an old primary or a record of the old region to fence
 * (the topology in the ledger says so), and for no other: once everything is fenced and verified, the retry stops
 * starting runs. Called by the failover as its last step, once it recovered and released the lock (`incidentId`
 * given: that plan only, unless its `fence.duringFailover` is off), and by the retry schedule (every plan). Reads
 * the ledger only; the fence runbook itself takes the lock, so a plan busy with another runbook is fenced at the
 * next tick. After a standalone failback (`after: 'failback'`) it fences the old writers the failback left in the
 * other region, whatever `fence.duringFailover` says (reprotect needs them fenced), as `<incident>-1-fence`.
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
    if (!needsFence(plan, topology)) {
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
      reason:
        by === 'fence-retry'
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
