import type { ActionLog } from '../domain/ports';
import type { ActionRecord, Mode } from '../domain/run';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/**
 * The one place where dry-run is enforced: every mutating AWS call of a use case goes through `perform`, which
 * makes the call unless the run is a dry run, and returns the evidence either way (what, on which resource,
 * when, and whether it was only planned).
 */
export class RecordingActionLog implements ActionLog {
  private readonly clock: Clock;
  private readonly log: Log;

  constructor(deps: { clock: Clock; log: Log }) {
    this.clock = deps.clock;
    this.log = deps.log;
  }

  /**
   * Runs `call` unless `mode` is `dry-run`, and returns the ActionRecord. `at` is when the call was issued (or
   * would have been). A failing call throws its error unchanged and leaves no record: the step fails and its
   * retry or redrive makes the call again.
   */
  async perform(
    action: Omit<ActionRecord, 'at' | 'dryRun'>,
    mode: Mode,
    call: () => Promise<void>,
  ): Promise<ActionRecord> {
    const dryRun = mode === 'dry-run';
    const record: ActionRecord = { ...action, at: this.clock.now().toISOString(), dryRun };
    if (dryRun) {
      this.log.info('dry run: action planned, not made', { ...action });
      return record;
    }
    await call();
    this.log.info('action made', { ...action });
    return record;
  }
}
