import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import type { RecordSetReading } from './preflight';
import type { ProbeResult } from './prober';
import type { SignalState } from './quorum';
import type { PlanReadiness } from './readiness';
import type { ActionRecord, AlarmIncident, PhaseName, RunContext, RunRecord } from './run';
import type { Topology } from './topology';

/**
 * What use cases touch, as interfaces. Adapters in shared/aws implement them over the AWS SDK; unit tests pass
 * fakes. Owners: the "control" ports (ledger, events, metrics, workflow, replicaLag) and the "resources" ports
 * (rds, route53) may grow methods as use cases need them; keep each method one AWS call or one small sequence.
 */

/** An RDS DB instance as the failover sees it. */
export interface DbInstanceState {
  identifier: string;
  arn?: string;
  /** RDS DBInstanceStatus: available, backing-up, modifying, rebooting, promoting (not an RDS status; see adapter), … */
  status: string;
  /** The instance this one replicates from, when it is a read replica. */
  replicationSource?: string;
  backupRetentionPeriod: number;
  latestRestorableTime?: string;
}

/** An Aurora global cluster and its members. */
export interface GlobalClusterState {
  identifier: string;
  status: string;
  engineVersion?: string;
  members: {
    clusterArn: string;
    clusterIdentifier: string;
    region: string;
    isWriter: boolean;
    /** connected, or pending-resync while the member's region is away (DescribeGlobalClusters). */
    synchronizationStatus?: string;
  }[];
  /** Set while a failover or switchover is under way. */
  failoverState?: { status: string; fromClusterArn?: string; toClusterArn?: string; isDataLossAllowed?: boolean };
}

export interface DbClusterState {
  identifier: string;
  arn: string;
  status: string;
  /** The global cluster it is a member of (DBCluster.GlobalClusterIdentifier); absent: a standalone cluster. */
  globalCluster?: string;
  engineVersion?: string;
  backupRetentionPeriod: number;
  latestRestorableTime?: string;
}

export interface RdsPort {
  describeInstance(region: string, identifier: string): Promise<DbInstanceState | undefined>;
  promoteReadReplica(region: string, identifier: string, backupRetentionPeriod: number): Promise<void>;
  /** StopDBInstance: the instance stops taking connections (RDS starts it again by itself after 7 days). */
  stopInstance(region: string, identifier: string): Promise<void>;
  describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined>;
  describeCluster(region: string, identifier: string): Promise<DbClusterState | undefined>;
  failoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void>;
  switchoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void>;
  /** Newest restorable time of backups replicated into `region` from the source instance/cluster ARN, if any. */
  latestReplicatedBackup(region: string, sourceArn: string): Promise<string | undefined>;
}

/** The reads of RdsPort: what the steps that change no database need. */
export type RdsReadPort = Pick<
  RdsPort,
  'describeInstance' | 'describeGlobalCluster' | 'describeCluster' | 'latestReplicatedBackup'
>;

export interface FailoverRecordSet {
  name: string;
  type: string;
  setIdentifier: string;
  failover: 'PRIMARY' | 'SECONDARY';
  /** Everything else of the record (TTL, values, alias target, health check id), kept as is on UPSERT. */
  rest: Record<string, unknown>;
}

export interface Route53Port {
  listFailoverRecords(hostedZoneId: string, name: string, type: string): Promise<FailoverRecordSet[]>;
  /** Every record of that name and type, whatever its routing policy (the preflight's reading). */
  listRecordSets(hostedZoneId: string, name: string, type: string): Promise<RecordSetReading[]>;
  /** One change batch; returns the change id. */
  upsertRecords(hostedZoneId: string, records: FailoverRecordSet[], comment: string): Promise<string>;
  getChangeStatus(changeId: string): Promise<'PENDING' | 'INSYNC'>;
}

/** A Route 53 health check's `Inverted` setting and version. */
export interface HealthCheckInversion {
  inverted: boolean;
  version: number;
}

/**
 * What DNS answers: the hosted zone's own (authoritative) name servers, asked directly, as Route 53's DNS data plane
 * answers users, with no call to Route 53's API (us-east-1) and no resolver's cache in between.
 */
