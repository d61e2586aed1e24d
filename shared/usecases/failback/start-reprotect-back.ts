import {
  REPROTECT_BACK_MAX_CHECKS,
  REPROTECT_BACK_POLL_SECONDS,
  type ReprotectBack,
  reprotectBackNames,
} from '../../domain/failback';
import type { LedgerPort, WorkflowPort } from '../../domain/ports';
import type { RunContext, RunInput } from '../../domain/run';
import { currentTopology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import type { StartFenceOutcome } from '../fence/start-fence';

export interface StartReprotectBackEvent {
  /** The failback's run (recovered, lock released). */
  run: RunContext;
  /** What "Start Fence" answered; an error (`Error`, `Cause`) when it could not start the fence. */
  fence: { outcomes?: StartFenceOutcome[]; Error?: string; Cause?: string };
  /** The previous look, while the fence runs. */
  previous?: ReprotectBack | null;
}

export interface StartReprotectBackDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'getRun' | 'putRun' | 'getTopology'>;
  fence: Pick<WorkflowPort, 'getExecutionStatus'>;
  reprotect: Pick<WorkflowPort, 'startFailover'>;
  /** The fence state machine: the ARN of the execution that "Start Fence" named. */
  fenceStateMachineArn: string;
  clock: Clock;
  log: Log;
}

/** An outcome of the fence that leaves its old primaries fenced (or had nothing to fence): reprotect may follow. */
const FENCE_DONE = new Set(['recovered', 'skipped']);

/**
 * "Start Reprotect" of a standalone failback, after it recovered and released the lock (never on its RTO path):
 * waits for the fence that "Start Fence" started (reprotect refuses an old primary that is not fenced), then starts
 * the reprotect runbook for the region the failback left, as `<incident>-2-reprotect` (an execution of that name that
 * exists already is the one an earlier attempt started: nothing starts twice), and does not wait for it (a new
 * replica takes tens of minutes; its own run records and announces it). Each look that changes what the failback
 * did is written to the failback's record (`reprotectBack`), which `switchback status` shows. Starts nothing when the
 * fence ended deferred or failed (reprotect would refuse): the record says why and what to run.
 */
export const startReprotectBack = async (
  event: StartReprotectBackEvent,
  deps: StartReprotectBackDeps,
): Promise<ReprotectBack> => {
  const { run } = event;
  const names = reprotectBackNames(run.incidentId);
  const checks = (event.previous?.checks ?? 0) + 1;
  const base = { checks, pollSeconds: REPROTECT_BACK_POLL_SECONDS, checkedAt: deps.clock.now().toISOString() };
  const byHand = `switchback run --plan ${run.plan} --action reprotect`;
  const result = await decide();
  if (result.state !== event.previous?.state) {
    const record = await deps.ledger.getRun(run.plan, run.incidentId);
    if (record) await deps.ledger.putRun({ ...record, reprotectBack: result });
  }
  deps.log.info('reprotect after failback', { state: result.state, checks, detail: result.detail });
  return result;

  async function decide(): Promise<ReprotectBack> {
    const outcomes = event.fence.outcomes;
    const fenceStart = outcomes?.find((outcome) => outcome.plan === run.plan);
    let fence: ReprotectBack['fence'];
    // "Start Fence" may have died after StartExecution: without its answer, look for the fence under its name.
    if (!outcomes || (fenceStart?.started ?? false)) {
      const execution = fenceStart?.execution ?? names.fence;
      const arn = `${deps.fenceStateMachineArn.replace(':stateMachine:', ':execution:')}:${execution}`;
      const status = await deps.fence.getExecutionStatus(arn);
      if (!status && !outcomes) {
        return {
          ...base,
          state: 'not-started',
          detail: `the fence could not be started (${event.fence.Error ?? 'no answer'}): run switchback run --plan ${run.plan} --action fence, then ${byHand}`,
        };
      }
      if (!status || status.status === 'RUNNING') {
        if (checks >= REPROTECT_BACK_MAX_CHECKS) {
          return {
            ...base,
            state: 'not-started',
            fence: { execution },
            detail: `fence ${execution} still runs after ${checks} looks: ${byHand} once it ended`,
          };
        }
        return { ...base, state: 'waiting', fence: { execution }, detail: `waiting for fence ${execution} to end` };
      }
      const outcome =
        status.status === 'SUCCEEDED' ? (await deps.ledger.getRun(run.plan, execution))?.outcome : undefined;
      fence = { execution, outcome: outcome ?? status.status.toLowerCase() };
      if (!outcome || !FENCE_DONE.has(outcome)) {
        const why =
          outcome === 'deferred'
            ? 'the old region did not answer; the fence retry fences it when it does'
            : 'see its record (switchback history)';
        return {
          ...base,
          state: 'not-started',
          fence,
          detail: `fence ${execution} ended ${fence.outcome} (${why}): ${byHand} once the old primary is fenced`,
        };
      }
    }
    const plan = deps.plans.get(run.plan);
    const topology = currentTopology(plan, await deps.ledger.getTopology(run.plan));
    const unprotected = topology.databases.filter((db) => db.standby === null);
    if (unprotected.length === 0) {
      return {
        ...base,
        state: 'not-started',
        ...(fence ? { fence } : {}),
        detail:
          'every database has a standby already (an Aurora switchover keeps its old writer): nothing to re-protect',
      };
    }
    const input: RunInput = {
      plan: run.plan,
      action: 'reprotect',
      mode: 'live',
      reason: `re-protect after failback ${run.incidentId}`,
      requestedBy: run.requestedBy,
      incidentId: names.reprotect,
      trigger: { type: 'manual' },
    };
    const started = await deps.reprotect.startFailover(names.reprotect, input);
    const where = [...new Set(unprotected.map((db) => db.oldPrimary?.region).filter(Boolean))].join(', ');
    return {
      ...base,
      state: 'started',
      ...(fence ? { fence } : {}),
      reprotect: { execution: names.reprotect, alreadyStarted: started.alreadyStarted },
      detail:
        `reprotect ${names.reprotect} started: a new standby for ${unprotected.map((db) => db.id).join(', ')}` +
        `${where ? ` in ${where}` : ''}; it runs on its own, outside the failback's RTO`,
    };
  }
};
