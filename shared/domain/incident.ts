import { createHash } from 'node:crypto';

/**
 * Incident identity and start of impact, derived only from the alarm's own state change: every duplicate delivery
 * of one transition (EventBridge and Lambda deliver at least once) yields the same id, hence the same execution
 * name, hence at most one failover per incident.
 */

/** Step Functions execution names and ledger keys allow at most 80 characters. */
const MAX_INCIDENT_ID_LENGTH = 80;

/** CloudWatch writes offsets as `+0000`; JavaScript's ISO parser only promises to read `+00:00`. */
const normalizeOffset = (time: string): string => time.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');

/**
 * An alarm storm delivers the same few state changes thousands of times (at-least-once delivery, flaps): the intake
 * parses each time and hashes each incident id once per container instead of once per delivery (in the storm bench
 * they were a third of the intake's CPU). Pure functions of their strings, so a remembered answer is the answer;
 * bounded, so that a stream of distinct events cannot grow the memory: full, it starts over.
 */
const MEMO_LIMIT = 1024;

const memoized = <T>(memo: Map<string, T>, key: string, compute: () => T): T => {
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
};

/** Milliseconds since the epoch of each time string parsed, NaN for one that is not a time. */
const parsedTimes = new Map<string, number>();

/** Parses a CloudWatch or ISO time; undefined when it is not a time. */
export const parseAlarmTime = (time: string | undefined): Date | undefined => {
  if (time === undefined) return undefined;
  const ms = memoized(parsedTimes, time, () => new Date(normalizeOffset(time)).getTime());
  // A new Date per call: a caller may change the one it gets.
  return Number.isNaN(ms) ? undefined : new Date(ms);
};

/** `2026-11-25T03:04:05.678Z` -> `20261125T030405Z` */
const compactUtc = (at: Date): string => `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/**
 * The incident id of an alarm transition: `<app>-<yyyymmddThhmmssZ>-<8 hex>`, where the time is the alarm's state
 * timestamp and the hex is the start of sha256(alarm name + state timestamp as sent). At most 80 characters of
 * `[A-Za-z0-9-_]` (an execution name and a ledger key); a long app name is shortened, never the hash.
 *
 * @param app - the plan's app name
 * @param alarmName - the CloudWatch alarm that changed state
 * @param stateTimestamp - `detail.state.timestamp` exactly as CloudWatch sent it
 */
export const incidentIdFor = (app: string, alarmName: string, stateTimestamp: string): string =>
  memoized(incidentIds, `${app}\u0000${alarmName}\u0000${stateTimestamp}`, () =>
    computeIncidentId(app, alarmName, stateTimestamp),
  );

const incidentIds = new Map<string, string>();

const computeIncidentId = (app: string, alarmName: string, stateTimestamp: string): string => {
  const at = parseAlarmTime(stateTimestamp);
  if (!at) throw new RangeError(`alarm state timestamp "${stateTimestamp}" is not a time`);
  const hash = createHash('sha256').update(`${alarmName}${stateTimestamp}`).digest('hex').slice(0, 8);
  const suffix = `-${compactUtc(at)}-${hash}`;
  const prefix = app.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, MAX_INCIDENT_ID_LENGTH - suffix.length);
  return `${prefix}${suffix}`;
};

/** The part of a CloudWatch alarm state that says when it started breaching. */
export interface AlarmStateTimes {
  /** `detail.state.timestamp`: when the alarm changed state. */
  timestamp: string;
  /** `detail.state.reasonData`: a JSON string CloudWatch fills for metric alarms. */
  reasonData?: string;
}

const candidateTimes = (reasonData: string | undefined): string[] => {
  if (!reasonData) return [];
  let data: unknown;
  try {
    data = JSON.parse(reasonData);
  } catch {
    return [];
  }
  if (typeof data !== 'object' || data === null) return [];
  const { startDate, evaluatedDatapoints } = data as { startDate?: unknown; evaluatedDatapoints?: unknown };
  const times: string[] = [];
  if (typeof startDate === 'string') times.push(startDate);
  if (Array.isArray(evaluatedDatapoints)) {
    for (const point of evaluatedDatapoints) {
      const timestamp = (point as { timestamp?: unknown } | null)?.timestamp;
      if (typeof timestamp === 'string') times.push(timestamp);
    }
  }
  return times;
};

/**
 * When impact began: the earliest datapoint the alarm evaluated (`startDate`, `evaluatedDatapoints[].timestamp`
 * of `reasonData`), else the state change itself. The event does not carry the comparison operator, so a
 * datapoint cannot be told breaching or not; taking the earliest can only overstate the RTO, never hide time.
 * Times after the state change, or absurdly long before it (a day), are ignored as garbage.
 *
 * @returns an ISO-8601 UTC time
 */
export const impactStartedAt = (state: AlarmStateTimes): string => {
  const changedAt = parseAlarmTime(state.timestamp);
  if (!changedAt) throw new RangeError(`alarm state timestamp "${state.timestamp}" is not a time`);
  const oldestPlausible = changedAt.getTime() - 24 * 3600 * 1000;
  let earliest = changedAt.getTime();
  for (const time of candidateTimes(state.reasonData)) {
    const at = parseAlarmTime(time)?.getTime();
    if (at !== undefined && at >= oldestPlausible && at < earliest) earliest = at;
  }
  return new Date(earliest).toISOString();
};
