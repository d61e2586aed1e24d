import type { EventsPort, LedgerPort } from '../domain/ports';
import {
  type ActionRecord,
  DETAIL_TYPES,
  type PhaseName,
  type PhaseTiming,
  type RunRecord,
  withLoggedActions,
} from '../domain/run';
import { type Clock, secondsBetween } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/** What a runbook's record step is given: the ledger calls it makes, the bus, the clock and the log. */
export interface RecordStepDeps<Calls extends keyof LedgerPort> {
  ledger: Pick<LedgerPort, Calls>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/** A phase of a run record, from its start and end. */
export const phaseTiming = (name: PhaseName, startedAt: string, endedAt: string): PhaseTiming => ({
  name,
  startedAt,
  endedAt,
  seconds: secondsBetween(startedAt, endedAt),
});

/**
 * A run record's actions as it ends: those its steps returned, with those the ledger kept as they were made that a
 * retried step left out (withLoggedActions); only the ledger's record of this execution counts.
 */
export const loggedActions = async (
  ledger: Pick<LedgerPort, 'getRun'>,
  record: Pick<RunRecord, 'run' | 'actions'>,
): Promise<ActionRecord[]> => {
  const kept = await ledger.getRun(record.run.plan, record.run.incidentId);
  return kept && kept.run.executionArn === record.run.executionArn
    ? withLoggedActions(record.actions, kept.actions)
    : record.actions;
};

/**
 * The end of a manual runbook (fence, reprotect): its record stored, then its work phase's event (when any database
 * was worked on) and the event of its outcome. `notDone` is the event of a run that changed nothing: fence skips,
 * reprotect is blocked.
 */
export const publishRunbookEnd = async (
  deps: { ledger: Pick<LedgerPort, 'putRun' | 'getRun'>; events: EventsPort },
  ended: RunRecord,
  work: { phase: PhaseName; facts: string[] },
  notDone: typeof DETAIL_TYPES.runSkipped | typeof DETAIL_TYPES.runBlocked,
): Promise<void> => {
  const record = { ...ended, actions: await loggedActions(deps.ledger, ended) };
  await deps.ledger.putRun(record);
  if (work.facts.length > 0) {
    await deps.events.publish(DETAIL_TYPES.phaseChanged, {
      run: record.run,
      phase: work.phase,
      // A deferred fence did not fail: what answered is done, the rest waits for the retry.
      status: record.outcome === 'failed' ? 'failed' : 'succeeded',
      at: record.endedAt,
      facts: work.facts,
      outcome: record.outcome,
    });
  }
  await deps.events.publish(
    record.outcome === 'recovered'
      ? DETAIL_TYPES.recoveryCompleted
      : record.outcome === 'failed'
        ? DETAIL_TYPES.recoveryFailed
        : record.outcome === 'deferred'
          ? DETAIL_TYPES.runDeferred
          : notDone,
    record,
  );
};