export interface DnsAnswerPort {
  /**
   * The values the name servers of `name`'s zone answer for `name` and `type` (A, AAAA or CNAME, the types whose
   * answers are compared): addresses, or the target name. Empty when they answer that no such record exists.
   * Throws when no name server answers (timeouts, refusals, no delegation found).
   */
  answer(name: string, type: string): Promise<string[]>;
}

/** The reads of Route53Port: what the steps that change no record need. */
export type Route53ReadPort = Pick<Route53Port, 'listFailoverRecords' | 'listRecordSets' | 'getChangeStatus'>;

/** Route 53 health checks' `Inverted` (the `health-check-inverted` record fence): Route 53's API, us-east-1. */
export interface HealthCheckPort {
  /** Undefined when the health check does not exist. */
  getInversion(id: string): Promise<HealthCheckInversion | undefined>;
  setInverted(id: string, inverted: boolean, version: number): Promise<void>;
}

/** One regional data-plane endpoint of a Route 53 ARC cluster. */
export interface ClusterEndpoint {
  region: string;
  url: string;
}

export type RoutingControlState = 'On' | 'Off';

/** Route 53 ARC routing controls, on a cluster's regional endpoints (the data plane). */
export interface RoutingControlPort {
  /**
   * Sets every state in one request (the cluster's safety rules judge the whole batch), on the first endpoint that
   * answers, trying `endpoints` in order. Returns the region of the endpoint that made the change.
   */
  updateStates(
    endpoints: readonly ClusterEndpoint[],
    states: readonly { arn: string; state: RoutingControlState }[],
  ): Promise<{ region: string }>;
  /** Reads each routing control's state, from the first endpoint that answers, trying `endpoints` in order. */
  getStates(
    endpoints: readonly ClusterEndpoint[],
    arns: readonly string[],
  ): Promise<{ region: string; states: Record<string, RoutingControlState> }>;
}

export type SwitchAlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * The DNS switch of `alarm-health-check` plans, in the standby region's CloudWatch (a data-plane write and a read):
 * the metric Switchback publishes, and the alarm that a Route 53 health check watches.
 */
export interface SwitchAlarmPort {
  /** Publishes the plan's PrimaryOut datapoint now: 1 (primary out: fail over) or 0 (primary in: fail back). */
  publish(region: string, plan: string, primaryOut: boolean): Promise<void>;
  /** The alarm's state and when it took it (ISO time); undefined when no such alarm exists in `region`. */
  state(region: string, alarmName: string): Promise<{ value: SwitchAlarmState; since: string } | undefined>;
}

export interface ReplicaLagPort {
  /**
   * Newest ReplicaLag (seconds) of an RDS replica; undefined when no datapoint in the window. With `since`, only a
   * datapoint of a minute that began at or after it counts (what a failback reads after pausing writes).
   */
  rdsReplicaLagSeconds(region: string, replicaIdentifier: string, at: Date, since?: Date): Promise<number | undefined>;
  /** Newest AuroraGlobalDBRPOLag (converted to seconds) of a secondary cluster. */
  auroraRpoLagSeconds(region: string, secondaryClusterIdentifier: string, at: Date): Promise<number | undefined>;
}

/**
 * Who holds a plan's lock: one incident run by one execution. A second execution that reuses the incident id
 * (a hand-written input, a second StartExecution under another name) is another owner and is refused.
 */
export interface LockOwner {
  incidentId: string;
  executionArn: string;
}

export interface LockState {
  holder: string;
  /** The execution holding the lock for `holder`. */
  execution: string;
  epoch: number;
  acquiredAt: string;
}

