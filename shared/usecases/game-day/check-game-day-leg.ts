import { needsFence } from '../../domain/fence';
import { type GameDayLeg, LEG_POLL_SECONDS, type LegAction, legDone } from '../../domain/game-day';
import type { LedgerPort, WorkflowPort } from '../../domain/ports';
import type { Outcome, RunContext } from '../../domain/run';
import { currentTopology } from '../../domain/topology';
import { GameDayLegStoppedError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

export interface CheckGameDayLegEvent {
  run: RunContext;
  leg: GameDayLeg;
}

export interface CheckGameDayLegResult {
  /** not-started: the leg's execution does not exist yet; running: look again; done: its run did its work. */
  state: 'not-started' | 'running' | 'done';
  outcome?: Outcome;
  pollSeconds: number;
  checkedAt: string;
}

export interface CheckGameDayLegDeps {
  plans: PlanRegistry;
  workflows: Record<LegAction, Pick<WorkflowPort, 'getExecutionStatus'>>;
  stateMachineArns: Record<LegAction, string>;
  ledger: Pick<LedgerPort, 'getRun' | 'getLock' | 'getTopology'>;
  clock: Clock;
  log: Log;
}

/**
 * "Check Leg": where the leg's execution stands (DescribeExecution) and, once it ended, how its run ended (its
 * record in the ledger): not started yet, still running, or done. The first look of every leg comes before its start,
 * so that a resumed game day never starts or waits for a leg again that an earlier attempt started.
 *
 * @throws GameDayLegStoppedError when the leg's execution failed, timed out or was aborted, or its run ended without
 *   doing its work (blocked, denied): the game day stops there, and the record names the leg
 */
export const checkGameDayLeg = async (
  event: CheckGameDayLegEvent,
  deps: CheckGameDayLegDeps,
): Promise<CheckGameDayLegResult> => {
  const { run, leg } = event;
  const arn = `${deps.stateMachineArns[leg.action].replace(':stateMachine:', ':execution:')}:${leg.name}`;
  const status = await deps.workflows[leg.action].getExecutionStatus(arn);
  const checkedAt = deps.clock.now().toISOString();
  const base = { pollSeconds: LEG_POLL_SECONDS, checkedAt };
  if (!status) return { ...base, state: 'not-started' };
  if (status.status === 'RUNNING') return { ...base, state: 'running' };
  if (status.status !== 'SUCCEEDED') {
    const ended = `its execution ended ${status.status}${status.error ? ` (${status.error}: ${status.cause ?? ''})` : ''}`;
    if (status.error === 'FailbackStoppedBeforeChanges') {
      // Not redrivable on purpose, and its name is taken: the game day cannot run this leg again.
      throw new GameDayLegStoppedError(
        leg.name,
        `${ended}; it changed nothing and lifted its write pause: once the cause is fixed, fail back with ` +
          `switchback run --plan ${run.plan} --action failback (re-protecting the other way after it)`,
      );
    }
    throw new GameDayLegStoppedError(
      leg.name,
      `${ended}; redrive it (aws stepfunctions redrive-execution --execution-arn ${arn}), then start the game day again with incidentId ${run.incidentId}`,
    );
  }
  const record = await deps.ledger.getRun(run.plan, leg.name);
  if (!record && leg.action === 'fence') {
    const fencedByAnother = await fencedByAnotherRun(run, deps);
    if (fencedByAnother === 'waiting') return { ...base, state: 'running' };
    if (fencedByAnother === 'fenced') {
      deps.log.info('game day leg done by another fence', { leg: leg.name });
      return { ...base, state: 'done', outcome: 'skipped' };
    }
  }
  if (!legDone(record?.outcome)) {
    throw new GameDayLegStoppedError(
      leg.name,
      `its run ended ${record?.outcome ?? 'with no record'}` +
        `${record?.findings?.length ? `: ${record.findings.map((f) => `${f.resource}: ${f.found}: ${f.fix}`).join('; ')}` : ''}`,
    );
  }
  deps.log.info('game day leg done', { leg: leg.name, outcome: record?.outcome });
  return { ...base, state: 'done', ...(record?.outcome ? { outcome: record.outcome } : {}) };
};

/**
 * A fence leg whose execution succeeded with no record of its own found the plan's lock held ("Already Handled"):
 * after the failover and failback legs the topology has old writers to fence, and the fence retry schedule fences
 * them too, so its fence may have taken the lock first. That run fences in the leg's place: the game day waits while
 * another run holds the lock (`waiting`), and goes on once nothing awaits fencing (`fenced`); otherwise the leg
 * stopped (`no`).
 */
const fencedByAnotherRun = async (run: RunContext, deps: CheckGameDayLegDeps): Promise<'waiting' | 'fenced' | 'no'> => {
  const lock = await deps.ledger.getLock(run.plan);
  if (lock && lock.holder !== run.incidentId) {
    // Only a fence in progress is waited for: any other holder (a failover, a failed run's orphan) stops the leg.
    const holder = await deps.ledger.getRun(run.plan, lock.holder);
    return holder?.run.action === 'fence' && holder.outcome === 'in-progress' ? 'waiting' : 'no';
  }
  const plan = deps.plans.get(run.plan);
  return needsFence(plan, currentTopology(plan, await deps.ledger.getTopology(run.plan))) ? 'no' : 'fenced';
};
