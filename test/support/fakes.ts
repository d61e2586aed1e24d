import type { HealthCheckStatus } from '../../shared/domain/health-checks';
import type {
  AlarmRejection,
  DbClusterState,
  DbInstanceState,
  DnsAnswerPort,
  EventsPort,
  ExecutionStatus,
  FailoverRecordSet,
  GlobalClusterState,
  HealthCheckInversion,
  HealthCheckPort,
  LedgerPort,
  LockOwner,
  LockState,
  MetricsPort,
  NotificationState,
  RdsPort,
  ReplicaLagPort,
  Route53Port,
  RoutingControlPort,
  RoutingControlState,
  SwitchAlarmPort,
  SwitchAlarmState,
  WorkflowPort,
} from '../../shared/domain/ports';
import type { RecordSetReading } from '../../shared/domain/preflight';
import type { SignalState } from '../../shared/domain/quorum';
import type { PlanReadiness } from '../../shared/domain/readiness';
import type { ActionRecord, AlarmIncident, PhaseName, RunRecord } from '../../shared/domain/run';
import type { Topology } from '../../shared/domain/topology';
import { EndpointUnreachableError, LockHeldError } from '../../shared/errors';
import type { Clock } from '../../shared/runtime/clock';
import type { Log } from '../../shared/runtime/logger';

/**
 * In-memory implementations of the ports, for use-case tests. They behave like the adapters' contracts say
 * (lock epochs, "already mine", no-op release), keep what they were given for assertions, and copy values in and
 * out so a test cannot pass by sharing a mutable object with the code under test.
 */

const copy = <T>(value: T): T => structuredClone(value);

/** A clock that stands still until told to move. */
export class FakeClock implements Clock {
  #now: Date;

  constructor(now: string | Date) {
    this.#now = new Date(now);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(now: string | Date): void {
    this.#now = new Date(now);
  }

  advance(seconds: number): void {
    this.#now = new Date(this.#now.getTime() + seconds * 1000);
  }
}

/** A log that keeps its lines instead of printing them. */
export class FakeLog implements Log {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; extra: object[] }[] = [];

  debug(message: string, ...extra: object[]): void {
    this.lines.push({ level: 'debug', message, extra });
  }

  info(message: string, ...extra: object[]): void {
    this.lines.push({ level: 'info', message, extra });
  }

  warn(message: string, ...extra: object[]): void {
    this.lines.push({ level: 'warn', message, extra });
  }

  error(message: string, ...extra: object[]): void {
    this.lines.push({ level: 'error', message, extra });
  }

  messages(level: 'debug' | 'info' | 'warn' | 'error'): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

export class FakeLedger implements LedgerPort {
  readonly locks = new Map<string, LockState>();
  /** Last epoch given per plan, kept after release so the next holder's is higher. */
  readonly epochs = new Map<string, number>();
  readonly topologies = new Map<string, Topology>();
  readonly runs = new Map<string, RunRecord>();
  readonly approvals = new Map<string, { plan: string; taskToken: string; requestedAt: string }>();
  readonly notifications = new Map<string, NotificationState>();
  /** Every run record written, in order. */
  readonly putRuns: RunRecord[] = [];
  readonly released: { plan: string; incidentId: string; executionArn: string }[] = [];
  readonly alarmIncidents = new Map<string, AlarmIncident>();
  /** Readiness runs per plan, keyed by time as the table keys them. */
  readonly readiness = new Map<string, Map<string, PlanReadiness>>();

