import { decide } from '../domain/decision';
import type { EventsPort, LedgerPort, RdsPort, ReplicaLagPort } from '../domain/ports';
import { buildRunRecord } from '../domain/recovery';
import {
  type Assessment,
  type DatabaseAssessment,
  DETAIL_TYPES,
  type PhaseChangedDetail,
  type RunContext,
  type RunInput,
  runInputSchema,
  type Trigger,
} from '../domain/run';
import { InvalidRunInputError, LockHeldError } from '../errors';
import { type PlanRegistry, toFieldIssues } from '../plan/load';
import type { AuroraGlobal, Database, Plan, RdsReadReplica } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/** What the "Assess Failover" task receives: the execution input as given, and the execution's identity. */
export interface AssessEvent {
  input: unknown;
  execution: { arn: string; name: string; startTime?: string };
}

export interface AssessResult {
  run: RunContext;
  assessment: Assessment;
}

export interface AssessFailoverDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'acquireLock' | 'getPlanState' | 'putRun' | 'getRun' | 'getAlarmIncident'>;
  rds: Pick<RdsPort, 'describeInstance' | 'describeCluster' | 'describeGlobalCluster' | 'latestReplicatedBackup'>;
  replicaLag: ReplicaLagPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/** Validates a runbook input; every problem is named by its field, e.g. `mode: expected one of: live, …`. */
export const parseRunInput = (input: unknown): RunInput => {
  const result = runInputSchema.safeParse(input);
  if (!result.success) throw new InvalidRunInputError(toFieldIssues(result.error, input));
  return result.data;
};

const MANUAL_HINT =
  'start a manual run with trigger.type "manual" (or no trigger), as `switchback run` does; alarm runs are ' +
  'started by the alarm intake (on-health-alarm) only';

/**
 * The run's trigger, proven. A manual trigger is what it says. An alarm trigger is a claim that Assess accepts only
 * for an incident the alarm intake opened in the ledger (a record only the intake's role may write), run by the
 * execution the intake named after it (execution names are unique per state machine for 90 days, aws-facts.md:
 * Step Functions Developer Guide), for the same plan and alarm; the impact time comes from that record.
 *
 * @throws InvalidRunInputError naming `trigger.type` when the claim is not proven
 */
export const proveTrigger = async (
  input: RunInput,
  executionName: string,
  ledger: Pick<LedgerPort, 'getAlarmIncident'>,
): Promise<Trigger> => {
  if (input.trigger.type === 'manual') return { type: 'manual' };
  const refuse = (why: string): never => {
    throw new InvalidRunInputError([
      { path: 'trigger.type', message: `"alarm" is not accepted: ${why}; ${MANUAL_HINT}` },
    ]);
  };
  const incidentId = input.incidentId ?? executionName;
  if (incidentId !== executionName) refuse(`the execution ${executionName} is not the one the alarm intake started`);
  const incident = await ledger.getAlarmIncident(incidentId);
  if (!incident) return refuse(`no alarm incident ${incidentId} was opened by the alarm intake`);
  if (incident.plan !== input.plan || incident.alarmName !== input.trigger.alarmName) {
    refuse(`alarm incident ${incidentId} is alarm ${incident.alarmName} of plan ${incident.plan}`);
  }
  return {
    type: 'alarm',
    alarmName: incident.alarmName,
    ...(incident.alarmArn ? { alarmArn: incident.alarmArn } : {}),
    ...(input.trigger.reason ? { reason: input.trigger.reason } : {}),
    impactStartedAt: incident.impactStartedAt,
  };
};

type Deps = Pick<AssessFailoverDeps, 'rds' | 'replicaLag' | 'log'>;

/**
 * Backup freshness is evidence, not a reason to stop: a failed lookup is logged and reads as "unknown", which the
 * decision turns into a warning.
 */
const replicatedBackup = async (deps: Deps, region: string, sourceArn: string | undefined, db: string) => {
  if (!sourceArn) return undefined;
  try {
    return await deps.rds.latestReplicatedBackup(region, sourceArn);
  } catch (error) {
    deps.log.warn('cross-region backup lookup failed', { database: db, errorName: (error as Error).name });
    return undefined;
  }
};

const readReplica = async (db: RdsReadReplica, deps: Deps, now: Date): Promise<DatabaseAssessment> => {
  const { region, instance } = db.replica;
  const state = await deps.rds.describeInstance(region, instance);
  if (!state) return { id: db.id, kind: db.kind, standbyStatus: 'not-found', alreadyPromoted: false, lagSeconds: null };
  // A replica without a source is a standalone instance: an earlier attempt promoted it.
  const alreadyPromoted = state.replicationSource === undefined;
  const lag = alreadyPromoted ? undefined : await deps.replicaLag.rdsReplicaLagSeconds(region, instance, now);
  // A cross-region replica names its source by ARN: the copy is looked up in the standby region by that ARN,
  // never by asking the failed primary region.
  const copy = await replicatedBackup(deps, region, state.replicationSource, db.id);
  return {
    id: db.id,
    kind: db.kind,
    standbyStatus: state.status,
    alreadyPromoted,
    lagSeconds: lag ?? null,
    ...(state.latestRestorableTime ? { latestRestorableTime: state.latestRestorableTime } : {}),
    ...(copy ? { latestCrossRegionCopy: copy } : {}),
  };
};

