import type { Plan } from '../plan/schema';
import { proberAlarmName } from '../plan/settings';

/**
 * A plan's trigger as signals and a quorum (issue 10, part 2): each alarm of `trigger.alarms` and the standby
 * prober's alarm is a signal; a failover starts when `trigger.quorum` of them are in ALARM together. Without a
 * quorum any one signal starts it, as before signals were recorded.
 */

export type SignalKind = 'alarm' | 'prober';

/** A signal's latest state change, as the alarm intake records it in the ledger (one item per plan). */
export interface SignalState {
  alarmName: string;
  kind: SignalKind;
  state: 'ALARM' | 'OK';
  /** `detail.state.timestamp` of the change, exactly as CloudWatch sent it. */
  stateTimestamp: string;
  /** When the change happened (ISO): a change older than the recorded one never replaces it. */
  changedAt: string;
  /** For a change into ALARM: the signal's first breaching datapoint (shared/domain/incident.ts, impactStartedAt). */
  impactStartedAt?: string;
}

/** The plan's signals: its alarms, then its prober's alarm when it has a prober. */
export const planSignals = (plan: Plan): { alarmName: string; kind: SignalKind }[] => [
  ...plan.trigger.alarms.map((alarmName) => ({ alarmName, kind: 'alarm' as const })),
  ...(plan.trigger.prober ? [{ alarmName: proberAlarmName(plan), kind: 'prober' as const }] : []),
];

/** Which kind of signal `alarmName` is for `plan`. */
export const signalKind = (plan: Plan, alarmName: string): SignalKind =>
  plan.trigger.prober && alarmName === proberAlarmName(plan) ? 'prober' : 'alarm';

/** How many signals must agree: the plan's quorum, else 1. */
export const quorumOf = (plan: Plan): number => plan.trigger.quorum ?? 1;

/** Whether the intake records signal states for this plan: only when more than one signal must agree. */
export const usesQuorum = (plan: Plan): boolean => quorumOf(plan) > 1;

export interface QuorumVerdict {
  met: boolean;
  quorum: number;
  /** The plan's signals in ALARM now, the earliest first. */
  inAlarm: SignalState[];
  /** The plan's signals not in ALARM (no state recorded, or OK). */
  waitingFor: string[];
  /** The earliest first breaching datapoint of the signals in ALARM: RTO counts from here. */
  impactStartedAt?: string;
}

/**
 * Whether the signals in ALARM meet the plan's quorum. Only the plan's current signals count (a state recorded for
 * an alarm since removed from the plan does not).
 */
export const evaluateQuorum = (plan: Plan, states: readonly SignalState[]): QuorumVerdict => {
  const byName = new Map(states.map((state) => [state.alarmName, state]));
  const signals = planSignals(plan);
  const inAlarm = signals
    .flatMap((signal) => {
      const state = byName.get(signal.alarmName);
      return state?.state === 'ALARM' ? [state] : [];
    })
    .sort((a, b) => (a.impactStartedAt ?? a.changedAt).localeCompare(b.impactStartedAt ?? b.changedAt));
  const quorum = quorumOf(plan);
  const impacts = inAlarm.map((state) => state.impactStartedAt ?? state.changedAt).sort();
  return {
    met: inAlarm.length >= quorum,
    quorum,
    inAlarm,
    waitingFor: signals
      .filter((signal) => !inAlarm.some((state) => state.alarmName === signal.alarmName))
      .map((signal) => signal.alarmName),
    ...(impacts[0] ? { impactStartedAt: impacts[0] } : {}),
  };
};

/** "2 of 3 signals in ALARM (a, b)": for reasons and logs. */
export const describeQuorum = (verdict: QuorumVerdict, total: number): string =>
  `${verdict.inAlarm.length} of ${total} signal${total === 1 ? '' : 's'} in ALARM` +
  (verdict.inAlarm.length ? ` (${verdict.inAlarm.map((state) => state.alarmName).join(', ')})` : '') +
  `, quorum ${verdict.quorum}`;

/**
 * The alarm states the deployment's alarm rule lets through to the intake: ALARM only, as before signals, unless a
 * plan has a quorum; then OK and INSUFFICIENT_DATA too, so that a signal that left ALARM stops counting.
 */
export const intakeAlarmStates = (plans: readonly Plan[]): string[] =>
  plans.some(usesQuorum) ? ['ALARM', 'OK', 'INSUFFICIENT_DATA'] : ['ALARM'];