  async acquireLock(plan: string, owner: LockOwner, now: Date): Promise<LockState> {
    const current = this.locks.get(plan);
    if (current && !FakeLedger.#owns(current, owner)) throw new LockHeldError(plan, current.holder);
    if (current) return copy(current);
    const lock = {
      holder: owner.incidentId,
      execution: owner.executionArn,
      epoch: (this.epochs.get(plan) ?? 0) + 1,
      acquiredAt: now.toISOString(),
    };
    this.epochs.set(plan, lock.epoch);
    this.locks.set(plan, lock);
    return copy(lock);
  }

  async assertLock(plan: string, owner: LockOwner, _epoch: number, now: Date): Promise<void> {
    const current = this.locks.get(plan);
    if (current && !FakeLedger.#owns(current, owner)) throw new LockHeldError(plan, current.holder);
    if (!current) await this.acquireLock(plan, owner, now);
  }

  async releaseLock(plan: string, owner: LockOwner): Promise<void> {
    this.released.push({ plan, incidentId: owner.incidentId, executionArn: owner.executionArn });
    const current = this.locks.get(plan);
    if (current && FakeLedger.#owns(current, owner)) this.locks.delete(plan);
  }

  /** The plan's current alarm incident, as claimPlanIncident keeps it. */
  readonly planIncidents = new Map<string, { incidentId: string; changedAt: string }>();

  async claimAlarmIncident(incident: AlarmIncident, staleBefore: Date): Promise<boolean> {
    const existing = this.alarmIncidents.get(incident.incidentId);
    if (existing && (existing.settled || existing.openedAt >= staleBefore.toISOString())) return false;
    this.alarmIncidents.set(incident.incidentId, copy(incident));
    return true;
  }

  async settleAlarmIncident(incident: AlarmIncident): Promise<void> {
    this.alarmIncidents.set(incident.incidentId, copy(incident));
  }

  async claimPlanIncident(plan: string, incidentId: string, changedAt: Date, coolDownStart: Date): Promise<boolean> {
    const current = this.planIncidents.get(plan);
    if (current && current.changedAt > coolDownStart.toISOString() && current.incidentId !== incidentId) return false;
    this.planIncidents.set(plan, { incidentId, changedAt: changedAt.toISOString() });
    return true;
  }

  /** Each plan's trigger signals, as recordSignal keeps them. */
  readonly signals = new Map<string, Map<string, SignalState>>();

  async recordSignal(plan: string, signal: SignalState): Promise<SignalState[] | undefined> {
    const states = this.signals.get(plan) ?? new Map<string, SignalState>();
    this.signals.set(plan, states);
    const recorded = states.get(signal.alarmName);
    if (recorded && recorded.changedAt > signal.changedAt) return undefined;
    states.set(signal.alarmName, copy(signal));
    return copy([...states.values()]);
  }

  async openAlarmIncident(incident: AlarmIncident): Promise<void> {
    if (!this.alarmIncidents.has(incident.incidentId)) this.alarmIncidents.set(incident.incidentId, copy(incident));
  }

  async getAlarmIncident(incidentId: string): Promise<AlarmIncident | undefined> {
    const incident = this.alarmIncidents.get(incidentId);
    return incident && copy(incident);
  }

  async appendActions(plan: string, incidentId: string, actions: ActionRecord[]): Promise<void> {
    const record = this.runs.get(`${plan}/${incidentId}`);
    if (record) record.actions.push(...copy(actions));
  }

  async markPhase(plan: string, incidentId: string, phase: PhaseName, at: string): Promise<void> {
    const record = this.runs.get(`${plan}/${incidentId}`);
    if (record) {
      record.phaseReached = phase;
      record.phaseReachedAt = at;
      record.phaseStarts = [...(record.phaseStarts ?? []), { phase, at }];
      record.outcome = 'in-progress';
    }
  }

  static #owns(lock: LockState, owner: LockOwner): boolean {
    return lock.holder === owner.incidentId && lock.execution === owner.executionArn;
  }

  async getLock(plan: string): Promise<LockState | undefined> {
    const lock = this.locks.get(plan);
    return lock && copy(lock);
  }

  async getTopology(plan: string): Promise<Topology | undefined> {
    const topology = this.topologies.get(plan);
    return topology && copy(topology);
  }

  async putTopology(plan: string, topology: Topology): Promise<void> {
    this.topologies.set(plan, copy(topology));
  }

  async putRun(record: RunRecord): Promise<void> {
    this.runs.set(`${record.run.plan}/${record.run.incidentId}`, copy(record));
    this.putRuns.push(copy(record));
  }

  async getRun(plan: string, incidentId: string): Promise<RunRecord | undefined> {
    const record = this.runs.get(`${plan}/${incidentId}`);
    return record && copy(record);
  }

  async listRuns(plan: string, limit: number): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .filter((record) => record.run.plan === plan)
      .sort((a, b) => b.run.startedAt.localeCompare(a.run.startedAt))
      .slice(0, limit)
      .map(copy);
  }

  async putReadiness(readiness: PlanReadiness): Promise<void> {
    const runs = this.readiness.get(readiness.plan) ?? new Map<string, PlanReadiness>();
    runs.set(readiness.at, copy(readiness));
    this.readiness.set(readiness.plan, runs);
  }

  async listReadiness(plan: string, limit: number): Promise<PlanReadiness[]> {
    return [...(this.readiness.get(plan)?.values() ?? [])]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit)
      .map(copy);
  }

