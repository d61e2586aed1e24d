import { RecordingActionLog } from '../aws/action-log';
import { EventBridgeEvents } from '../aws/events';
import { DynamoLedger } from '../aws/ledger';
import { type Clock, systemClock } from './clock';
import { type Log, logger } from './logger';
import { onColdStart } from './warm';

/** What the runbooks' assess and record steps receive besides their own adapters and the plans. */
export interface RunbookAdapters {
  ledger: DynamoLedger;
  events: EventBridgeEvents;
  clock: Clock;
  log: Log;
}

/**
 * The adapters of a step that reads and writes the ledger and puts Switchback's events (assess, record): the ledger,
 * the bus, the clock and the log, plus the step's own (`own`: metrics, RDS, ...). Returns what builds them on first
 * use and then hands out the same ones for the life of the process; the plans are not among them (a handler looks
 * them up on every call, so that a drill or a test that brings its own with setPlans is heard).
 */
export const runbookAdapters = <TOwn extends object>(
  own: () => TOwn = () => ({}) as TOwn,
): (() => RunbookAdapters & TOwn) => {
  let adapters: (RunbookAdapters & TOwn) | undefined;
  onColdStart(() => {
    adapters = undefined;
  });
  return () => {
    adapters ??= {
      ledger: new DynamoLedger(),
      events: new EventBridgeEvents(),
      clock: systemClock,
      log: logger,
      ...own(),
    };
    return adapters;
  };
};

/** What every step that changes AWS resources receives besides its own service adapters. */
export interface RecordingStepAdapters {
  ledger: DynamoLedger;
  /** Writes each AWS call into the run's record as it is made: evidence for a run that fails later. */
  actions: RecordingActionLog;
  clock: Clock;
  log: Log;
}

/**
 * The adapters of a step that changes AWS resources (promote, fail back, fence, reprotect a database; pause writes):
 * the ledger, an action log that records into it, the clock and the log, plus the step's own adapters (`own`: RDS,
 * the bus, SSM, ...). Returns what builds them on first use and then hands out the same ones for the life of the
 * process.
 */
export const recordingStepAdapters = <TOwn extends object>(own: () => TOwn): (() => TOwn & RecordingStepAdapters) => {
  let adapters: (TOwn & RecordingStepAdapters) | undefined;
  onColdStart(() => {
    adapters = undefined;
  });
  return () => {
    if (!adapters) {
      const ledger = new DynamoLedger();
      adapters = {
        ...own(),
        ledger,
        actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
        clock: systemClock,
        log: logger,
      };
    }
    return adapters;
  };
};
