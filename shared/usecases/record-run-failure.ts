import { topologyAfterFailback } from '../domain/failback';
import { FENCE_RETRY_MINUTES } from '../domain/fence';
import { failedPhase, failedPhaseTiming, phasesBeforeFailure } from '../domain/phases';
import type { EventsPort, LedgerPort, MetricsPort, WorkflowPort } from '../domain/ports';
import {
  DETAIL_TYPES,
  MODES,
  type Mode,
  type PhaseChangedDetail,
  type RecoveryFailedDetail,
  type RunContext,
  type RunRecord,
  type Trigger,
} from '../domain/run';
import { currentTopology, topologyAfterFailover } from '../domain/topology';
import type { PlanRegistry } from '../plan/registry';
import type { Plan } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/** The part of a "Step Functions Execution Status Change" event the failure handler reads. */
export interface ExecutionStopped {
  executionArn: string;
  name: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** The execution input, as the JSON string Step Functions sends. */
  input?: string | null;
  error?: string | null;
  cause?: string | null;
  /** Epoch milliseconds. */
  startDate?: number | null;
  stopDate?: number | null;
  /** What DescribeExecution said of a redrive, when the caller already asked (then it is not asked again). */
  redriveStatus?: string;
  redriveStatusReason?: string;
}

export type RunFailureResult =
  | { status: 'recorded'; incidentId: string; phase: string }
  | { status: 'duplicate'; incidentId: string }
  | { status: 'ignored'; reason: string };

