import type { LedgerPort } from '../domain/ports';
import { lockOwnerOf, type RunContext } from '../domain/run';
import type { Log } from '../runtime/logger';

export interface ReleaseLockDeps {
  ledger: Pick<LedgerPort, 'releaseLock'>;
  log: Log;
}

/** Releases the plan's lock held by the run's incident and execution; releasing a lock one does not hold is a no-op. */
export const releaseLock = async (event: { run: RunContext }, deps: ReleaseLockDeps): Promise<{ released: true }> => {
  await deps.ledger.releaseLock(event.run.plan, lockOwnerOf(event.run));
  deps.log.info('lock released', { epoch: event.run.epoch });
  return { released: true };
};
