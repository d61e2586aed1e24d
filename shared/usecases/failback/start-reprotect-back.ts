import {
  REPROTECT_BACK_MAX_CHECKS,
  REPROTECT_BACK_POLL_SECONDS,
  type ReprotectBack,
  reprotectBackNames,
  unfencedForReprotect,
} from '../../domain/failback';
import type { EventsPort, LedgerPort, WorkflowPort } from '../../domain/ports';
import { DETAIL_TYPES, type RunContext, type RunInput } from '../../domain/run';
import { currentTopology, type DatabaseTopology, describeCopy } from '../../domain/topology';
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
  ledger: Pick<LedgerPort, 'getRun' | 'putRun' | 'getTopology' | 'getLock'>;
  fence: Pick<WorkflowPort, 'getExecutionStatus'>;
  reprotect: Pick<WorkflowPort, 'startFailover'>;
  /** The failback's Slack message hears what it did: one event each time that changes. */
  events: EventsPort;
  /** The fence state machine: the ARN of the execution that "Start Fence" named. */
  fenceStateMachineArn: string;
  clock: Clock;
  log: Log;
}

/** Where the fence that "Start Fence" started stands. */
type FenceRun =
  | { state: 'none'; reason: string }
  | { state: 'not-started'; error: string }
  | { state: 'running'; execution: string }
  /** Ended with no record of its own: "Assess Fence" found the plan's lock held by another run ("Already Handled"). */
  | { state: 'lost-lock'; execution: string }
  | { state: 'ended'; execution: string; outcome: string };

/**
 * "Start Reprotect" of a standalone failback, after it recovered and released the lock (never on its RTO path):
 * starts the reprotect runbook for the region the failback left, as `<incident>-2-reprotect`, once the topology says
 * that every old writer it would act on is fenced, whichever fence run fenced it (the one "Start Fence" started, or a
 * fence retry that held the plan's lock), and once no run holds the plan's lock (reprotect takes it). An execution of
 * that name that exists already is the one an earlier attempt started: nothing starts twice. It does not wait for
 * the reprotect (a new replica takes tens of minutes; its own run records and announces it). While its fence runs,
 * or another run holds the lock, it waits (bounded); it starts nothing when the fence ended failed or deferred with an
 * old writer still not fenced (reprotect would refuse). Each look that changes what the failback did is written to
 * the failback's record (`reprotectBack`, which `switchback status` shows) and published for its Slack message.
 * A look that changes neither the state nor the reason writes and publishes nothing.
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
  // A new state, or a new reason to wait (the fence ended, then another run's lock): said once, not every look.
  if (result.state !== event.previous?.state || result.detail !== event.previous?.detail) {
    const record = await deps.ledger.getRun(run.plan, run.incidentId);
    if (record) await deps.ledger.putRun({ ...record, reprotectBack: result });
    await deps.events.publish(DETAIL_TYPES.reprotectBack, { run, at: result.checkedAt, reprotectBack: result });
  }
  deps.log.info('reprotect after failback', { state: result.state, checks, detail: result.detail });
  return result;

  async function fenceRun(): Promise<FenceRun> {
    const outcomes = event.fence.outcomes;
    const fenceStart = outcomes?.find((outcome) => outcome.plan === run.plan);
    if (outcomes && !fenceStart?.started) return { state: 'none', reason: fenceStart?.reason ?? 'no fence started' };
    // "Start Fence" may have died after StartExecution: without its answer, look for the fence under its name.
    const execution = fenceStart?.execution ?? names.fence;
    const arn = `${deps.fenceStateMachineArn.replace(':stateMachine:', ':execution:')}:${execution}`;
    const status = await deps.fence.getExecutionStatus(arn);
    if (!status && !outcomes) return { state: 'not-started', error: event.fence.Error ?? 'no answer' };
    if (!status || status.status === 'RUNNING') return { state: 'running', execution };
    if (status.status !== 'SUCCEEDED') return { state: 'ended', execution, outcome: status.status.toLowerCase() };
    const record = await deps.ledger.getRun(run.plan, execution);
    return record ? { state: 'ended', execution, outcome: record.outcome } : { state: 'lost-lock', execution };
  }

  async function decide(): Promise<ReprotectBack> {
    const fence = await fenceRun();
    const fenceField =
      fence.state === 'ended'
        ? { fence: { execution: fence.execution, outcome: fence.outcome } }
        : fence.state === 'running' || fence.state === 'lost-lock'
          ? { fence: { execution: fence.execution } }
          : {};
    /** Waits for the next look, or gives up (a person runs reprotect) once the looks are used up. */
    const waitOrGiveUp = (waiting: string): ReprotectBack =>
      checks >= REPROTECT_BACK_MAX_CHECKS
        ? {
            ...base,
            state: 'not-started',
            ...fenceField,
            detail: `still ${waiting} after ${checks} looks`,
            command: byHand,
          }
        : { ...base, state: 'waiting', ...fenceField, detail: waiting };
    // Never while the fence runs: it holds the plan's lock, and a reprotect started now would find it held.
    if (fence.state === 'running') return waitOrGiveUp(`waiting for fence ${fence.execution} to end`);
    const plan = deps.plans.get(run.plan);
    const topology = currentTopology(plan, await deps.ledger.getTopology(run.plan));
    const unprotected = topology.databases.filter((db) => db.standby === null);
    if (unprotected.length === 0) {
      return {
        ...base,
        state: 'not-started',
        ...fenceField,
        detail:
          'every database has a standby already (an Aurora switchover keeps its old writer): nothing to re-protect',
      };
    }
    const unfenced = unfencedForReprotect(topology);
    if (unfenced.length === 0) {
      const lock = await deps.ledger.getLock(run.plan);
      if (lock)
        return waitOrGiveUp(`waiting for ${lock.holder} to release the plan's lock (the old writers are fenced)`);
      return start(unprotected, fenceField);
    }
    const which = unfenced
      .map((db) => `${db.id}'s old writer ${db.oldPrimary ? describeCopy(db.oldPrimary) : ''}`.trim())
      .join(', ');
    if (fence.state === 'lost-lock') {
      // Another fence run (the fence retry) held the plan's lock: it, or the next retry, may well fence.
      return waitOrGiveUp(
        `waiting for ${which} to be fenced: fence ${fence.execution} found the plan's lock held by another run (the fence retry fences it)`,
      );
    }
    const notStarted = (why: string, command = byHand): ReprotectBack => ({
      ...base,
      state: 'not-started',
      ...fenceField,
      detail: `${which} not fenced: ${why}`,
      command,
    });
    if (fence.state === 'not-started') {
      return notStarted(
        `the fence could not be started (${fence.error})`,
        `switchback run --plan ${run.plan} --action fence, then ${byHand}`,
      );
    }
    if (fence.state === 'none') return notStarted(`no fence was started (${fence.reason})`);
    const why =
      fence.outcome === 'deferred'
        ? 'the old region did not answer; the fence retry fences it when it does'
        : 'see its record (switchback history)';
    return notStarted(`fence ${fence.execution} ended ${fence.outcome} (${why}); reprotect refuses it until then`);
  }

  async function start(unprotected: DatabaseTopology[], fenceField: Pick<ReprotectBack, 'fence'>) {
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
      ...fenceField,
      reprotect: { execution: names.reprotect, alreadyStarted: started.alreadyStarted },
      detail:
        `reprotect ${names.reprotect} started: a new standby for ${unprotected.map((db) => db.id).join(', ')}` +
        `${where ? ` in ${where}` : ''}; it runs on its own, outside the failback's RTO`,
    } satisfies ReprotectBack;
  }
};