  async putApprovalToken(incidentId: string, plan: string, taskToken: string, requestedAt: string): Promise<void> {
    this.approvals.set(incidentId, { plan, taskToken, requestedAt });
  }

  async getApprovalToken(incidentId: string) {
    const approval = this.approvals.get(incidentId);
    return approval && copy(approval);
  }

  async putNotificationState(incidentId: string, state: NotificationState): Promise<NotificationState> {
    const current = this.notifications.get(incidentId) ?? { sentKeys: [] };
    const events = [...new Set([...(current.events ?? []), ...(state.events ?? [])])].sort();
    const merged: NotificationState = {
      ...current,
      ...(state.channel ? { channel: state.channel } : {}),
      ...(state.ts ? { ts: state.ts } : {}),
      sentKeys: [...new Set([...current.sentKeys, ...state.sentKeys])].sort(),
      ...(events.length > 0 ? { events } : {}),
    };
    this.notifications.set(incidentId, merged);
    return copy(merged);
  }

  async getNotificationState(incidentId: string): Promise<NotificationState | undefined> {
    const state = this.notifications.get(incidentId);
    return state && copy(state);
  }

  async claimNotification(incidentId: string, key: string): Promise<boolean> {
    const current = this.notifications.get(incidentId) ?? { sentKeys: [] };
    if (current.sentKeys.includes(key)) return false;
    this.notifications.set(incidentId, { ...current, sentKeys: [...current.sentKeys, key] });
    return true;
  }
}

export class FakeEvents implements EventsPort {
  readonly published: { detailType: string; detail: object }[] = [];

  async publish(detailType: string, detail: object): Promise<void> {
    this.published.push({ detailType, detail: copy(detail) });
  }

  /** The details published with one detail-type, in order. */
  ofType<T = Record<string, unknown>>(detailType: string): T[] {
    return this.published.filter((event) => event.detailType === detailType).map((event) => event.detail as T);
  }
}

export class FakeMetrics implements MetricsPort {
  readonly records: RunRecord[] = [];

  readonly readiness: PlanReadiness[] = [];

  recordReadiness(readiness: PlanReadiness): void {
    this.readiness.push(copy(readiness));
  }

  recordRun(record: RunRecord): void {
    this.records.push(copy(record));
  }

  readonly rejectedAlarmEvents: AlarmRejection[] = [];

  countRejectedAlarmEvent(reason: AlarmRejection): void {
    this.rejectedAlarmEvents.push(reason);
  }
}

const key = (region: string, identifier: string) => `${region}/${identifier}`;

/** RDS in two regions: instances, clusters and global clusters keyed by region and identifier. */
export class FakeRds implements RdsPort {
  readonly instances = new Map<string, DbInstanceState>();
  readonly clusters = new Map<string, DbClusterState>();
  readonly globalClusters = new Map<string, GlobalClusterState>();
  /** Newest replicated backup per `<region>/<source ARN>`. */
  readonly replicatedBackups = new Map<string, string>();
  /** Every call, as `<operation> <region> <identifier>`: tests assert which regions were asked. */
  readonly calls: string[] = [];

  addInstance(region: string, state: DbInstanceState): this {
    this.instances.set(key(region, state.identifier), copy(state));
    return this;
  }

  addCluster(region: string, state: DbClusterState): this {
    this.clusters.set(key(region, state.identifier), copy(state));
    return this;
  }

  addGlobalCluster(state: GlobalClusterState): this {
    this.globalClusters.set(state.identifier, copy(state));
    return this;
  }

  addReplicatedBackup(region: string, sourceArn: string, latest: string): this {
    this.replicatedBackups.set(key(region, sourceArn), latest);
    return this;
  }

  async describeInstance(region: string, identifier: string): Promise<DbInstanceState | undefined> {
    this.calls.push(`describeInstance ${region} ${identifier}`);
    const state = this.instances.get(key(region, identifier));
    return state && copy(state);
  }

  async stopInstance(region: string, identifier: string): Promise<void> {
    this.calls.push(`stopInstance ${region} ${identifier}`);
    const state = this.instances.get(key(region, identifier));
    if (state) this.instances.set(key(region, identifier), { ...state, status: 'stopping' });
  }

  async promoteReadReplica(region: string, identifier: string, backupRetentionPeriod: number): Promise<void> {
    this.calls.push(`promoteReadReplica ${region} ${identifier}`);
    const state = this.instances.get(key(region, identifier));
    if (state) {
      this.instances.set(key(region, identifier), {
        ...state,
        status: 'modifying',
        replicationSource: undefined,
        backupRetentionPeriod,
      });
    }
  }