export interface LedgerPort {
  /** Takes the plan's lock for an owner; "already mine" returns the same epoch. Throws LockHeldError. */
  acquireLock(plan: string, owner: LockOwner, now: Date): Promise<LockState>;
  /** Checks the owner still holds the lock at this epoch (fencing); re-takes it if free. Throws LockHeldError. */
  assertLock(plan: string, owner: LockOwner, epoch: number, now: Date): Promise<void>;
  /** Releases if held by the owner; releasing a lock one does not hold is a no-op. */
  releaseLock(plan: string, owner: LockOwner): Promise<void>;
  /**
   * Opens an alarm incident (the alarm intake only). Idempotent: a redelivered alarm finds the record of its first
   * delivery and keeps it.
   */
  openAlarmIncident(incident: AlarmIncident): Promise<void>;
  /**
   * Claims an alarm's state change (the alarm intake only): false when an earlier delivery claimed or settled it.
   * An unsettled claim opened before `staleBefore` is taken over (its delivery died before it settled).
   */
  claimAlarmIncident(incident: AlarmIncident, staleBefore: Date): Promise<boolean>;
  /** Records how the intake settled a claimed state change (`settled`); a settled claim is never taken over. */
  settleAlarmIncident(incident: AlarmIncident): Promise<void>;
  /**
   * Makes `incidentId` (its alarm changed to ALARM at `changedAt`) the plan's current alarm incident, unless another
   * incident began after `coolDownStart`: false then (a flap within the cool-down).
   */
  claimPlanIncident(plan: string, incidentId: string, changedAt: Date, coolDownStart: Date): Promise<boolean>;
  /**
   * Records a trigger signal's state change for the plan (the alarm intake only, plans with a quorum) and returns
   * every signal's recorded state; undefined when a newer change of that signal was recorded already.
   */
  recordSignal(plan: string, signal: SignalState): Promise<SignalState[] | undefined>;
  /** The alarm incident the intake opened, if any. */
  getAlarmIncident(incidentId: string): Promise<AlarmIncident | undefined>;
  /**
   * Adds mutating calls a step made to the run's record as they happen, so that a run that fails later still
   * records them. Best effort for the caller: the AWS change was made either way.
   */
  appendActions(plan: string, incidentId: string, actions: ActionRecord[]): Promise<void>;
  /** Marks the phase a run has reached, so that a failure with an error that names no phase is placed. */
  markPhase(plan: string, incidentId: string, phase: PhaseName, at: string): Promise<void>;
  /** The plan's topology as last recorded; undefined when no runbook changed it (the plan file's holds). */
  getTopology(plan: string): Promise<Topology | undefined>;
  /** Who holds the plan's lock now; undefined when nobody does. */
  getLock(plan: string): Promise<LockState | undefined>;
  /** Records the plan's topology; only the holder of the plan's lock changes it. */
  putTopology(plan: string, topology: Topology): Promise<void>;
  putRun(record: RunRecord): Promise<void>;
  getRun(plan: string, incidentId: string): Promise<RunRecord | undefined>;
  listRuns(plan: string, limit: number): Promise<RunRecord[]>;
  /** Keeps one readiness run of a plan (time-ordered per plan). */
  putReadiness(readiness: PlanReadiness): Promise<void>;
  /** A plan's readiness runs, newest first. */
  listReadiness(plan: string, limit: number): Promise<PlanReadiness[]>;
  putApprovalToken(incidentId: string, plan: string, taskToken: string, requestedAt: string): Promise<void>;
  getApprovalToken(incidentId: string): Promise<{ plan: string; taskToken: string; requestedAt: string } | undefined>;
  /**
   * Merges the Slack notifier's state of an incident: sets `channel`/`ts` when given and adds `sentKeys` and
   * `events` (never removed, so a stale copy cannot undo a concurrent claim). Returns the whole state after the
   * merge, in the same write: the notifier needs no read before it.
   */
  putNotificationState(incidentId: string, state: NotificationState): Promise<NotificationState>;
  getNotificationState(incidentId: string): Promise<NotificationState | undefined>;
  /** Records `key` as sent for the incident; false when it already was (a redelivered event: do not post again). */
  claimNotification(incidentId: string, key: string): Promise<boolean>;
}

/** What the Slack notifier remembers per incident: where its thread is and which messages it already sent. */
export interface NotificationState {
  channel?: string;
  ts?: string;
  sentKeys: string[];
  /**
   * The events received so far, each one compact JSON (shared/notify/state.ts), so the message can be rebuilt
   * from state after any event. Merged like `sentKeys` (a set union, never removed): concurrent deliveries of
   * different events then cannot drop each other's facts.
   */
  events?: string[];
}

