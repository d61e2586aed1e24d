import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerPort, LockOwner, LockState, NotificationState } from '../domain/ports';
import type { SignalState } from '../domain/quorum';
import type { PlanReadiness } from '../domain/readiness';
import type { ActionRecord, AlarmIncident, PhaseName, RunRecord } from '../domain/run';
import type { Topology } from '../domain/topology';
import { LockHeldError } from '../errors';
import { config } from '../runtime/config';
import { type Log, logger } from '../runtime/logger';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { queryFirst } from './query-first';
import { dynamodbClient } from './sdk/dynamodb';

/**
 * The ledger table's keys: one table, string partition key `pk` and sort key `sk`. The one place that says so:
 * serverless.yml, the test helper and the drill build the table from these.
 */
export const LEDGER_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];
export const LEDGER_ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [
  { AttributeName: 'pk', AttributeType: 'S' },
  { AttributeName: 'sk', AttributeType: 'S' },
];
/**
 * Epoch seconds after which DynamoDB may delete an item (enable TTL on this attribute). Only approval tokens and
 * notification state carry it; locks, topologies and run records are the evidence and stay.
 */
export const LEDGER_TTL_ATTRIBUTE = 'expiresAt';

/** Approval tokens and Slack state outlive the longest execution by far; 30 days keeps them for post-mortems. */
const INCIDENT_ITEM_TTL_SECONDS = 30 * 24 * 3600;

/** Attributes the ledger adds to items; stripped before an item is handed back as a domain value. */
const INTERNAL_ATTRIBUTES = ['pk', 'sk', LEDGER_TTL_ATTRIBUTE] as const;

const planKey = (plan: string) => `PLAN#${plan}`;
const incidentKey = (incidentId: string) => `INCIDENT#${incidentId}`;
/**
 * Alarm incidents live under their own partition-key prefix, so that IAM can say who writes them: only the alarm
 * intake's role may (serverless.yml, `dynamodb:LeadingKeys`). Exported for that template and its test.
 */
export const ALARM_INCIDENT_KEY_PREFIX = 'ALARM#';
const alarmIncidentKey = (incidentId: string) => `${ALARM_INCIDENT_KEY_PREFIX}${incidentId}`;
/**
 * Readiness runs live under their own partition-key prefix, one partition per plan, sort key the run's time: the
 * readiness function's role may write these keys and no others (serverless.yml, `dynamodb:LeadingKeys`).
 */
export const READINESS_KEY_PREFIX = 'READINESS#';
const readinessKey = (plan: string) => `${READINESS_KEY_PREFIX}${plan}`;
/** The plan's current alarm incident (the alarm intake's, under the alarm prefix that only its role may write). */
const planIncidentKey = (plan: string) => `${ALARM_INCIDENT_KEY_PREFIX}${plan}`;
const PLAN_INCIDENT = 'PLAN_INCIDENT';
/** The plan's trigger signals' latest state changes, one attribute per signal (the intake's, under the alarm prefix). */
const SIGNALS = 'SIGNALS';
const SIGNAL_ATTRIBUTE_PREFIX = 'signal:';
const INTAKE = 'INTAKE';
const LOCK = 'LOCK';
const STATE = 'STATE';
const RUN_PREFIX = 'RUN#';
const APPROVAL = 'APPROVAL';
const SLACK = 'SLACK';

/** How many times a lock take is retried when the lock changes hands between our write and our read. */
const LOCK_RACE_ATTEMPTS = 3;

const isConditionFailure = (error: unknown): boolean => awsErrorName(error) === 'ConditionalCheckFailedException';

const isOwner = (lock: LockState, owner: LockOwner): boolean =>
  lock.holder === owner.incidentId && lock.execution === owner.executionArn;

/** The lock is someone else's: another incident, or another execution that reuses this incident's id. */
const heldError = (plan: string, lock: LockState, owner: LockOwner): LockHeldError =>
  lock.holder === owner.incidentId
    ? new LockHeldError(plan, `${lock.holder} (another execution: ${lock.execution || 'unknown'})`)
    : new LockHeldError(plan, lock.holder);

const strip = <T>(item: Record<string, unknown>): T => {
  const copy = { ...item };
  for (const name of INTERNAL_ATTRIBUTES) delete copy[name];
  return copy as T;
};

const expiresAt = (from: Date): number => Math.floor(from.getTime() / 1000) + INCIDENT_ITEM_TTL_SECONDS;

