import type { EventsPort, LedgerPort, LockOwner } from '../domain/ports';
import {
  DETAIL_TYPES,
  type Mode,
  manualRunContext,
  openingRecord,
  type PhaseChangedDetail,
  type RunContext,
  type RunInput,
} from '../domain/run';
import { InvalidRunInputError } from '../errors';
import type { PlanRegistry } from '../plan/registry';
import { type TakeLockDeps, takeLockOrOrphan } from './orphaned-lock';
import type { RecordStepDeps } from './publish-runbook-end';

/** What an "Assess" step of a runbook is given: the plans, the ledger calls it makes, the bus, the clock, the log. */
export interface AssessStepDeps<Calls extends keyof LedgerPort> extends RecordStepDeps<Calls> {
  plans: PlanRegistry;
  /** What settles an orphaned lock before the run takes it (takeRunLock); without it, such a lock stays held. */
  orphans?: TakeLockDeps;
}

/**
 * What the runbooks started by hand (reprotect, failback, game day) do alike in their "Assess" step; what each decides
 * stays in its own use case.
 */

/**
 * Refuses an input that names a trigger other than a person.
 *
 * @throws InvalidRunInputError on `trigger.type`, with `message` saying how to start the runbook
 */
export const requireManualTrigger = (input: Pick<RunInput, 'trigger'>, message: string): void => {
  if (input.trigger.type !== 'manual') throw new InvalidRunInputError([{ path: 'trigger.type', message }]);
};

/**
 * Takes the plan's lock for the execution; a dry run changes nothing and takes none (epoch 0). Given `orphans`, a
 * lock whose execution ended without releasing it is settled first (shared/usecases/orphaned-lock.ts), and
 * `tookOver` says so, for the assessment's reasons.
 *
 * @throws LockHeldError when another run holds it
 */
export const takeRunLock = async (
  deps: { ledger: Pick<LedgerPort, 'acquireLock'>; orphans?: TakeLockDeps },
  plan: string,
  owner: LockOwner,
  mode: Mode,
  now: Date,
): Promise<{ epoch: number; tookOver?: string }> => {
  if (mode === 'dry-run') return { epoch: 0 };
  if (!deps.orphans) return deps.ledger.acquireLock(plan, owner, now);
  const { lock, tookOver } = await takeLockOrOrphan(plan, owner, now, deps.orphans);
  return { epoch: lock.epoch, ...(tookOver ? { tookOver } : {}) };
};

/** The "decide" phase event of an assessment, its reasons as facts; each runbook says which status it means. */
export const publishDecision = (
  events: EventsPort,
  run: RunContext,
  assessment: { reasons: string[]; decidedAt: string },
  status: PhaseChangedDetail['status'],
): Promise<void> =>
  events.publish(DETAIL_TYPES.phaseChanged, {
    run,
    phase: 'decide',
    status,
    at: assessment.decidedAt,
    facts: assessment.reasons,
  });

/** Opens a run started by hand (manualRunContext) with its first record in the ledger: in progress, its reasons. */
export const openManualRun = async (
  ledger: Pick<LedgerPort, 'putRun'>,
  context: Parameters<typeof manualRunContext>[0],
  assessment: { reasons: string[]; decidedAt: string },
): Promise<RunContext> => {
  const run = manualRunContext(context);
  await ledger.putRun(openingRecord(run, assessment));
  return run;
};
