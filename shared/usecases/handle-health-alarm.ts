import { formatSeconds, skipReason } from '../domain/decision';
import { impactStartedAt, incidentIdFor, parseAlarmTime } from '../domain/incident';
import type { LedgerPort, MetricsPort, WorkflowPort } from '../domain/ports';
import { describeQuorum, evaluateQuorum, planSignals, signalKind, usesQuorum } from '../domain/quorum';
import type { AlarmIncident, RunInput } from '../domain/run';
import type { SeenStateChanges } from '../domain/seen-state-changes';
import { currentTopology } from '../domain/topology';
import type { PlanRegistry } from '../plan/registry';
import type { Plan } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import * as z from '../zod';
import { orphanOf } from './orphaned-lock';

const alarmTime = z
  .string()
  .check(z.refine((time) => parseAlarmTime(time) !== undefined, { error: 'expected a time' }));

/** The EventBridge "CloudWatch Alarm State Change" event, as much of it as the intake reads. */
export const alarmStateChangeSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  time: alarmTime,
  resources: z._default(z.array(z.string()), []),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({
      value: z.string().check(z.minLength(1)),
      timestamp: alarmTime,
      reasonData: z.optional(z.string()),
    }),
    previousState: z.optional(z.object({ value: z.string().check(z.minLength(1)) })),
  }),
});
export type AlarmStateChange = z.output<typeof alarmStateChangeSchema>;

export type AlarmIntakeResult =
  | { status: 'dropped' | 'ignored'; reason: string }
  | { status: 'started'; incidentId: string; executionArn: string }
  /** The state change was taken in by an earlier delivery; `executionArn` when that delivery is known to have started it. */
  | { status: 'duplicate'; incidentId: string; reason: string; executionArn?: string };

/**
 * How long a state change's claim may stay unsettled before a redelivery takes it over: longer than the intake
 * may run (serverless.yml: on-health-alarm `timeout: 20`), so the delivery that holds it is dead by then, and
 * shorter than Lambda's first retry of a failed asynchronous invocation (about a minute, Lambda Developer Guide).
 */
export const CLAIM_STALE_SECONDS = 30;

export interface HandleHealthAlarmDeps {
  plans: PlanRegistry;
  ledger: Pick<
    LedgerPort,
    'getTopology' | 'getLock' | 'claimAlarmIncident' | 'settleAlarmIncident' | 'claimPlanIncident' | 'recordSignal'
  >;
  workflow: Pick<WorkflowPort, 'startFailover' | 'getExecutionStatus'>;
  metrics: Pick<MetricsPort, 'countRejectedAlarmEvent'>;
  /** The state changes this container took in (one per container: shared/domain/seen-state-changes.ts). */
  seen: SeenStateChanges<AlarmIntakeResult>;
  clock: Clock;
  log: Log;
  /** Events older than this are stale: EventBridge retries for up to 24 h (EventBridge User Guide, retry policy). */
  maxEventAgeSeconds: number;
  /** Events dated further ahead of our clock than this are refused (MAX_CLOCK_SKEW_SECONDS). */
  maxClockSkewSeconds: number;
}

/**
 * Turns an alarm's transition into ALARM into at most one failover execution per incident.
 *
 * Stale and future-dated events are dropped, alarms no plan names are ignored, each with a warning naming the
 * field and a count (AlarmEventsRejected); transitions other than into ALARM are ignored. A transition into ALARM
 * is then taken in once (takeIn): a redelivery costs no AWS call when this container saw it, and one conditional
 * put when it did not. Never throws for a bad event: EventBridge would retry it for a day.
 */
