import type { RestoreTestLedgerPort } from '../../aws/restore-test-ledger';
import type { EventsPort } from '../../domain/ports';
import {
  buildRestoreTestRecord,
  databasesToTest,
  type RestoreTestRecord,
  restoreIdentifier,
  restoreTestDeadline,
  restoreTestSettings,
} from '../../domain/restore-test';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { RESTORE_TEST_DETAIL_TYPES } from './record-restore-test';

/** The part of a restore test's "Step Functions Execution Status Change" event this reads. */
export interface RestoreTestStopped {
  executionArn: string;
  /** The execution's name: the test id. */
  name: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  error?: string | null;
  cause?: string | null;
  /** Epoch milliseconds: the test's start (Plan Restore Tests keys its records on it). */
  startDate?: number | null;
}

export type UnfinishedTestResult =
  | { status: 'recorded'; testId: string; databases: string[] }
  | { status: 'ignored'; reason: string };

export interface RecordUnfinishedTestDeps {
  plans: PlanRegistry;
  ledger: Pick<RestoreTestLedgerPort, 'putRestoreTestIfAbsent'>;
  metrics: { record(record: RestoreTestRecord): void };
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/** Step Functions causes can be 32 KiB of stack; the record and the Slack message keep the start of it. */
const MAX_CAUSE_LENGTH = 500;

const endedHow = { FAILED: 'failed', TIMED_OUT: 'timed out', ABORTED: 'was stopped' } as const;

/**
 * A restore test whose execution ended before every database's test was recorded: it failed where no Catch reaches
 * (a cleanup or a record that failed after its retries, a quota), timed out, or a person stopped it. Each database
 * of the test without a record gets one, failed, saying how the test ended and that its throwaway, if one was made,
 * is left for a later test's sweep (which deletes it once past the test's deadline): readiness then counts it a failed
 * test, and "Restore Test Failed" reaches Slack, instead of the test leaving no trace.
 *
 * A database whose record its own step wrote keeps it (the write is conditional), so a redelivered event, or a record
 * step that finishes after the execution ended, changes nothing.
 */
export const recordUnfinishedRestoreTest = async (
  detail: RestoreTestStopped,
  input: Record<string, unknown>,
  eventTime: string,
  deps: RecordUnfinishedTestDeps,
): Promise<UnfinishedTestResult> => {
  const { plans, ledger, metrics, events, clock, log } = deps;
  const planName = input.plan;
  if (typeof planName !== 'string' || !plans.names.includes(planName)) {
    return { status: 'ignored', reason: `no plan named "${String(planName)}": the test's input was refused` };
  }
  if (detail.error === 'InvalidRunInput') {
    return { status: 'ignored', reason: "the test's input was refused (InvalidRunInput): no database was tested" };
  }
  const plan = plans.get(planName);
  let databases: ReturnType<typeof databasesToTest>;
  let settings: ReturnType<typeof restoreTestSettings>;
  try {
    settings = restoreTestSettings(plan);
    databases = databasesToTest(plan, typeof input.database === 'string' ? input.database : undefined);
  } catch (error) {
    return { status: 'ignored', reason: (error as Error).message };
  }
  const testId = detail.name;
  const startedAt = detail.startDate ? new Date(detail.startDate).toISOString() : eventTime;
  const deadline = restoreTestDeadline(startedAt, settings);
  const error = detail.error || (detail.status === 'TIMED_OUT' ? 'States.Timeout' : 'ExecutionAborted');
  const why = detail.cause ? `: ${detail.cause.slice(0, MAX_CAUSE_LENGTH)}` : '';
  const recorded: string[] = [];
  for (const database of databases) {
    const identifier = restoreIdentifier(testId, database.id);
    const record = buildRestoreTestRecord({
      plan,
      testId,
      database,
      identifier,
      region: plan.regions.standby,
      requestedBy: typeof input.requestedBy === 'string' && input.requestedBy ? input.requestedBy : 'schedule',
      startedAt,
      failure: {
        error,
        cause:
          `the test ${endedHow[detail.status]} before ${database.id}'s test was recorded${why}; its throwaway ` +
          `${identifier}, if one was made, is deleted by a later test's sweep once past ${deadline}`,
      },
      recordedAt: clock.now().toISOString(),
    });
    if (!(await ledger.putRestoreTestIfAbsent(record))) continue;
    metrics.record(record);
    await events.publish(RESTORE_TEST_DETAIL_TYPES.failed, record);
    recorded.push(database.id);
  }
  log.error('restore test ended before its records', { testId, status: detail.status, error, recorded });
  return { status: 'recorded', testId, databases: recorded };
};