  async describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined> {
    this.calls.push(`describeGlobalCluster ${region} ${identifier}`);
    const state = this.globalClusters.get(identifier);
    return state && copy(state);
  }

  async describeCluster(region: string, identifier: string): Promise<DbClusterState | undefined> {
    this.calls.push(`describeCluster ${region} ${identifier}`);
    const state = this.clusters.get(key(region, identifier));
    return state && copy(state);
  }

  async failoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    this.calls.push(`failoverGlobalCluster ${region} ${globalCluster}`);
    this.#makeWriter(globalCluster, targetClusterArn);
  }

  async switchoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    this.calls.push(`switchoverGlobalCluster ${region} ${globalCluster}`);
    this.#makeWriter(globalCluster, targetClusterArn);
  }

  async latestReplicatedBackup(region: string, sourceArn: string): Promise<string | undefined> {
    this.calls.push(`latestReplicatedBackup ${region} ${sourceArn}`);
    return this.replicatedBackups.get(key(region, sourceArn));
  }

  /** The regions any call went to. */
  regionsCalled(): string[] {
    return [...new Set(this.calls.map((call) => call.split(' ')[1] ?? ''))];
  }

  #makeWriter(globalCluster: string, targetClusterArn: string): void {
    const state = this.globalClusters.get(globalCluster);
    if (!state) return;
    state.members = state.members.map((member) => ({ ...member, isWriter: member.clusterArn === targetClusterArn }));
  }
}

/** Replica lag per `<region>/<identifier>`; an absent entry reads as "no datapoint". */
export class FakeLag implements ReplicaLagPort {
  readonly rds = new Map<string, number>();
  readonly aurora = new Map<string, number>();

  setRds(region: string, replica: string, seconds: number): this {
    this.rds.set(key(region, replica), seconds);
    return this;
  }

  setAurora(region: string, cluster: string, seconds: number): this {
    this.aurora.set(key(region, cluster), seconds);
    return this;
  }

  /** The `since` of each RDS read, in order (undefined: any datapoint in the window counts). */
  readonly rdsSince: (Date | undefined)[] = [];

  async rdsReplicaLagSeconds(
    region: string,
    replicaIdentifier: string,
    _at: Date,
    since?: Date,
  ): Promise<number | undefined> {
    this.rdsSince.push(since);
    return this.rds.get(key(region, replicaIdentifier));
  }

  async auroraRpoLagSeconds(
    region: string,
    secondaryClusterIdentifier: string,
    _at: Date,
  ): Promise<number | undefined> {
    return this.aurora.get(key(region, secondaryClusterIdentifier));
  }
}

/** Step Functions: executions by name; starting one that exists returns it, as the adapter's contract says. */
export class FakeWorkflow implements WorkflowPort {
  readonly executions = new Map<string, { executionArn: string; input: object }>();
  readonly approvals: { taskToken: string; answer: { approved: boolean; by: string; comment?: string } }[] = [];

  constructor(readonly stateMachineArn = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover') {}

  async startFailover(name: string, input: object): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    const existing = this.executions.get(name);
    if (existing) return { executionArn: existing.executionArn, alreadyStarted: true };
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    this.executions.set(name, { executionArn, input: copy(input) });
    return { executionArn, alreadyStarted: false };
  }

  async sendApproval(taskToken: string, answer: { approved: boolean; by: string; comment?: string }): Promise<void> {
    this.approvals.push({ taskToken, answer: copy(answer) });
  }

  async getExecutionStatus(executionArn: string): Promise<ExecutionStatus | undefined> {
    const found = [...this.executions.entries()].find(([, execution]) => execution.executionArn === executionArn);
    return found && { executionArn, name: found[0], status: 'RUNNING' };
  }
}

/** Route 53: failover records per hosted zone, change batches kept in order, change statuses scripted per id. */
export class FakeRoute53 implements Route53Port {
  readonly zones = new Map<string, FailoverRecordSet[]>();
  /** Every change batch sent, in order. */
  readonly batches: { hostedZoneId: string; records: FailoverRecordSet[]; comment: string }[] = [];
  /** Statuses GetChange answers per change id, in order; the last one repeats. Unknown ids answer INSYNC. */
  readonly statuses = new Map<string, ('PENDING' | 'INSYNC')[]>();
  readonly getChangeCalls: string[] = [];

