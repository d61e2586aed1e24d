import type { RestoreTestLedgerPort } from '../../aws/restore-test-ledger';
import type { EventsPort } from '../../domain/ports';
import { buildRestoreTestRecord, type RestoreTestRecord, restoreIdentifier } from '../../domain/restore-test';
import type { Plan } from '../../plan/schema';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import type { RestoreState, RestoreTestRun } from './context';

/** detail-type of the event that ends each database's restore test (the notifier posts failures to Slack). */
export const RESTORE_TEST_DETAIL_TYPES = {
  passed: 'Restore Test Passed',
  failed: 'Restore Test Failed',
} as const;

export interface RecordRestoreTestDeps {
  ledger: RestoreTestLedgerPort;
  metrics: { record(record: RestoreTestRecord): void };
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/**
 * "Record Restore Test": the evidence of one database's test (restored point and its age, time to available,
 * validation, cleanup time, instance-hours) into the ledger, the metrics, and an event (passed or failed).
 */
export const recordRestoreTest = async (
  input: {
    plan: Plan;
    run: RestoreTestRun;
    database: { id: string; kind: Plan['databases'][number]['kind'] };
    restore?: RestoreState;
    validation?: { hook?: string; passed: boolean | null; detail?: string };
    cleanup?: { cleanedUpAt: string };
    error?: { Error: string; Cause?: string };
  },
  deps: RecordRestoreTestDeps,
): Promise<RestoreTestRecord> => {
  const { plan, run, database, restore } = input;
  const record = buildRestoreTestRecord({
    plan,
    testId: run.testId,
    database,
    identifier: restore?.cluster ?? restore?.instance ?? restoreIdentifier(run.testId, database.id),
    region: run.region,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    restorePointTime: restore?.restorePointTime,
    requestedAt: restore?.requestedAt,
    availableAt: restore?.availableAt,
    validation: input.validation,
    failure: input.error ? { error: input.error.Error, cause: causeMessage(input.error.Cause) } : undefined,
    cleanedUpAt: input.cleanup?.cleanedUpAt,
    recordedAt: deps.clock.now().toISOString(),
  });
  await deps.ledger.putRestoreTest(record);
  deps.metrics.record(record);
  await deps.events.publish(
    record.passed ? RESTORE_TEST_DETAIL_TYPES.passed : RESTORE_TEST_DETAIL_TYPES.failed,
    record,
  );
  deps.log.info('restore test recorded', { database: database.id, passed: record.passed });
  return record;
};

/** A Lambda error's Cause is a JSON string with errorMessage; keep the message only (no stack trace). */
const causeMessage = (cause: string | undefined): string => {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};