export const handleHealthAlarm = async (
  event: AlarmStateChange,
  deps: HandleHealthAlarmDeps,
): Promise<AlarmIntakeResult> => {
  const { plans, metrics, clock, log } = deps;
  const { alarmName, state, previousState } = event.detail;
  const now = clock.now();

  // A failover started by an event from the future would count its RTO from a time that has not come: refuse it.
  for (const [field, time] of [
    ['time', event.time],
    ['detail.state.timestamp', state.timestamp],
  ] as const) {
    const aheadSeconds = ((parseAlarmTime(time)?.getTime() ?? 0) - now.getTime()) / 1000;
    if (aheadSeconds > deps.maxClockSkewSeconds) {
      const reason =
        `event ${field} ${time} is ${Math.round(aheadSeconds)} s in the future, more than the ` +
        `${deps.maxClockSkewSeconds} s of clock skew allowed (MAX_CLOCK_SKEW_SECONDS): not started`;
      log.warn('future-dated alarm event dropped', { alarmName, field, eventTime: time, aheadSeconds, reason });
      metrics.countRejectedAlarmEvent('future-dated');
      return { status: 'dropped', reason };
    }
  }

  const ageSeconds = (now.getTime() - (parseAlarmTime(event.time)?.getTime() ?? 0)) / 1000;
  if (ageSeconds > deps.maxEventAgeSeconds) {
    const reason = `event from ${event.time} is ${Math.round(ageSeconds)} s old, older than ${deps.maxEventAgeSeconds} s (MAX_EVENT_AGE_SECONDS)`;
    log.warn('stale alarm event dropped', { alarmName, field: 'time', eventTime: event.time, ageSeconds });
    metrics.countRejectedAlarmEvent('stale');
    return { status: 'dropped', reason };
  }

  const plan = plans.findByAlarm(alarmName);
  if (!plan) {
    const reason = `alarm ${alarmName} is not named by any plan (trigger.alarms)`;
    // The alarm rule only lets the plans' alarms through: one that no plan names means the rule and the plans
    // deployed disagree, and an alarm that should fail a plan over may be the one renamed.
    log.warn('alarm not named by any plan', {
      alarmName,
      field: 'detail.alarmName',
      fix: "name the alarm in a plan's trigger.alarms and deploy, or remove it from the alarm rule",
    });
    metrics.countRejectedAlarmEvent('unknown-alarm');
    return { status: 'ignored', reason };
  }
  // A plan with a quorum hears its signals leave ALARM too: a signal that recovered no longer counts.
  if (usesQuorum(plan) && state.value !== 'ALARM' && previousState?.value === 'ALARM') {
    return recordSignalLeft(event, plan, deps);
  }
  if (state.value !== 'ALARM' || previousState?.value === 'ALARM') {
    log.info('not a transition into ALARM', { alarmName, plan: plan.app, from: previousState?.value, to: state.value });
    return {
      status: 'ignored',
      reason: `alarm ${alarmName} went from ${previousState?.value ?? 'unknown'} to ${state.value}: only a transition into ALARM starts a failover`,
    };
  }

  const incidentId = incidentIdFor(plan.app, alarmName, state.timestamp);
  const first = deps.seen.get(incidentId);
  if (first) {
    const answer = await first;
    log.info('alarm state change already taken in here', { alarmName, plan: plan.app, incidentId });
    return {
      status: 'duplicate',
      incidentId,
      reason: `alarm ${alarmName}'s change to ALARM at ${state.timestamp} was already taken in (${answer.status})`,
      ...('executionArn' in answer && answer.executionArn ? { executionArn: answer.executionArn } : {}),
    };
  }
  const answer = takeIn(event, plan, incidentId, now, deps);
  deps.seen.remember(incidentId, answer);
  return answer;
};

/**
 * The first delivery of a transition into ALARM that this container sees. One conditional put claims the state
 * change (the dedupe, and the incident's record that Assess takes as proof); only its claimant goes on. Then the
 * plan's state: already failed over or in the cool-down after a failover (skipReason), a run in progress (the
 * plan's lock), another incident opened within `trigger.coolDownSeconds` (a flap): each settles the claim as
 * ignored. Otherwise StartExecution, named by the incident id, with an input that depends only on the
 * transition, so a retry cannot start two (Step Functions: same name and input is idempotent).
 */
