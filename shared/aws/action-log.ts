import type { ActionLog, LedgerPort } from '../domain/ports';
import type { ActionRecord, RunContext } from '../domain/run';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/** The run an action belongs to: where its record goes, and whether it is a dry run. */
export type ActionRun = Pick<RunContext, 'plan' | 'incidentId' | 'mode'>;

/**
 * An action as a log line: `service` is a key the Powertools logger reserves for its own service name (it would
 * overwrite or drop ours), so the AWS service goes under `awsService`.
 */
export const actionLogAttributes = (action: Omit<ActionRecord, 'at' | 'dryRun'>): Record<string, unknown> => {
  const { service, ...rest } = action;
  return { awsService: service, ...rest };
};

/**
 * The one place where dry-run is enforced: every mutating AWS call of a use case goes through `perform`, which
 * makes the call unless the run is a dry run, and returns the evidence either way (what, on which resource,
 * when, and whether it was only planned). With a ledger, each action is also appended to the run's record as soon
 * as it is made, so that a run that fails later still records every change it made.
 */
export class RecordingActionLog implements ActionLog {
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly ledger: Pick<LedgerPort, 'appendActions'> | undefined;

  constructor(deps: { clock: Clock; log: Log; ledger?: Pick<LedgerPort, 'appendActions'> }) {
    this.clock = deps.clock;
    this.log = deps.log;
    this.ledger = deps.ledger;
  }

  /**
   * Runs `call` unless the run is a dry run, and returns the ActionRecord. `at` is when the call was issued (or
   * would have been). A failing call throws its error unchanged and leaves no record: the step fails and its
   * retry or redrive makes the call again.
   */
  async perform(
    action: Omit<ActionRecord, 'at' | 'dryRun'>,
    run: ActionRun,
    call: () => Promise<void>,
  ): Promise<ActionRecord> {
    const dryRun = run.mode === 'dry-run';
    const record: ActionRecord = { ...action, at: this.clock.now().toISOString(), dryRun };
    if (dryRun) {
      this.log.info('dry run: action planned, not made', actionLogAttributes(action));
    } else {
      await call();
      this.log.info('action made', actionLogAttributes(action));
    }
    await this.#append(run, record);
    return record;
  }

  /** Best effort: the AWS change is made either way, and the step's own result still carries it. */
  async #append(run: ActionRun, record: ActionRecord): Promise<void> {
    if (!this.ledger) return;
    try {
      await this.ledger.appendActions(run.plan, run.incidentId, [record]);
    } catch (error) {
      this.log.error('action not appended to the run record', {
        ...actionLogAttributes(record),
        errorName: (error as Error).name,
      });
    }
  }
}
