import type { LedgerPort } from '../domain/ports';
import type { PhaseName, RunContext } from '../domain/run';
import type { Log } from '../runtime/logger';

/**
 * Marks on the run's record the phase a step begins (`phaseReached`), so that a failure whose error names no phase
 * (a Lambda timeout, a crash, a step that gives up) is recorded where it happened. Best effort: the record is
 * evidence, and recovery goes on without it.
 */
export const markPhaseReached = async (
  deps: { ledger: Pick<LedgerPort, 'markPhase'>; log: Log },
  run: Pick<RunContext, 'plan' | 'incidentId'>,
  phase: PhaseName,
  at: string,
): Promise<void> => {
  try {
    await deps.ledger.markPhase(run.plan, run.incidentId, phase, at);
  } catch (error) {
    deps.log.warn('phase not marked on the run record', { phase, errorName: (error as Error).name });
  }
};