  addRecords(hostedZoneId: string, ...records: FailoverRecordSet[]): this {
    this.zones.set(hostedZoneId, [...(this.zones.get(hostedZoneId) ?? []), ...copy(records)]);
    return this;
  }

  scriptChange(changeId: string, ...statuses: ('PENDING' | 'INSYNC')[]): this {
    this.statuses.set(changeId, statuses);
    return this;
  }

  async listFailoverRecords(hostedZoneId: string, name: string, type: string): Promise<FailoverRecordSet[]> {
    return copy((this.zones.get(hostedZoneId) ?? []).filter((r) => r.name === name && r.type === type));
  }

  async listRecordSets(hostedZoneId: string, name: string, type: string): Promise<RecordSetReading[]> {
    return (this.zones.get(hostedZoneId) ?? [])
      .filter((r) => r.name === name && r.type === type)
      .map((r) => ({
        setIdentifier: r.setIdentifier,
        routing: 'failover',
        failover: r.failover,
        ...(typeof r.rest.TTL === 'number' ? { ttl: r.rest.TTL } : {}),
        ...(typeof r.rest.HealthCheckId === 'string' ? { healthCheckId: r.rest.HealthCheckId } : {}),
        alias: r.rest.AliasTarget !== undefined,
      }));
  }

  async upsertRecords(hostedZoneId: string, records: FailoverRecordSet[], comment: string): Promise<string> {
    this.batches.push({ hostedZoneId, records: copy(records), comment });
    const zone = this.zones.get(hostedZoneId) ?? [];
    for (const record of records) {
      const index = zone.findIndex(
        (r) => r.name === record.name && r.type === record.type && r.setIdentifier === record.setIdentifier,
      );
      if (index >= 0) zone[index] = copy(record);
      else zone.push(copy(record));
    }
    this.zones.set(hostedZoneId, zone);
    return `/change/C${this.batches.length}`;
  }

  /** What Route 53's checkers see of a health check (GetHealthCheckStatus); unknown ids: all 8 reach it. */
  readonly healthStatuses = new Map<string, HealthCheckStatus | Error>();

  setHealthStatus(id: string, status: HealthCheckStatus | Error): this {
    this.healthStatuses.set(id, status);
    return this;
  }

  async getHealthCheckStatus(id: string): Promise<HealthCheckStatus | undefined> {
    const status = this.healthStatuses.get(id) ?? { checkers: 8, healthyCheckers: 8 };
    if (status instanceof Error) throw status;
    return { ...status };
  }

  async getChangeStatus(changeId: string): Promise<'PENDING' | 'INSYNC'> {
    this.getChangeCalls.push(changeId);
    const script = this.statuses.get(changeId);
    if (!script || script.length === 0) return 'INSYNC';
    return (script.length > 1 ? script.shift() : script[0]) ?? 'INSYNC';
  }
}

/** What DNS answers per `name TYPE` (DnsAnswerPort); an Error answer is a name server that does not answer. */
export class FakeDns implements DnsAnswerPort {
  readonly answers = new Map<string, string[] | Error>();
  readonly asked: string[] = [];

  set(name: string, type: string, answer: string[] | Error): this {
    this.answers.set(`${name} ${type}`, answer);
    return this;
  }

  async answer(name: string, type: string): Promise<string[]> {
    this.asked.push(`${name} ${type}`);
    const answer = this.answers.get(`${name} ${type}`) ?? [];
    if (answer instanceof Error) throw answer;
    return [...answer];
  }
}

/**
 * Route 53 health checks' `Inverted` and version: UpdateHealthCheck at a stale version is refused
 * (HealthCheckVersionMismatch); `unreachable` makes every call fail as Route 53's API (us-east-1) not answering.
 */
export class FakeHealthChecks implements HealthCheckPort {
  readonly checks = new Map<string, HealthCheckInversion>();
  unreachable = false;
  /** Every UpdateHealthCheck made, in order. */
  readonly updates: { id: string; inverted: boolean }[] = [];

  add(id: string, inverted = false, version = 1): this {
    this.checks.set(id, { inverted, version });
    return this;
  }

  async getInversion(id: string): Promise<HealthCheckInversion | undefined> {
    if (this.unreachable) throw new EndpointUnreachableError('route53', 'GetHealthCheck', new Error('TimeoutError'));
    const check = this.checks.get(id);
    return check ? copy(check) : undefined;
  }