const readAuroraGlobal = async (db: AuroraGlobal, deps: Deps, now: Date): Promise<DatabaseAssessment> => {
  const { region, cluster } = db.secondary;
  const [global, secondary] = await Promise.all([
    deps.rds.describeGlobalCluster(region, db.globalCluster),
    deps.rds.describeCluster(region, cluster),
  ]);
  if (!secondary) {
    return { id: db.id, kind: db.kind, standbyStatus: 'not-found', alreadyPromoted: false, lagSeconds: null };
  }
  const writer = global?.members.find((member) => member.isWriter);
  const alreadyPromoted =
    writer !== undefined && (writer.clusterIdentifier === cluster || writer.clusterArn === secondary.arn);
  const lag = alreadyPromoted ? undefined : await deps.replicaLag.auroraRpoLagSeconds(region, cluster, now);
  // No backup-copy lookup: the secondary cluster is the cross-region copy of an Aurora global database.
  return {
    id: db.id,
    kind: db.kind,
    standbyStatus: secondary.status,
    alreadyPromoted,
    lagSeconds: lag ?? null,
    ...(secondary.latestRestorableTime ? { latestRestorableTime: secondary.latestRestorableTime } : {}),
  };
};

/** Reads one database's standby, from the standby region only: the live path never waits on the failed region. */
export const readDatabase = (db: Database, deps: Deps, now: Date): Promise<DatabaseAssessment> =>
  db.kind === 'rds-read-replica' ? readReplica(db, deps, now) : readAuroraGlobal(db, deps, now);

const phaseEvent = (
  events: EventsPort,
  run: RunContext,
  phase: PhaseChangedDetail['phase'],
  status: PhaseChangedDetail['status'],
  at: string,
  facts?: string[],
): Promise<void> =>
  events.publish(DETAIL_TYPES.phaseChanged, {
    run,
    phase,
    status,
    at,
    ...(facts ? { facts } : {}),
  } satisfies PhaseChangedDetail);

const detectFacts = (input: RunInput, trigger: Trigger): string[] =>
  trigger.type === 'alarm'
    ? [`alarm ${trigger.alarmName} entered ALARM`]
    : [`started by ${input.requestedBy}: ${input.reason}`];

/**
 * The "Assess Failover" step: validates the input, takes the plan's lock (its epoch fences every later step),
 * reads each standby's state, lag and backups, decides, and records the run as in progress.
 *
 * @throws InvalidRunInputError naming each bad field (an unproven alarm trigger names `trigger.type`);
 *   PlanNotFoundError; LockHeldError when another incident, or another execution of this incident, holds the plan
 *   (the ASL ends the execution as "Already Handled")
 */
export const assessFailover = async (event: AssessEvent, deps: AssessFailoverDeps): Promise<AssessResult> => {
  const { plans, ledger, events, clock, log } = deps;
  const input = parseRunInput(event.input);
  const plan: Plan = plans.get(input.plan);
  const incidentId = input.incidentId ?? event.execution.name;
  const trigger = await proveTrigger(input, event.execution.name, ledger);
  const now = clock.now();
  const startedAt = now.toISOString();

  // A dry run changes nothing, so it takes no lock: a dry run must never stand in the way of a real failover
  // that an alarm starts meanwhile. Its epoch 0 is never a real lock's (epochs start at 1).
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = input.mode === 'dry-run' ? { epoch: 0 } : await ledger.acquireLock(plan.app, owner, now);
  // An incident's record belongs to the execution that runs it: another execution reusing the id (a dry run
  // takes no lock) must not overwrite it.
  const recorded = await ledger.getRun(plan.app, incidentId);
  if (recorded && recorded.run.executionArn !== event.execution.arn) {
    throw new LockHeldError(plan.app, `${incidentId} (another execution: ${recorded.run.executionArn})`);
  }
  const [readings, planState] = await Promise.all([
    Promise.all(plan.databases.map((db) => readDatabase(db, deps, now))),
    ledger.getPlanState(plan.app),
  ]);
  const assessment = decide(plan, readings, input.mode, planState, clock.now(), trigger);

  const run: RunContext = {
    incidentId,
    plan: plan.app,
    action: input.action,
    mode: input.mode,
    reason: input.reason,
    requestedBy: input.requestedBy,
    trigger,
    regions: { ...plan.regions },
    impactStartedAt: trigger.type === 'alarm' ? trigger.impactStartedAt : startedAt,
    startedAt,
    executionArn: event.execution.arn,
    epoch: lock.epoch,
  };
  await ledger.putRun(buildRunRecord(plan, { run, assessment }, 'in-progress', assessment.decidedAt));
  log.info('failover assessed', {
    decision: assessment.decision,
    maxLagSeconds: assessment.maxLagSeconds,
    warnings: assessment.warnings.length,
    epoch: lock.epoch,
  });

  await phaseEvent(events, run, 'detect', 'succeeded', startedAt, detectFacts(input, trigger));
  await phaseEvent(events, run, 'decide', 'started', startedAt);
  if (assessment.decision === 'proceed') {
    await phaseEvent(events, run, 'decide', 'succeeded', assessment.decidedAt, assessment.reasons);
  }
  return { run, assessment };
};
