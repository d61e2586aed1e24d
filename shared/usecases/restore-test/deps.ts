import { EventBridgeEvents } from '../../aws/events';
import { RdsRestoreAdapter } from '../../aws/restore';
import { DynamoRestoreTestLedger } from '../../aws/restore-test-ledger';
import { EmfRestoreTestMetrics } from '../../aws/restore-test-metrics';
import { systemClock } from '../../runtime/clock';
import { logger } from '../../runtime/logger';
import { onColdStart } from '../../runtime/warm';
import type { RecordRestoreTestDeps } from './record-restore-test';
import type { RestoreStepDeps } from './start-restore';

let restoreDeps: RestoreStepDeps | undefined;
let recordDeps: RecordRestoreTestDeps | undefined;
// Built again after a cold start (shared/runtime/warm.ts): the ledger adapter reads the table name when it is built.
onColdStart(() => {
  restoreDeps = undefined;
  recordDeps = undefined;
});

/** The restore steps' adapters, built once per process (the handlers in functions/ use them). */
export const defaultRestoreDeps = (): RestoreStepDeps => {
  restoreDeps ??= { restore: new RdsRestoreAdapter(), clock: systemClock, log: logger };
  return restoreDeps;
};

/** The record step's adapters, built once per process. */
export const defaultRecordDeps = (): RecordRestoreTestDeps => {
  recordDeps ??= {
    ledger: new DynamoRestoreTestLedger(),
    metrics: new EmfRestoreTestMetrics(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  return recordDeps;
};