/**
 * The notifier's state as an item holds it. A string set has no order: the notifier orders events by their own
 * timestamps.
 */
const notificationStateOf = (item: Record<string, unknown>): NotificationState => {
  const state: NotificationState = { sentKeys: [...((item.sentKeys as Set<string> | undefined) ?? [])].sort() };
  if (typeof item.channel === 'string') state.channel = item.channel;
  if (typeof item.ts === 'string') state.ts = item.ts;
  if (item.events instanceof Set) state.events = [...(item.events as Set<string>)].sort();
  return state;
};

/** One ledger table and the client that reads and writes it. */
interface LedgerTable {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

const ledgerTable = (options: { client?: DynamoDBDocumentClient; tableName?: string }): LedgerTable => ({
  client: options.client ?? dynamodbClient(),
  name: options.tableName ?? config().LEDGER_TABLE,
});

const getItem = async (table: LedgerTable, pk: string, sk: string): Promise<Record<string, unknown> | undefined> => {
  try {
    // Strongly consistent: the lock and the claims are read right after conditional writes.
    const result = await table.client.send(
      new GetCommand({ TableName: table.name, Key: { pk, sk }, ConsistentRead: true }),
    );
    return result.Item;
  } catch (error) {
    throw toSwitchbackError('dynamodb', 'GetItem', error);
  }
};

const putItem = async (table: LedgerTable, item: Record<string, unknown>): Promise<void> => {
  try {
    await table.client.send(new PutCommand({ TableName: table.name, Item: item }));
  } catch (error) {
    throw toSwitchbackError('dynamodb', 'PutItem', error);
  }
};

/** A partition's newest `limit` items, newest first (sort-key order is time order), without the ledger's own attributes. */
const queryNewestFirst = async <T>(
  table: LedgerTable,
  pk: string,
  limit: number,
  options: { skPrefix?: string; consistent?: boolean } = {},
): Promise<T[]> => {
  try {
    const items = await queryFirst(
      table.client,
      {
        TableName: table.name,
        KeyConditionExpression: options.skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues:
          options.skPrefix === undefined ? { ':pk': pk } : { ':pk': pk, ':prefix': options.skPrefix },
        ScanIndexForward: false,
        ...(options.consistent ? { ConsistentRead: true } : {}),
      },
      limit,
    );
    return items.map((item) => strip<T>(item));
  } catch (error) {
    throw toSwitchbackError('dynamodb', 'Query', error);
  }
};

const readLock = async (table: LedgerTable, plan: string): Promise<LockState | undefined> => {
  const item = await getItem(table, planKey(plan), LOCK);
  if (!item || typeof item.holder !== 'string') return undefined;
  return {
    holder: item.holder,
    // A lock taken before locks named their execution belongs to no execution: nobody else may take it over.
    execution: typeof item.execution === 'string' ? item.execution : '',
    epoch: Number(item.epoch),
    acquiredAt: String(item.acquiredAt),
  };
};

const listRunItems = (table: LedgerTable, plan: string, limit: number): Promise<RunRecord[]> =>
  queryNewestFirst<RunRecord>(table, planKey(plan), limit, { skPrefix: RUN_PREFIX });

const putReadinessItem = (table: LedgerTable, readiness: PlanReadiness): Promise<void> =>
  putItem(table, { ...readiness, pk: readinessKey(readiness.plan), sk: readiness.at });

const listReadinessItems = (table: LedgerTable, plan: string, limit: number): Promise<PlanReadiness[]> =>
  queryNewestFirst<PlanReadiness>(table, readinessKey(plan), limit, { consistent: true });

/**
 * The part of the ledger that scheduled readiness uses (functions/readiness.ts): who holds a plan's lock, the plan's
 * runs, and its readiness runs, read and kept exactly as DynamoLedger reads and keeps them (the same functions). A
 * class of its own so that the readiness bundle carries these four methods, not the whole ledger, which that bundle
 * has no other use for (7.2 KiB of its 150 KiB allowance above the SDK floor, `npm run bench -- weight`).
 */
export class DynamoReadinessLedger
  implements Pick<LedgerPort, 'getLock' | 'listRuns' | 'listReadiness' | 'putReadiness'>
{
  readonly #table: LedgerTable;

  constructor(options: { client?: DynamoDBDocumentClient; tableName?: string } = {}) {
    this.#table = ledgerTable(options);
  }

  getLock(plan: string): Promise<LockState | undefined> {
    return readLock(this.#table, plan);
  }

  listRuns(plan: string, limit: number): Promise<RunRecord[]> {
    return listRunItems(this.#table, plan, limit);
  }

  putReadiness(readiness: PlanReadiness): Promise<void> {
    return putReadinessItem(this.#table, readiness);
  }

  listReadiness(plan: string, limit: number): Promise<PlanReadiness[]> {
    return listReadinessItems(this.#table, plan, limit);
  }
}

/**
 * The ledger on DynamoDB: per-plan lock (with a monotonic epoch used as a fencing token), topology, run
 * records, approval tokens and the Slack notifier's state. Every write that decides something (taking the lock,
 * claiming a notification) is a conditional write, so concurrent or redelivered invocations agree.
 */
export class DynamoLedger implements LedgerPort {
  readonly #table: LedgerTable;
  // The Powertools logger by default, or any `Log` (tests pass a silent one).
  readonly #log: Log | Logger;

  constructor(options: { client?: DynamoDBDocumentClient; tableName?: string; log?: Log } = {}) {
    this.#table = ledgerTable(options);
    this.#log = options.log ?? logger;
  }

  /**
   * Takes the plan's lock for an incident and its execution with epoch + 1. "Already mine" (same incident, same
   * execution) returns the lock as it is (same epoch).
   *
   * @throws LockHeldError when another incident, or another execution of the same incident, holds the lock
   */
  async acquireLock(plan: string, owner: LockOwner, now: Date): Promise<LockState> {
    for (let attempt = 1; attempt <= LOCK_RACE_ATTEMPTS; attempt++) {
      const taken = await this.#takeLockIfFree(plan, owner, now);
      if (taken) return taken;
      const current = await readLock(this.#table, plan);
      if (current && isOwner(current, owner)) return current;
      if (current?.holder) throw heldError(plan, current, owner);
      // The holder released between our write and our read: the lock is free again, try once more.
    }
    throw new LockHeldError(plan, 'another incident (the lock kept changing hands)');
  }

  /**
   * Checks that the incident's execution still holds the plan's lock before a mutating step. A free lock is
   * re-taken: that is a redriven execution (same ARN) resuming after its failure handler released the lock.
   *
   * @throws LockHeldError when another incident or another execution holds the lock
   */
  async assertLock(plan: string, owner: LockOwner, epoch: number, now: Date): Promise<void> {
    const current = await readLock(this.#table, plan);
    if (current && isOwner(current, owner)) return;
    if (current?.holder) throw heldError(plan, current, owner);
    const retaken = await this.acquireLock(plan, owner, now);
    this.#log.info('lock re-taken', {
      plan,
      incidentId: owner.incidentId,
      previousEpoch: epoch,
      epoch: retaken.epoch,
    });
  }

  /** Who holds the plan's lock now (a strongly consistent read); undefined when nobody does. */
  async getLock(plan: string): Promise<LockState | undefined> {
    return readLock(this.#table, plan);
  }

  /** Releases the lock if this incident's execution holds it; keeps the epoch so the next holder's is higher. */
  async releaseLock(plan: string, owner: LockOwner): Promise<void> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: { pk: planKey(plan), sk: LOCK },
          UpdateExpression: 'REMOVE #holder, #execution, #acquiredAt SET #lastHolder = :me',
          ConditionExpression: '#holder = :me AND #execution = :execution',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#execution': 'execution',
            '#acquiredAt': 'acquiredAt',
            '#lastHolder': 'lastHolder',
          },
          ExpressionAttributeValues: { ':me': owner.incidentId, ':execution': owner.executionArn },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw toSwitchbackError('dynamodb', 'UpdateItem', error);
    }
  }

  /**
   * Opens an alarm incident: a conditional put, so a redelivered alarm keeps the record of its first delivery.
   * Only the alarm intake calls this, and only its role may write these keys.
   */
  async openAlarmIncident(incident: AlarmIncident): Promise<void> {
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...incident, pk: alarmIncidentKey(incident.incidentId), sk: INTAKE },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw toSwitchbackError('dynamodb', 'PutItem', error);
    }
  }

  /**
   * Claims an alarm's state change for this delivery: one conditional put keyed by the state change (the incident
   * id), which is both the dedupe of redeliveries and the incident's record. A claim left unsettled since before
   * `staleBefore` is taken over: its delivery died between the claim and the start (a crash, a timeout, a throttled
   * StartExecution whose error made Lambda retry the event).
   *
   * @returns true when this delivery holds the claim, false when an earlier delivery does or settled it
   */
  async claimAlarmIncident(incident: AlarmIncident, staleBefore: Date): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...incident, pk: alarmIncidentKey(incident.incidentId), sk: INTAKE },
          ConditionExpression:
            'attribute_not_exists(pk) OR (attribute_not_exists(#settled) AND #openedAt < :staleBefore)',
          ExpressionAttributeNames: { '#settled': 'settled', '#openedAt': 'openedAt' },
          ExpressionAttributeValues: { ':staleBefore': staleBefore.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw toSwitchbackError('dynamodb', 'PutItem', error);
    }
  }

  /** Records how the intake settled a state change it claimed (`settled`): a settled claim is never taken over. */
  async settleAlarmIncident(incident: AlarmIncident): Promise<void> {
    await putItem(this.#table, { ...incident, pk: alarmIncidentKey(incident.incidentId), sk: INTAKE });
  }

  /**
   * Makes `incidentId` the plan's current alarm incident, unless another incident of the plan began (its alarm
   * changed to ALARM) after `coolDownStart`: a flap of that incident. The same incident may claim it again (a
   * retried delivery writes the same values).
   *
   * @returns true when `incidentId` is the plan's current incident, false when another one began in the cool-down
   */
  async claimPlanIncident(plan: string, incidentId: string, changedAt: Date, coolDownStart: Date): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { pk: planIncidentKey(plan), sk: PLAN_INCIDENT, plan, incidentId, changedAt: changedAt.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR #changedAt <= :coolDownStart OR #incidentId = :incidentId',
          ExpressionAttributeNames: { '#changedAt': 'changedAt', '#incidentId': 'incidentId' },
          ExpressionAttributeValues: { ':coolDownStart': coolDownStart.toISOString(), ':incidentId': incidentId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw toSwitchbackError('dynamodb', 'PutItem', error);
    }
  }

  /**
   * Records a signal's state change in the plan's signals item: one UpdateItem that sets that signal's attribute,
   * unless the item holds a newer change of it (a late or redelivered event never rolls a signal back), and returns
   * every signal's state after the update.
   *
   * @returns the plan's signal states, or undefined when a newer change of this signal was recorded already
   */
  async recordSignal(plan: string, signal: SignalState): Promise<SignalState[] | undefined> {
    try {
      const out = await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: { pk: planIncidentKey(plan), sk: SIGNALS },
          UpdateExpression: 'SET #signal = :signal',
          ConditionExpression: 'attribute_not_exists(#signal) OR #signal.#changedAt <= :changedAt',
          ExpressionAttributeNames: {
            '#signal': `${SIGNAL_ATTRIBUTE_PREFIX}${signal.alarmName}`,
            '#changedAt': 'changedAt',
          },
          ExpressionAttributeValues: { ':signal': signal, ':changedAt': signal.changedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Object.entries(out.Attributes ?? {})
        .filter(([name]) => name.startsWith(SIGNAL_ATTRIBUTE_PREFIX))
        .map(([, value]) => value as SignalState);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw toSwitchbackError('dynamodb', 'UpdateItem', error);
    }
  }

  /** The alarm incident the intake opened, if any. */
  async getAlarmIncident(incidentId: string): Promise<AlarmIncident | undefined> {
    const item = await getItem(this.#table, alarmIncidentKey(incidentId), INTAKE);
    return item ? strip<AlarmIncident>(item) : undefined;
  }

  /**
   * Appends actions to the run's record (list_append), only when the record exists: Assess writes it before any
   * step can act. The final record (record-outcome) replaces the list with the complete one.
   */
  async appendActions(plan: string, incidentId: string, actions: ActionRecord[]): Promise<void> {
    if (actions.length === 0) return;
    await this.#updateRun(
      plan,
      incidentId,
      'SET #actions = list_append(if_not_exists(#actions, :empty), :actions)',
      { '#actions': 'actions' },
      { ':empty': [], ':actions': actions },
    );
  }

  /**
   * Marks the phase the run has reached (`phaseReached`) and adds its start to `phaseStarts`, only when its record
   * exists. A phase marked again (a Map's other items, a retry, a redrive) adds a start; readers keep the first.
   * A step that begins a phase is running, so the record says `in-progress`: after an approval, not the
   * `awaiting-approval` that Request Approval wrote (the run's last record until it ends); after a redrive, not the
   * failure on-run-failed recorded (which keeps its `failure` until the run ends again).
   */
  async markPhase(plan: string, incidentId: string, phase: PhaseName, at: string): Promise<void> {
    await this.#updateRun(
      plan,
      incidentId,
      'SET #phaseReached = :phase, #phaseReachedAt = :at, phaseStarts = list_append(if_not_exists(phaseStarts, :e), :s), outcome = :o',
      { '#phaseReached': 'phaseReached', '#phaseReachedAt': 'phaseReachedAt' },
      { ':phase': phase, ':at': at, ':e': [], ':s': [{ phase, at }], ':o': 'in-progress' },
    );
  }

  /**
   * The plan's current topology (active region, each database's writer, standby and old primary), if a runbook
   * recorded one. An item written before topologies existed holds only the active region and the last failover.
   */
  async getTopology(plan: string): Promise<Topology | undefined> {
    const item = await getItem(this.#table, planKey(plan), STATE);
    // An item without an active region is no topology (nothing a runbook wrote): the plan file's holds.
    if (!item || typeof item.activeRegion !== 'string') return undefined;
    const topology = strip<Topology>(item);
    return { ...topology, databases: topology.databases ?? [] };
  }

  /** Replaces the plan's topology (the runbook that changes it holds the plan's lock). */
  async putTopology(plan: string, topology: Topology): Promise<void> {
    await putItem(this.#table, { ...topology, pk: planKey(plan), sk: STATE });
  }

  /** Writes (or overwrites) a run record; the final write of a run replaces its in-progress one. */
  async putRun(record: RunRecord): Promise<void> {
    await putItem(this.#table, {
      ...record,
      pk: planKey(record.run.plan),
      sk: `${RUN_PREFIX}${record.run.incidentId}`,
    });
  }

  /** One run of a plan by incident id. */
  async getRun(plan: string, incidentId: string): Promise<RunRecord | undefined> {
    const item = await getItem(this.#table, planKey(plan), `${RUN_PREFIX}${incidentId}`);
    return item ? strip<RunRecord>(item) : undefined;
  }

  /**
   * A plan's runs, newest first: incident ids begin with the plan and a UTC timestamp, so sort-key order is
   * time order.
   */
  async listRuns(plan: string, limit: number): Promise<RunRecord[]> {
    return listRunItems(this.#table, plan, limit);
  }

  /**
   * Keeps one readiness run of a plan (sort key: its time, ISO 8601 UTC, so sort-key order is time order). The same
   * plan checked twice at the same instant keeps the later result.
   */
  async putReadiness(readiness: PlanReadiness): Promise<void> {
    await putReadinessItem(this.#table, readiness);
  }

  /** A plan's readiness runs, newest first (`limit` 1: the latest). */
  async listReadiness(plan: string, limit: number): Promise<PlanReadiness[]> {
    return listReadinessItems(this.#table, plan, limit);
  }

  /** Stores the task token of a paused approval, so that `switchback approve <incident>` can answer it. */
  async putApprovalToken(incidentId: string, plan: string, taskToken: string, requestedAt: string): Promise<void> {
    await putItem(this.#table, {
      pk: incidentKey(incidentId),
      sk: APPROVAL,
      plan,
      taskToken,
      requestedAt,
      [LEDGER_TTL_ATTRIBUTE]: expiresAt(new Date(requestedAt)),
    });
  }

  /** The task token of the incident's pending (or past) approval. */
  async getApprovalToken(
    incidentId: string,
  ): Promise<{ plan: string; taskToken: string; requestedAt: string } | undefined> {
    const item = await getItem(this.#table, incidentKey(incidentId), APPROVAL);
    if (!item) return undefined;
    return { plan: String(item.plan), taskToken: String(item.taskToken), requestedAt: String(item.requestedAt) };
  }

  /**
   * Merges the notifier's state: `channel`/`ts` set when given, `sentKeys` and `events` added to (never removed).
   * Returns the state after the merge (UpdateItem's ALL_NEW), so the notifier reads it back in the same call.
   */
  async putNotificationState(incidentId: string, state: NotificationState): Promise<NotificationState> {
    const sets = ['#expiresAt = if_not_exists(#expiresAt, :expiresAt)'];
    const names: Record<string, string> = { '#expiresAt': LEDGER_TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { ':expiresAt': expiresAt(new Date()) };
    if (state.channel !== undefined) {
      sets.push('#channel = :channel');
      names['#channel'] = 'channel';
      values[':channel'] = state.channel;
    }
    if (state.ts !== undefined) {
      sets.push('#ts = :ts');
      names['#ts'] = 'ts';
      values[':ts'] = state.ts;
    }
    let expression = `SET ${sets.join(', ')}`;
    // String sets, not lists: ADD is a union, so concurrent writers never drop each other's keys or events.
    // DynamoDB rejects empty sets, hence the guards.
    const additions: string[] = [];
    if (state.sentKeys.length > 0) {
      additions.push('#sentKeys :keys');
      names['#sentKeys'] = 'sentKeys';
      values[':keys'] = new Set(state.sentKeys);
    }
    if (state.events && state.events.length > 0) {
      additions.push('#events :events');
      names['#events'] = 'events';
      values[':events'] = new Set(state.events);
    }
    if (additions.length > 0) expression += ` ADD ${additions.join(', ')}`;
    const item = await this.#update(incidentKey(incidentId), SLACK, expression, names, values, { returnNew: true });
    return notificationStateOf(item ?? {});
  }

  /** The notifier's state of an incident, if it has any. */
  async getNotificationState(incidentId: string): Promise<NotificationState | undefined> {
    const item = await getItem(this.#table, incidentKey(incidentId), SLACK);
    return item ? notificationStateOf(item) : undefined;
  }

  /**
   * Records that the message `key` (e.g. `promote:started`) was sent for an incident. Returns false when it
   * already was: EventBridge delivers at least once, and a redelivered event must not post twice.
   */
  async claimNotification(incidentId: string, key: string): Promise<boolean> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: { pk: incidentKey(incidentId), sk: SLACK },
          UpdateExpression: 'ADD #sentKeys :keys SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#sentKeys) OR NOT contains(#sentKeys, :key)',
          ExpressionAttributeNames: { '#sentKeys': 'sentKeys', '#expiresAt': LEDGER_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':keys': new Set([key]), ':key': key, ':expiresAt': expiresAt(new Date()) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw toSwitchbackError('dynamodb', 'UpdateItem', error);
    }
  }

  /** Takes the lock if nobody holds it; undefined when someone does (possibly this owner). */
  async #takeLockIfFree(plan: string, owner: LockOwner, now: Date): Promise<LockState | undefined> {
    try {
      const result = await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: { pk: planKey(plan), sk: LOCK },
          UpdateExpression:
            'SET #holder = :me, #execution = :execution, #acquiredAt = :now, ' +
            '#epoch = if_not_exists(#epoch, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(#holder)',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#execution': 'execution',
            '#acquiredAt': 'acquiredAt',
            '#epoch': 'epoch',
          },
          ExpressionAttributeValues: {
            ':me': owner.incidentId,
            ':execution': owner.executionArn,
            ':now': now.toISOString(),
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = result.Attributes ?? {};
      return {
        holder: String(item.holder),
        execution: String(item.execution),
        epoch: Number(item.epoch),
        acquiredAt: String(item.acquiredAt),
      };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw toSwitchbackError('dynamodb', 'UpdateItem', error);
    }
  }

  /** Updates a run's record; a run with no record (it never got past its input check) has nothing to add to. */
  async #updateRun(
    plan: string,
    incidentId: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<void> {
    await this.#update(planKey(plan), `${RUN_PREFIX}${incidentId}`, expression, names, values, { ifExists: true });
  }

  /** UpdateItem; with `ifExists`, only an item that exists is updated, and a missing one is left alone. */
  async #update(
    pk: string,
    sk: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    options: { ifExists?: boolean; returnNew?: boolean } = {},
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: { pk, sk },
          UpdateExpression: expression,
          ...(options.ifExists ? { ConditionExpression: 'attribute_exists(pk)' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(options.returnNew ? { ReturnValues: 'ALL_NEW' as const } : {}),
        }),
      );
      return result.Attributes;
    } catch (error) {
      if (options.ifExists && isConditionFailure(error)) return undefined;
      throw toSwitchbackError('dynamodb', 'UpdateItem', error);
    }
  }
}
