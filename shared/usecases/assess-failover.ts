import { decide } from '../domain/decision';
import type {
  DbClusterState,
  DbInstanceState,
  EventsPort,
  GlobalClusterState,
  LedgerPort,
  MetricsPort,
  RdsPort,
  ReplicaLagPort,
  Route53Port,
  WorkflowPort,
} from '../domain/ports';
import { preflight, type StandbyReading } from '../domain/preflight';
import { gateOnPreflight } from '../domain/preflight-gate';
import { recordsByReadiness, standbyHealthByReadiness } from '../domain/readiness';
import { buildRunRecord } from '../domain/recovery';
import {
  type Assessment,
  type DatabaseAssessment,
  DETAIL_TYPES,
  type PhaseChangedDetail,
  type RunContext,
  type RunInput,
  runContextSchema,
  runInputSchema,
  type Trigger,
} from '../domain/run';
import { currentTopology, lastMovedAt, planAtTopology, runDatabaseCopies } from '../domain/topology';
import { InvalidRunInputError, LockHeldError } from '../errors';
import { toFieldIssues } from '../field-issues';
import type { PlanRegistry } from '../plan/registry';
import type { AuroraGlobal, Database, Plan, RdsReadReplica } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { takeLockOrOrphan } from './orphaned-lock';
import { describeError, readPreflight, readStandby } from './read-preflight';

/** What the "Assess Failover" task receives: the execution input as given, and the execution's identity. */
export interface AssessEvent {
  input?: unknown;
  execution: { arn: string; name: string; startTime?: string };
  /**
   * Set by "Reassess Failover" after "Wait For Standby": the run as first assessed (its lock, start and trigger stay)
   * and the bound of the preflight's wait.
   */
  resume?: { run: unknown; waitUntil?: string };
}

export interface AssessResult {
  run: RunContext;
  assessment: Assessment;
}