export interface RecordRunFailureDeps {
  plans: PlanRegistry;
  /**
   * Asks Step Functions whether the execution can be redriven (DescribeExecution's redriveStatus): a run past its
   * history quota, say, cannot. Without it, or when it cannot say, the redrive is offered unless the error alone rules
   * it out.
   */
  executions?: Pick<WorkflowPort, 'getExecutionStatus'>;
  ledger: Pick<LedgerPort, 'getRun' | 'putRun' | 'releaseLock' | 'getAlarmIncident'>;
  /**
   * Where a failover or failback that failed in verify is recorded as it stands (recordMoveThatHappened): the ledger of
   * on-run-failed, and of every runbook's Assess that settles an orphaned lock (shared/usecases/orphaned-lock.ts).
   * Without it the topology is left as it was.
   */
  topology?: Pick<LedgerPort, 'getTopology' | 'putTopology'>;
  metrics: MetricsPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/** The cause goes into a DynamoDB item and a Slack message; Step Functions causes can be 32 KiB of stack. */
export const MAX_CAUSE_LENGTH = 1000;
/** A failed Standard execution can be redriven from its failed step for 14 days (RedriveExecution API). */
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
/** What a runbook records as its end: a failure after it (Release Lock) releases the lock and leaves the record be. */
const TERMINAL_OUTCOMES = new Set(['recovered', 'skipped', 'denied', 'blocked', 'deferred']);
/**
 * Failures a redrive cannot get past, and what to do instead (said in the record's "Recovery Failed" and on Slack).
 * Redriving cannot fix an input that does not validate: a new run with a corrected input can. Nor a state output over
 * Step Functions' 256 KiB payload quota (States.DataLimitExceeded): a redrive reruns the state that made it.
 */
const NOT_REDRIVABLE = new Map([
  [
    'ExecutionNotFound',
    'Step Functions no longer knows the execution (an orphaned lock settled by a later run): start a new run',
  ],
  ['InvalidRunInput', 'a redrive reruns the same input: start a new run with the input corrected'],
  ['InvalidRunInputError', 'a redrive reruns the same input: start a new run with the input corrected'],
  ['PlanNotFoundError', 'a redrive reruns the same input: start a new run naming a deployed plan'],
  [
    'States.DataLimitExceeded',
    "a redrive reruns the state whose output was over Step Functions' 256 KiB payload quota: start a new run once the cause is fixed",
  ],
  [
    'FailbackStoppedBeforeChanges',
    'the failback changed no database and lifted its write pause (a redrive would go on without the pause): start the failback again once the cause is fixed',
  ],
]);

/**
 * Why Step Functions would refuse a redrive of the execution, in what to do instead; undefined when it would take one
 * or cannot say (the redrive is then offered: the command fails harmlessly if Step Functions refuses it after all).
 */
const refusedRedrive = async (
  detail: ExecutionStopped,
  deps: Pick<RecordRunFailureDeps, 'executions' | 'log'>,
): Promise<string | undefined> => {
  let status: Pick<ExecutionStopped, 'redriveStatus' | 'redriveStatusReason'> | undefined = detail.redriveStatus
    ? detail
    : undefined;
  if (!status && deps.executions) {
    try {
      status = await deps.executions.getExecutionStatus(detail.executionArn);
    } catch (error) {
      deps.log.warn('redrive status unreadable: redrive offered', { errorName: (error as Error).name });
    }
  }
  if (status?.redriveStatus !== 'NOT_REDRIVABLE') return undefined;
  return `Step Functions will not redrive it (${status.redriveStatusReason ?? 'no reason given'}): start a new run once the cause is fixed`;
};

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The execution input, as the object a runbook takes, or undefined when it is not one. */
export const parseInput = (input: string | null | undefined): Record<string, unknown> | undefined => {
  if (!input) return undefined;
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value.length > 0 ? value : fallback;

/**
 * A run context for a run that failed before Assess recorded one (a bad input): best effort from the input. An
 * alarm trigger is believed only for an incident the alarm intake opened (its impact time from that record).
 */
const contextFromInput = async (
  plan: Plan,
  raw: Record<string, unknown>,
  incidentId: string,
  detail: ExecutionStopped,
  fallbackAt: string,
  ledger: Pick<LedgerPort, 'getAlarmIncident'>,
): Promise<RunContext> => {
  const startedAt = detail.startDate ? new Date(detail.startDate).toISOString() : fallbackAt;
  const mode: Mode = MODES.includes(raw.mode as Mode) ? (raw.mode as Mode) : 'live';
  const opened = incidentId === detail.name ? await ledger.getAlarmIncident(incidentId) : undefined;
  const trigger: Trigger =
    opened && opened.plan === plan.app
      ? { type: 'alarm', alarmName: opened.alarmName, impactStartedAt: opened.impactStartedAt }
      : { type: 'manual' };
  return {
    incidentId,
    plan: plan.app,
    action: 'failover',
    mode,
    reason: text(raw.reason, '(no valid reason given)'),
    requestedBy: text(raw.requestedBy, '(unknown)'),
    trigger,
    regions: { ...plan.regions },
    impactStartedAt: trigger.type === 'alarm' ? trigger.impactStartedAt : startedAt,
    startedAt,
    executionArn: detail.executionArn,
    epoch: 0,
  };
};

/**
 * A failover or failback that failed in verify had made every change it makes: each database was promoted (the state
 * machine reaches the DNS switch only once every database writes in the region it moves to) and the records switched
 * (Verify comes after the change is INSYNC). The topology is recorded as it stands, as Record Recovery or Record
 * Failback would have recorded it: the region the run moved to serves, each promoted copy writes, each old writer
 * waits to be fenced (an Aurora one of a failback stands by, as the switchover left it). Without it the ledger would
 * still say the other region serves, and the fence retry would never fence the old writers, which take writes again
 * when their region returns. A topology already recorded so is left as it is (a redrive that fails in verify again),
 * and a redrive's Record step records the same one. Returns what the record says of it, or undefined when the run
 * is of neither kind or failed before verify.
 */
const recordMoveThatHappened = async (
  plan: Plan,
  run: RunContext,
  phase: string,
  endedAt: string,
  deps: Pick<RecordRunFailureDeps, 'topology' | 'log'>,
): Promise<string | undefined> => {
  const ledger = deps.topology;
  const moves = run.action === 'failover' || run.action === 'failback';
  if (!ledger || !moves || phase !== 'verify' || run.mode === 'dry-run') return undefined;
  const before = currentTopology(plan, await ledger.getTopology(plan.app));
  const change = { at: endedAt, incidentId: run.incidentId };
  const [toRegion, fromRegion] =
    run.action === 'failover' ? [run.regions.standby, run.regions.primary] : [run.regions.primary, run.regions.standby];
  if (before.activeRegion !== toRegion) {
    await ledger.putTopology(
      plan.app,
      run.action === 'failover'
        ? topologyAfterFailover(before, { toRegion, ...change })
        : topologyAfterFailback(
            before,
            toRegion,
            before.databases.map((db) => ({ databaseId: db.id })),
            change,
          ),
    );
    deps.log.info(`${run.action} recorded in the topology before its verification`, { toRegion });
  }
  const moved =
    run.action === 'failover' ? 'the databases were promoted and DNS switched' : 'the databases and DNS moved back';
  const old = run.action === 'failover' ? 'old primaries' : 'old writers';
  return (
    `${moved} before verify failed: the topology records ${toRegion} serving, ` +
    `and the fence retry fences the ${old} in ${fromRegion} within ${FENCE_RETRY_MINUTES} minutes`
  );
};

/**
 * What a failover or failback that failed in DNS after its promote phase leaves, said in its record's warnings (and
 * so on Slack) for the person who redrives it: every database moved (Flip DNS runs only once every promotion is done),
 * the switch not finished. The topology is left as it was (the redrive's Record step records the move), so nothing
 * fences the old region meanwhile. A DNS failure before any promotion (Check DNS Switch) moved nothing: no warning.
 */
const movedWithoutDns = (
  run: RunContext,
  phase: string,
  marks: readonly { phase: string }[] | undefined,
): string | undefined => {
  const promoted = marks?.some((mark) => mark.phase === 'promote') ?? false;
  if (phase !== 'dns' || !promoted || run.mode === 'dry-run') return undefined;
  const { primary, standby } = run.regions;
  if (run.action === 'failover') {
    return (
      `the databases were promoted in ${standby} but the DNS switch failed: what it did not switch still answers ` +
      `${primary}. Redrive to finish it: until then no fence runs, and writes that reach ${primary}'s old primaries ` +
      'when it answers again are not in the promoted databases'
    );
  }
  if (run.action === 'failback') {
    return (
      `the databases were moved back to ${primary} but the DNS switch failed: what it did not switch still answers ` +
      `${standby}, where writes stay paused. Redrive to finish it`
    );
  }
  return undefined;
};

/**
 * Records a failover execution that failed, timed out or was aborted. Terminal failures are not caught in the
 * ASL, so that the execution stays redrivable from its failed step; this is where they are recorded: the run is
 * marked failed with the phase and error, the lock released, and "Recovery Failed" says how to redrive.
 *
 * Idempotent: a redelivered event for a failure already recorded changes nothing. The run record is written last,
 * so a handler that crashed half-way is completed by the retry.
 */
export const recordRunFailure = async (
  detail: ExecutionStopped,
  eventTime: string,
  deps: RecordRunFailureDeps,
): Promise<RunFailureResult> => {
  const { plans, ledger, metrics, events, clock, log } = deps;
  const input = parseInput(detail.input);
  if (!input || typeof input.plan !== 'string') {
    log.warn('failed execution has no readable input', { executionArn: detail.executionArn });
    return { status: 'ignored', reason: 'the execution input is not a runbook input (no "plan")' };
  }
  const planName = input.plan;
  if (!plans.names.includes(planName)) {
    log.warn('failed execution names no known plan', { executionArn: detail.executionArn, plan: planName });
    return { status: 'ignored', reason: `no plan named "${planName}" (known: ${plans.names.join(', ') || 'none'})` };
  }
  const plan = plans.get(planName);
  const incidentId = typeof input.incidentId === 'string' ? input.incidentId : detail.name;
  const endedAt = detail.stopDate ? new Date(detail.stopDate).toISOString() : eventTime;

  // Always safe: releasing a lock this incident's execution does not hold is a no-op. Bound to the execution, so
  // that a second execution reusing a running incident's id cannot free that incident's lock by failing.
  await ledger.releaseLock(plan.app, { incidentId, executionArn: detail.executionArn });
  const existing = await ledger.getRun(plan.app, incidentId);
  const error =
    detail.error ||
    (detail.status === 'TIMED_OUT'
      ? 'States.Timeout'
      : detail.status === 'ABORTED'
        ? 'ExecutionAborted'
        : 'UnknownError');
  if (existing && TERMINAL_OUTCOMES.has(existing.outcome)) {
    // The run was recorded (a step after Record failed, e.g. Release Lock): the lock is now released, and the
    // record of what happened must stand.
    log.warn('execution failed after its outcome was recorded', { outcome: existing.outcome, error });
    return { status: 'ignored', reason: `run already recorded as ${existing.outcome}; lock released` };
  }
  if (existing?.outcome === 'failed' && existing.endedAt === endedAt && existing.failure?.error === error) {
    log.info('failure already recorded', { incidentId });
    return { status: 'duplicate', incidentId };
  }

  // A record another execution wrote (a second execution reusing this incident's id) is not this run's.
  const own = existing && existing.run.executionArn === detail.executionArn ? existing : undefined;
  if (existing && !own) {
    log.warn('failed execution reuses an incident id of another execution', {
      incidentId,
      recordedExecution: existing.run.executionArn,
    });
    return { status: 'ignored', reason: `incident ${incidentId} belongs to execution ${existing.run.executionArn}` };
  }
  const phase = failedPhase(error, own?.phaseReached);
  const run = own?.run ?? (await contextFromInput(plan, input, incidentId, detail, clock.now().toISOString(), ledger));
  const moved = await recordMoveThatHappened(plan, run, phase, endedAt, deps);
  // Once each, however often the run failed there (a redrive that fails again).
  const told = [moved, movedWithoutDns(run, phase, own?.phaseStarts)].filter(
    (warning): warning is string => warning !== undefined && !own?.warnings.includes(warning),
  );
  // The actions are those the steps appended to the record as they made them (ledger.appendActions).
  const record: RunRecord = {
    ...(own ?? { run, phases: [], actions: [], warnings: [] }),
    run,
    // The phases it went through (promote and DNS before a failure in verify), from the marks of its steps.
    phases: phasesBeforeFailure(own?.phases ?? [], run, own?.phaseStarts, phase),
    outcome: 'failed',
    ...(told.length > 0 ? { warnings: [...(own?.warnings ?? []), ...told] } : {}),
    failure: {
      phase,
      error,
      cause: truncate(detail.cause ?? '', MAX_CAUSE_LENGTH),
      ...failedPhaseTiming(phase, own, run, endedAt),
    },
    endedAt,
  };
  const notRedrivable = NOT_REDRIVABLE.get(error) ?? (await refusedRedrive(detail, deps));
  const failed: RecoveryFailedDetail = notRedrivable
    ? { ...record, notRedrivable }
    : {
        ...record,
        redrive: {
          executionArn: detail.executionArn,
          command: `aws stepfunctions redrive-execution --execution-arn ${detail.executionArn}`,
          until: new Date(new Date(endedAt).getTime() + REDRIVE_WINDOW_MS).toISOString(),
        },
      };

  const changed: PhaseChangedDetail = { run, phase, status: 'failed', at: endedAt, facts: [error] };
  await events.publish(DETAIL_TYPES.phaseChanged, changed);
  await events.publish(DETAIL_TYPES.recoveryFailed, failed);
  metrics.recordRun(record);
  await ledger.putRun(record);
  log.error('run failed', { phase, error, status: detail.status });
  return { status: 'recorded', incidentId, phase };
};