export interface EventsPort {
  /** Puts one Switchback event on the bus. Best effort: never throws (notification never delays recovery). */
  publish(detailType: string, detail: object): Promise<void>;
}

/** Why the alarm intake rejected an event: the EMF dimension of AlarmEventsRejected. */
export type AlarmRejection = 'malformed' | 'unknown-alarm' | 'stale' | 'future-dated';

export interface MetricsPort {
  /** Emits recovery metrics (EMF): RtoSeconds, RpoSeconds, phase durations, outcome counts. */
  recordRun(record: RunRecord): void;
  /** Emits a plan's readiness: PlanReady 0/1, ProjectedRtoSeconds, ReplicaLagSeconds (when known). */
  recordReadiness(readiness: PlanReadiness): void;
  /** Counts an alarm event the intake rejected (EMF AlarmEventsRejected, dimension `reason`). */
  countRejectedAlarmEvent(reason: AlarmRejection): void;
}

export interface WorkflowPort {
  /** StartExecution with a deterministic name; an execution that already exists is not an error. */
  startFailover(name: string, input: object): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** SendTaskSuccess with the answer; `incidentId` only names the run in errors. Throws ApprovalNotPendingError. */
  sendApproval(
    taskToken: string,
    answer: { approved: boolean; by: string; displayName?: string; comment?: string },
    incidentId?: string,
  ): Promise<void>;
  /** DescribeExecution; undefined when no such execution exists. */
  getExecutionStatus(executionArn: string): Promise<ExecutionStatus | undefined>;
}

/** The authenticated AWS principal making a call, as STS GetCallerIdentity names it. */
export interface CallerIdentity {
  /** e.g. `arn:aws:sts::123456789012:assumed-role/oncall/alice`. */
  arn: string;
  account: string;
  userId: string;
}

export interface IdentityPort {
  /** Who the caller's credentials belong to (STS GetCallerIdentity): what an approval records as its approver. */
  callerIdentity(): Promise<CallerIdentity>;
}

/** A Step Functions execution as the CLI shows it. */
export interface ExecutionStatus {
  executionArn: string;
  name?: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  status: string;
  startedAt?: string;
  stoppedAt?: string;
  /** Parsed output of a succeeded execution. */
  output?: unknown;
  error?: string;
  cause?: string;
  redriveCount?: number;
  /** REDRIVABLE, NOT_REDRIVABLE or REDRIVABLE_BY_MAP_RUN, and why not when NOT_REDRIVABLE (DescribeExecution). */
  redriveStatus?: string;
  redriveStatusReason?: string;
  /** The execution's input, the JSON string Step Functions keeps. */
  input?: string;
}

/** Records mutating calls, made or (dry run) planned. Use cases call `perform` around every mutation. */
/** SSM Parameter Store: a parameter the application reads (the failback's write pause). */
export interface ParameterPort {
  /** PutParameter (String, overwrite). */
  putParameter(region: string, name: string, value: string): Promise<void>;
  /** The parameter's value, or undefined when it does not exist. */
  getParameter(region: string, name: string): Promise<string | undefined>;
}

export interface ActionLog {
  perform(
    action: Omit<ActionRecord, 'at' | 'dryRun'>,
    run: Pick<RunContext, 'plan' | 'incidentId' | 'mode'>,
    call: () => Promise<void>,
  ): Promise<ActionRecord>;
}

export interface Deps {
  clock: Clock;
  log: Log;
}

export type { RunContext };

/** HTTP requests to a plan's health endpoints (the standby prober). */
export interface HealthEndpointPort {
  /**
   * One GET of `url`, abandoned after `timeoutMs`: ok when it answers `expectStatus` in time. Never throws: a
   * timeout, a refused connection or another status is a failed probe, with what happened in `error`.
   */
  probe(url: string, expectStatus: number, timeoutMs: number): Promise<ProbeResult>;
}

/** The prober's metric, put in the deployment's (the standby) region. */
export interface ProberMetricsPort {
  /** PutMetricData `Switchback/PrimaryReachable` (dimension `plan`): 1 reachable, 0 not. Throws on failure. */
  putPrimaryReachable(plan: string, reachable: boolean, at: Date): Promise<void>;
}
