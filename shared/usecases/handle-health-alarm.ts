import * as z from 'zod';
import { skipReason } from '../domain/decision';
import { impactStartedAt, incidentIdFor, parseAlarmTime } from '../domain/incident';
import type { LedgerPort, WorkflowPort } from '../domain/ports';
import type { RunInput } from '../domain/run';
import type { PlanRegistry } from '../plan/registry';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

const alarmTime = z.string().refine((time) => parseAlarmTime(time) !== undefined, { error: 'expected a time' });

/** The EventBridge "CloudWatch Alarm State Change" event, as much of it as the intake reads. */
export const alarmStateChangeSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  time: alarmTime,
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({
      value: z.string().min(1),
      timestamp: alarmTime,
      reasonData: z.string().optional(),
    }),
    previousState: z.object({ value: z.string().min(1) }).optional(),
  }),
});
export type AlarmStateChange = z.output<typeof alarmStateChangeSchema>;

export type AlarmIntakeResult =
  | { status: 'dropped' | 'ignored'; reason: string }
  | { status: 'started' | 'duplicate'; incidentId: string; executionArn: string };

export interface HandleHealthAlarmDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'getPlanState' | 'openAlarmIncident'>;
  workflow: Pick<WorkflowPort, 'startFailover'>;
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
 * Stale and future-dated events are dropped; alarms no plan names, transitions other than into ALARM, plans already failed over
 * or in their cool-down are ignored. Otherwise StartExecution with name = incident id and an input that depends
 * only on the alarm's transition, so a duplicate delivery is an idempotent StartExecution (Step Functions
 * Developer Guide: same name and input). Never throws for a bad event: EventBridge would retry it for a day.
 */
export const handleHealthAlarm = async (
  event: AlarmStateChange,
  deps: HandleHealthAlarmDeps,
): Promise<AlarmIntakeResult> => {
  const { plans, ledger, workflow, clock, log } = deps;
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
      return { status: 'dropped', reason };
    }
  }

  const ageSeconds = (now.getTime() - (parseAlarmTime(event.time)?.getTime() ?? 0)) / 1000;
  if (ageSeconds > deps.maxEventAgeSeconds) {
    const reason = `event from ${event.time} is ${Math.round(ageSeconds)} s old, older than ${deps.maxEventAgeSeconds} s (MAX_EVENT_AGE_SECONDS)`;
    log.warn('stale alarm event dropped', { alarmName, eventTime: event.time, ageSeconds });
    return { status: 'dropped', reason };
  }

  const plan = plans.findByAlarm(alarmName);
  if (!plan) {
    log.info('alarm not named by any plan', { alarmName });
    return { status: 'ignored', reason: `alarm ${alarmName} is not named by any plan (trigger.alarms)` };
  }
  if (state.value !== 'ALARM' || previousState?.value === 'ALARM') {
    log.info('not a transition into ALARM', { alarmName, plan: plan.app, from: previousState?.value, to: state.value });
    return {
      status: 'ignored',
      reason: `alarm ${alarmName} went from ${previousState?.value ?? 'unknown'} to ${state.value}: only a transition into ALARM starts a failover`,
    };
  }

  const trigger = { type: 'alarm' as const, alarmName, impactStartedAt: impactStartedAt(state) };
  const skip = skipReason(plan, await ledger.getPlanState(plan.app), trigger, now);
  if (skip) {
    log.info('alarm ignored for plan state', { alarmName, plan: plan.app, reason: skip });
    return { status: 'ignored', reason: skip };
  }

  const incidentId = incidentIdFor(plan.app, alarmName, state.timestamp);
  const alarmArn = event.resources[0];
  // The proof that this run was started by an alarm: Assess accepts `trigger.type: alarm` only for an incident
  // opened here, and takes the impact time from this record, never from the execution input.
  await ledger.openAlarmIncident({
    incidentId,
    plan: plan.app,
    alarmName,
    ...(alarmArn ? { alarmArn } : {}),
    stateTimestamp: state.timestamp,
    impactStartedAt: trigger.impactStartedAt,
    openedAt: now.toISOString(),
  });
  const input: RunInput = {
    plan: plan.app,
    action: 'failover',
    mode: 'live',
    reason: `alarm ${alarmName} entered ALARM`,
    requestedBy: `alarm:${alarmName}`,
    incidentId,
    trigger: { type: 'alarm', alarmName, ...(alarmArn ? { alarmArn } : {}) },
  };
  const { executionArn, alreadyStarted } = await workflow.startFailover(incidentId, input);
  log.info(alreadyStarted ? 'failover already started' : 'failover started', {
    alarmName,
    plan: plan.app,
    incidentId,
    executionArn,
  });
  return { status: alreadyStarted ? 'duplicate' : 'started', incidentId, executionArn };
};