const takeIn = async (
  event: AlarmStateChange,
  plan: Plan,
  incidentId: string,
  now: Date,
  deps: HandleHealthAlarmDeps,
): Promise<AlarmIntakeResult> => {
  const { ledger, workflow, log } = deps;
  const { alarmName, state } = event.detail;
  const trigger = { type: 'alarm' as const, alarmName, impactStartedAt: impactStartedAt(state) };
  const alarmArn = event.resources[0];
  const incident: AlarmIncident = {
    incidentId,
    plan: plan.app,
    alarmName,
    ...(alarmArn ? { alarmArn } : {}),
    stateTimestamp: state.timestamp,
    impactStartedAt: trigger.impactStartedAt,
    openedAt: now.toISOString(),
  };
  const staleBefore = new Date(now.getTime() - CLAIM_STALE_SECONDS * 1000);
  if (!(await ledger.claimAlarmIncident(incident, staleBefore))) {
    log.info('alarm state change already taken in', { alarmName, plan: plan.app, incidentId });
    return {
      status: 'duplicate',
      incidentId,
      reason: `alarm ${alarmName}'s change to ALARM at ${state.timestamp} was already taken in by an earlier delivery`,
    };
  }

  const ignore = async (reason: string): Promise<AlarmIntakeResult> => {
    await ledger.settleAlarmIncident({ ...incident, settled: 'ignored', reason });
    log.info('alarm ignored for plan state', { alarmName, plan: plan.app, incidentId, reason });
    return { status: 'ignored', reason };
  };
  if (usesQuorum(plan)) {
    // One signal's change into ALARM: record it with the plan's signals, then start only when the quorum is met.
    const states = await ledger.recordSignal(plan.app, {
      alarmName,
      kind: signalKind(plan, alarmName),
      state: 'ALARM',
      stateTimestamp: state.timestamp,
      changedAt: (parseAlarmTime(state.timestamp) ?? now).toISOString(),
      impactStartedAt: trigger.impactStartedAt,
    });
    if (!states) {
      return ignore(
        `alarm ${alarmName} changed state after ${state.timestamp} already: this older change counts no more`,
      );
    }
    const verdict = evaluateQuorum(plan, states);
    const total = planSignals(plan).length;
    if (!verdict.met) {
      return ignore(
        `${describeQuorum(verdict, total)}: waiting for ${verdict.quorum - verdict.inAlarm.length} more of ` +
          `${verdict.waitingFor.join(', ')} (trigger.quorum)`,
      );
    }
    incident.signals = verdict.inAlarm;
    // RTO counts from the first breaching datapoint of any signal of the quorum, not from the one that completed it.
    if (verdict.impactStartedAt) {
      incident.impactStartedAt = verdict.impactStartedAt;
      trigger.impactStartedAt = verdict.impactStartedAt;
    }
    log.info('trigger quorum met', { alarmName, plan: plan.app, incidentId, quorum: describeQuorum(verdict, total) });
  }
  const skip = skipReason(plan, currentTopology(plan, await ledger.getTopology(plan.app)), trigger, now);
  if (skip) return ignore(skip);
  const lock = await ledger.getLock(plan.app);
  if (lock?.holder && lock.holder !== incidentId) {
    // A holder whose execution ended without releasing the lock (its end never reached on-run-failed) is no run in
    // progress: start, and Assess settles it and takes the lock (shared/usecases/orphaned-lock.ts).
    const orphan = await orphanOf(lock, workflow, log);
    if (!orphan) {
      return ignore(`a run of plan ${plan.app} is in progress (incident ${lock.holder}): one execution per incident`);
    }
    log.warn('lock holder ended without releasing the lock: starting', { holder: lock.holder, orphan: orphan.how });
  }
  // Measured between the alarm's own state changes, so that a late or redelivered event cannot stretch it.
  const changedAt = parseAlarmTime(state.timestamp) ?? now;
  const coolDownStart = new Date(changedAt.getTime() - plan.trigger.coolDownSeconds * 1000);
  if (!(await ledger.claimPlanIncident(plan.app, incidentId, changedAt, coolDownStart))) {
    return ignore(
      `plan ${plan.app} has another alarm incident that began less than ${formatSeconds(plan.trigger.coolDownSeconds)} ` +
        'before this change to ALARM (trigger.coolDownSeconds): a flap of that incident starts no execution',
    );
  }

  const input: RunInput = {
    plan: plan.app,
    action: 'failover',
    mode: 'live',
    reason: incident.signals
      ? `signals ${incident.signals.map((signal) => signal.alarmName).join(', ')} in ALARM (trigger.quorum ${plan.trigger.quorum})`
      : `alarm ${alarmName} entered ALARM`,
    requestedBy: `alarm:${alarmName}`,
    incidentId,
    trigger: { type: 'alarm', alarmName, ...(alarmArn ? { alarmArn } : {}) },
  };
  const { executionArn, alreadyStarted } = await workflow.startFailover(incidentId, input);
  await ledger.settleAlarmIncident({ ...incident, settled: 'started' });
  log.info(alreadyStarted ? 'failover already started' : 'failover started', {
    alarmName,
    plan: plan.app,
    incidentId,
    executionArn,
  });
  return alreadyStarted
    ? { status: 'duplicate', incidentId, executionArn, reason: `execution ${incidentId} was already started` }
    : { status: 'started', incidentId, executionArn };
};

/**
 * A plan with a quorum: one signal's change out of ALARM (to OK or INSUFFICIENT_DATA). Recorded so that it no
 * longer counts towards the quorum; it starts and stops nothing. A redelivery this container saw costs no call, any
 * other one conditional update that keeps the newer change.
 */
const recordSignalLeft = async (
  event: AlarmStateChange,
  plan: Plan,
  deps: HandleHealthAlarmDeps,
): Promise<AlarmIntakeResult> => {
  const { alarmName, state, previousState } = event.detail;
  const key = `left:${incidentIdFor(plan.app, alarmName, state.timestamp)}`;
  const first = deps.seen.get(key);
  if (first) return first;
  const reason = `alarm ${alarmName} went from ${previousState?.value ?? 'unknown'} to ${state.value}: recorded, it no longer counts towards plan ${plan.app}'s quorum (trigger.quorum)`;
  const answer = deps.ledger
    .recordSignal(plan.app, {
      alarmName,
      kind: signalKind(plan, alarmName),
      state: 'OK',
      stateTimestamp: state.timestamp,
      changedAt: (parseAlarmTime(state.timestamp) ?? deps.clock.now()).toISOString(),
    })
    .then((): AlarmIntakeResult => {
      deps.log.info('signal left ALARM', { alarmName, plan: plan.app, to: state.value });
      return { status: 'ignored', reason };
    });
  deps.seen.remember(key, answer);
  return answer;
};