export interface AssessFailoverDeps {
  plans: PlanRegistry;
  ledger: Pick<
    LedgerPort,
    | 'acquireLock'
    | 'assertLock'
    | 'getLock'
    | 'releaseLock'
    | 'getTopology'
    | 'putRun'
    | 'getRun'
    | 'getAlarmIncident'
    | 'listReadiness'
  >;
  /**
   * Reads a lock holder's execution: a lock whose execution ended without releasing it is settled (its run recorded,
   * as on-run-failed would) and taken (shared/usecases/orphaned-lock.ts). Without it, such a lock stays held.
   */
  executions?: Pick<WorkflowPort, 'getExecutionStatus'>;
  /**
   * Where an orphaned failover or failback that failed in verify is recorded as it stands, as on-run-failed records it
   * (recordMoveThatHappened), before this run reads the topology. Without it the topology is left as it was.
   */
  topology?: Pick<LedgerPort, 'getTopology' | 'putTopology'>;
  /** An orphaned run's record goes to the metrics, as on-run-failed's does. */
  metrics: MetricsPort;
  rds: Pick<RdsPort, 'describeInstance' | 'describeCluster' | 'describeGlobalCluster' | 'latestReplicatedBackup'>;
  route53: Pick<Route53Port, 'listRecordSets'>;
  replicaLag: ReplicaLagPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/**
 * Validates a runbook input for the runbook `action` (each state machine runs one); every problem is named by its
 * field, e.g. `mode: expected one of: live, …`.
 */
export const parseRunInput = (input: unknown, action: RunInput['action'] = 'failover'): RunInput => {
  const result = runInputSchema.safeParse(input);
  if (!result.success) throw new InvalidRunInputError(toFieldIssues(result.error, input));
  if (result.data.action !== action) {
    throw new InvalidRunInputError([
      {
        path: 'action',
        message: `this state machine runs "${action}"; start "${result.data.action}" from switchback-<stage>-${result.data.action}`,
      },
    ]);
  }
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
  if (input.trigger.type === 'automatic') {
    throw new InvalidRunInputError([
      { path: 'trigger.type', message: `"automatic" starts the fence runbook only; ${MANUAL_HINT}` },
    ]);
  }
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
  // The intake settles `started` only after StartExecution, so an unsettled claim may be this run's; `ignored` never is.
  if (incident.settled === 'ignored') {
    refuse(`the alarm intake ignored alarm incident ${incidentId} (${incident.reason ?? 'no reason recorded'})`);
  }
  return {
    type: 'alarm',
    alarmName: incident.alarmName,
    ...(incident.alarmArn ? { alarmArn: incident.alarmArn } : {}),
    ...(input.trigger.reason ? { reason: input.trigger.reason } : {}),
    impactStartedAt: incident.impactStartedAt,
    ...(incident.signals ? { signals: incident.signals } : {}),
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

const readReplica = async (
  db: RdsReadReplica,
  state: DbInstanceState | undefined,
  deps: Deps,
  now: Date,
): Promise<DatabaseAssessment> => {
  const { region, instance } = db.replica;
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

const readAuroraGlobal = async (
  db: AuroraGlobal,
  secondary: DbClusterState | undefined,
  global: GlobalClusterState | undefined,
  deps: Deps,
  now: Date,
): Promise<DatabaseAssessment> => {
  const { region, cluster } = db.secondary;
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

/**
 * Reads one database's standby, from the standby region only: the live path never waits on the failed region.
 * `standby` is what the preflight already read of it (readStandby), so each standby is described once.
 */
export const readDatabase = async (
  db: Database,
  deps: Deps,
  now: Date,
  standby?: StandbyReading,
): Promise<DatabaseAssessment> => {
  const reading = standby ?? (await readStandby(db, deps.rds));
  if (db.kind === 'rds-read-replica') {
    return readReplica(db, reading.kind === 'rds-read-replica' ? reading.instance : undefined, deps, now);
  }
  return reading.kind === 'aurora-global'
    ? readAuroraGlobal(db, reading.cluster, reading.global, deps, now)
    : readAuroraGlobal(db, undefined, undefined, deps, now);
};

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

const detectFacts = (run: RunContext): string[] =>
  run.trigger.type === 'alarm'
    ? [`alarm ${run.trigger.alarmName} entered ALARM`]
    : [`started by ${run.requestedBy}: ${run.reason}`];

/** What the plan's last readiness says of the standby's health check: a question for a person, or why it is unread. */
interface StandbyHealth {
  ask?: string | undefined;
  note?: string;
}

/** The run of a resumed assessment, as the first one made it. */
const parseResumedRun = (run: unknown): RunContext => {
  const result = runContextSchema.safeParse(run);
  if (!result.success) throw new InvalidRunInputError(toFieldIssues(result.error, run));
  return result.data;
};

/**
 * The "Assess Failover" step: validates the input, takes the plan's lock (its epoch fences every later step),
 * reads each standby's state, lag and backups, runs the preflight (shared/domain/preflight.ts) over the standbys,
 * the DNS records and other plans' runs, decides, and records the run as in progress. A failed preflight ends in
 * `block` (nothing changed) or, for a busy standby, `wait`: "Reassess Failover" calls this again with `resume`,
 * which keeps the run, its lock and its wait bound.
 *
 * @throws InvalidRunInputError naming each bad field (an unproven alarm trigger names `trigger.type`);
 *   PlanNotFoundError; LockHeldError when another incident, or another execution of this incident, holds the plan
 *   (the ASL ends the execution as "Already Handled")
 */
export const assessFailover = async (event: AssessEvent, deps: AssessFailoverDeps): Promise<AssessResult> => {
  const { plans, ledger, events, clock, log } = deps;
  const now = clock.now();
  let run: RunContext;
  let plan: Plan;
  // What was taken over to take the lock (an orphan's), for the run's warnings.
  let tookOver: string | undefined;
  if (event.resume) {
    run = parseResumedRun(event.resume.run);
    plan = plans.get(run.plan);
    // Still ours? A dry run (epoch 0) holds no lock.
    const owner = { incidentId: run.incidentId, executionArn: event.execution.arn };
    if (run.epoch > 0) await ledger.assertLock(plan.app, owner, run.epoch, now);
  } else {
    const input = parseRunInput(event.input);
    plan = plans.get(input.plan);
    const incidentId = input.incidentId ?? event.execution.name;
    const trigger = await proveTrigger(input, event.execution.name, ledger);
    const startedAt = now.toISOString();
    // A dry run changes nothing, so it takes no lock: a dry run must never stand in the way of a real failover
    // that an alarm starts meanwhile. Its epoch 0 is never a real lock's (epochs start at 1).
    const owner = { incidentId, executionArn: event.execution.arn };
    const taken =
      input.mode === 'dry-run'
        ? { lock: { epoch: 0 }, tookOver: undefined }
        : await takeLockOrOrphan(plan.app, owner, now, deps);
    const lock = taken.lock;
    tookOver = taken.tookOver;
    // An incident's record belongs to the execution that runs it: another execution reusing the id (a dry run
    // takes no lock) must not overwrite it.
    const recorded = await ledger.getRun(plan.app, incidentId);
    if (recorded && recorded.run.executionArn !== event.execution.arn) {
      throw new LockHeldError(plan.app, `${incidentId} (another execution: ${recorded.run.executionArn})`);
    }
    run = {
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
  }

  // The topology, not the file, names the copies: after a game day the RDS writer and standby are the replicas
  // reprotect made. The run carries them so that every later step (and a resumed assessment) names the same ones.
  const topology = currentTopology(plan, await ledger.getTopology(plan.app));
  run = { ...run, databases: run.databases ?? runDatabaseCopies(topology) };
  plan = planAtTopology(plan, run.databases);
  const standbys = await Promise.all(plan.databases.map((db) => readStandby(db, deps.rds)));
  // A readiness from before the last failover or failback is not current: the records had other roles then.
  const movedAt = lastMovedAt(topology);
  const [readings, preflightReadings, standbyHealth] = await Promise.all([
    Promise.all(plan.databases.map((db, index) => readDatabase(db, deps, now, standbys[index]))),
    readPreflight(
      plan,
      {
        plans,
        rds: deps.rds,
        route53: deps.route53,
        ledger,
        recordsOfReadiness: async (of) => {
          const [last] = await ledger.listReadiness(of.app, 1);
          const { findings, note } = recordsByReadiness(of, last, now, movedAt);
          return { recordsNotRead: note, ...(findings.length > 0 ? { recordFindings: findings } : {}) };
        },
      },
      standbys,
      { live: true },
    ),
    // Readiness reads a route53-records plan's standby health check (Route 53's API, us-east-1, which the live path
    // never calls): what it found last, when current, is a question for a person (standbyHealthByReadiness). An
    // advisory read: when the ledger does not answer it, the run goes on and says so.
    plan.dnsSwitch.method === 'route53-records'
      ? ledger.listReadiness(plan.app, 1).then(
          ([last]): StandbyHealth => ({ ask: standbyHealthByReadiness(plan, last, now, movedAt) }),
          (error: unknown): StandbyHealth => ({
            note: `the plan's last readiness could not be read (${describeError(error)}): the standby's health check was not weighed`,
          }),
        )
      : ({} as StandbyHealth),
  ]);
  const asks = standbyHealth.ask === undefined ? [] : [standbyHealth.ask];
  const undecided = decide(plan, readings, run.mode, topology, clock.now(), run.trigger, asks);
  const noted = [preflightReadings.recordsNotRead, tookOver, standbyHealth.note].filter(
    (text): text is string => text !== undefined,
  );
  const decided = noted.length > 0 ? { ...undecided, warnings: [...undecided.warnings, ...noted] } : undecided;
  // A manual run switches Aurora over (promote-database), which needs matching engine versions.
  const findings = preflight(plan, preflightReadings, { switchover: run.trigger.type === 'manual' });
  const assessment = gateOnPreflight(plan, decided, findings, run.mode, clock.now(), event.resume?.waitUntil);

  await ledger.putRun(buildRunRecord(plan, { run, assessment }, 'in-progress', assessment.decidedAt));
  log.info('failover assessed', {
    decision: assessment.decision,
    maxLagSeconds: assessment.maxLagSeconds,
    warnings: assessment.warnings.length,
    findings: findings.map((finding) => `${finding.check} ${finding.resource}`),
    epoch: run.epoch,
  });

  if (!event.resume) {
    await phaseEvent(events, run, 'detect', 'succeeded', run.startedAt, detectFacts(run));
    await phaseEvent(events, run, 'decide', 'started', run.startedAt);
  }
  if (assessment.decision === 'proceed') {
    await phaseEvent(events, run, 'decide', 'succeeded', assessment.decidedAt, assessment.reasons);
  }
  return { run, assessment };
};
