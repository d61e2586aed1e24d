import type { GameDayLeg, LegAction } from '../../domain/game-day';
import type { WorkflowPort } from '../../domain/ports';
import type { RunContext } from '../../domain/run';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

export interface StartGameDayLegEvent {
  /** The game day's run: only its correlation keys are read (the leg carries its own runbook input). */
  run: Pick<RunContext, 'plan' | 'incidentId'>;
  leg: GameDayLeg;
}

export interface StartGameDayLegResult {
  executionArn: string;
  /** True when the leg's execution existed already (a retry or a resumed game day): nothing was started twice. */
  alreadyStarted: boolean;
  startedAt: string;
}

export interface StartGameDayLegDeps {
  /** Each runbook's state machine, by the leg's action. */
  workflows: Record<LegAction, Pick<WorkflowPort, 'startFailover'>>;
  clock: Clock;
  log: Log;
}

/**
 * "Start Leg": starts the leg's runbook (its own state machine) under the leg's derived execution name, with the
 * input `switchback run` would send. StartExecution of an existing name is not repeated work: a retried or resumed
 * start finds the execution the first attempt started (Step Functions keeps names unique for 90 days). The leg's own
 * runbook publishes its phases to the channel, as it does when a person starts it.
 */
export const startGameDayLeg = async (
  event: StartGameDayLegEvent,
  deps: StartGameDayLegDeps,
): Promise<StartGameDayLegResult> => {
  const { leg } = event;
  const started = await deps.workflows[leg.action].startFailover(leg.name, leg.input);
  const startedAt = deps.clock.now().toISOString();
  deps.log.info('game day leg started', { leg: leg.name, alreadyStarted: started.alreadyStarted });
  return { ...started, startedAt };
};
