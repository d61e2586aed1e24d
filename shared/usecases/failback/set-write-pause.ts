import type { ActionLog, LedgerPort, ParameterPort } from '../../domain/ports';
import { type ActionRecord, lockOwnerOf, type RunContext } from '../../domain/run';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

export interface SetWritePauseDeps {
  plans: PlanRegistry;
  parameters: ParameterPort;
  ledger: Pick<LedgerPort, 'assertLock'>;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface SetWritePauseInput {
  run: RunContext;
  /** true: "Pause Writes"; false: "Resume Writes". */
  paused: boolean;
}

export interface WritePauseResult {
  paused: boolean;
  /** The parameter and region, or null when the plan names no write pause. */
  parameter: { name: string; region: string } | null;
  /** When the parameter took (or already had) the value. */
  at: string;
  actions: ActionRecord[];
}

/**
 * "Pause Writes" / "Resume Writes": sets the SSM parameter the plan's `failback.writePause` names to its paused or
 * resumed value (PutParameter, after the lock check; planned only in a dry run). It reads the parameter first, so a
 * retried or redriven step makes no second call. A plan without a write pause makes no call at all.
 */
export const setWritePause = async (input: SetWritePauseInput, deps: SetWritePauseDeps): Promise<WritePauseResult> => {
  const { run, paused } = input;
  const at = deps.clock.now().toISOString();
  const pause = deps.plans.get(run.plan).failback.writePause;
  if (!pause) return { paused, parameter: null, at, actions: [] };
  const region = pause.region ?? run.regions.standby;
  const value = paused ? pause.pausedValue : pause.resumedValue;
  const parameter = { name: pause.ssmParameter, region };
  if ((await deps.parameters.getParameter(region, pause.ssmParameter)) === value) {
    return { paused, parameter, at, actions: [] };
  }
  if (run.mode !== 'dry-run') await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
  const action = await deps.actions.perform(
    { service: 'ssm', operation: 'PutParameter', target: `${pause.ssmParameter}=${value}`, region },
    run,
    () => deps.parameters.putParameter(region, pause.ssmParameter, value),
  );
  deps.log.info(paused ? 'writes paused' : 'writes resumed', { parameter: pause.ssmParameter, dryRun: action.dryRun });
  return { paused, parameter, at: action.at, actions: [action] };
};