  async setInverted(id: string, inverted: boolean, version: number): Promise<void> {
    if (this.unreachable) throw new EndpointUnreachableError('route53', 'UpdateHealthCheck', new Error('TimeoutError'));
    const check = this.checks.get(id);
    if (!check) throw Object.assign(new Error(`No health check ${id}`), { name: 'NoSuchHealthCheck' });
    if (check.version !== version) {
      throw Object.assign(new Error('HealthCheckVersion does not match'), { name: 'HealthCheckVersionMismatch' });
    }
    this.checks.set(id, { inverted, version: version + 1 });
    this.updates.push({ id, inverted });
  }
}

/**
 * ARC routing controls on a cluster's endpoints: endpoints in `downRegions` do not answer (EndpointUnreachableError
 * when none does, as the adapter reports it); a batch that would leave every control Off is refused like a safety
 * rule would.
 */
export class FakeRoutingControls implements RoutingControlPort {
  readonly states = new Map<string, RoutingControlState>();
  readonly downRegions = new Set<string>();
  /** Every call, with the region of the endpoint that answered it. */
  readonly calls: { operation: 'update' | 'get'; region: string }[] = [];

  set(arn: string, state: RoutingControlState): this {
    this.states.set(arn, state);
    return this;
  }

  private answering(endpoints: readonly { region: string }[], operation: string): string {
    const up = endpoints.find((endpoint) => !this.downRegions.has(endpoint.region));
    if (!up) throw new EndpointUnreachableError('route53-recovery-cluster', operation, new Error('TimeoutError'));
    return up.region;
  }

  async updateStates(
    endpoints: readonly { region: string; url: string }[],
    states: readonly { arn: string; state: RoutingControlState }[],
  ): Promise<{ region: string }> {
    const region = this.answering(endpoints, 'UpdateRoutingControlStates');
    const next = new Map(this.states);
    for (const entry of states) next.set(entry.arn, entry.state);
    if (![...next.values()].includes('On')) {
      // As the SDK names the refusal of a safety rule.
      throw Object.assign(new Error('The update was blocked by a safety rule'), { name: 'ConflictException' });
    }
    for (const [arn, state] of next) this.states.set(arn, state);
    this.calls.push({ operation: 'update', region });
    return { region };
  }

  async getStates(
    endpoints: readonly { region: string; url: string }[],
    arns: readonly string[],
  ): Promise<{ region: string; states: Record<string, RoutingControlState> }> {
    const region = this.answering(endpoints, 'GetRoutingControlState');
    this.calls.push({ operation: 'get', region });
    return { region, states: Object.fromEntries(arns.map((arn) => [arn, this.states.get(arn) ?? 'Off'])) };
  }
}

/**
 * The switch alarm of `alarm-health-check` plans: alarms by region and name; `publish` records the datapoint and,
 * like CloudWatch once the minute is evaluated, sets the alarm ALARM (1) or OK (0) when `evaluateOnPublish` is on.
 */
export class FakeSwitchAlarm implements SwitchAlarmPort {
  readonly alarms = new Map<string, { value: SwitchAlarmState; since: string }>();
  readonly published: { region: string; plan: string; primaryOut: boolean }[] = [];
  readonly downRegions = new Set<string>();
  /** When set, `publish` moves the alarms of its region at once, stamped with this clock's time. */
  evaluateWith: { now(): Date } | undefined;

  set(region: string, name: string, value: SwitchAlarmState, since = '2026-01-01T00:00:00.000Z'): this {
    this.alarms.set(`${region}/${name}`, { value, since });
    return this;
  }

  private reachable(region: string, operation: string): void {
    if (this.downRegions.has(region))
      throw new EndpointUnreachableError('cloudwatch', operation, new Error('TimeoutError'));
  }

  async publish(region: string, plan: string, primaryOut: boolean): Promise<void> {
    this.reachable(region, 'PutMetricData');
    this.published.push({ region, plan, primaryOut });
    const clock = this.evaluateWith;
    if (!clock) return;
    for (const key of this.alarms.keys()) {
      if (key.startsWith(`${region}/`)) {
        this.alarms.set(key, { value: primaryOut ? 'ALARM' : 'OK', since: clock.now().toISOString() });
      }
    }
  }

  async state(region: string, alarmName: string): Promise<{ value: SwitchAlarmState; since: string } | undefined> {
    this.reachable(region, 'DescribeAlarms');
    return this.alarms.get(`${region}/${alarmName}`);
  }
}
