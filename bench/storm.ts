import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Random } from '../sim/random';

/**
 * The alarm storm: many CloudWatch "Alarm State Change" deliveries for one plan, as EventBridge and a flapping
 * Route 53 health check produce them, fed to the real intake (functions/on-health-alarm.ts) against the ledger on
 * dynalite. What a delivery may be:
 * - a delivery of one of the plan alarm's state changes (OK -> ALARM or ALARM -> OK; the alarm flaps), often
 *   delivered again (EventBridge and Lambda deliver at least once: aws-facts.md, EventBridge delivery and Lambda
 *   async), and late: every delivery waits a random delay, so an OK can arrive before the ALARM it followed;
 * - a state change of an alarm that no plan names;
 * - a malformed event (a field missing or not a time, another detail-type).
 * The same seed gives the same deliveries in the same order; times are relative to `now`, so the intake, which
 * reads the system clock, sees every event as recent.
 */

export type StormKind = 'plan' | 'unknown-alarm' | 'malformed';

export interface StormDelivery {
  kind: StormKind;
  /** The state change this delivers (alarm, state, timestamp); a malformed event has none. */
  stateChange?: string;
  /** An earlier delivery in the feed carried the same state change. */
  duplicate: boolean;
  /** The alarm's state changed after this one and that later change was delivered before this one. */
  outOfOrder: boolean;
  event: unknown;
}

export interface StormOptions {
  seed: number;
  /** Deliveries in all. */
  count: number;
  now: Date;
  alarmName: string;
  /** State changes of the plan's alarm (alternately into ALARM and back to OK), the first one into ALARM. */
  transitions?: number;
  /** Share of deliveries for alarms no plan names. */
  unknownShare?: number;
  /** Share of malformed deliveries. */
  malformedShare?: number;
}

const SECOND = 1000;

/** CloudWatch's time format in alarm state changes: `2026-11-25T03:00:59.989+0000`. */
const cloudWatchTime = (at: Date): string => at.toISOString().replace('Z', '+0000');

interface StateChange {
  alarmName: string;
  from: string;
  to: string;
  at: Date;
}

const stateChangeEvent = (change: StateChange, id: string) => ({
  version: '0',
  id,
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: change.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${change.alarmName}`],
  detail: {
    alarmName: change.alarmName,
    state: {
      value: change.to,
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints was less than the threshold (1.0).',
      reasonData: JSON.stringify({
        version: '1.0',
        startDate: cloudWatchTime(new Date(change.at.getTime() - 60 * SECOND)),
        statistic: 'Minimum',
        period: 60,
        threshold: 1,
      }),
      timestamp: cloudWatchTime(change.at),
    },
    previousState: { value: change.from, timestamp: cloudWatchTime(new Date(change.at.getTime() - 40 * SECOND)) },
    configuration: { description: 'Route 53 health check of the primary region' },
  },
});

/** Broken in the ways a hand-made or truncated event is: each names one field the intake must report. */
const malformedEvent = (valid: ReturnType<typeof stateChangeEvent>, variant: number): unknown => {
  switch (variant % 5) {
    case 0:
      return { ...valid, detail: { ...valid.detail, alarmName: undefined } };
    case 1:
      return { ...valid, detail: { ...valid.detail, state: { ...valid.detail.state, timestamp: 'yesterday' } } };
    case 2:
      return { ...valid, 'detail-type': 'CloudWatch Alarm Configuration Change' };
    case 3:
      return { ...valid, detail: undefined };
    default:
      return { ...valid, time: 42 };
  }
};

const stateChangeKey = (change: StateChange): string => `${change.alarmName}|${change.to}|${cloudWatchTime(change.at)}`;

/** The storm's deliveries, in delivery order. */
export const generateStorm = (options: StormOptions): StormDelivery[] => {
  const random = new Random(options.seed);
  const transitions = options.transitions ?? 12;
  const unknownShare = options.unknownShare ?? 0.05;
  const malformedShare = options.malformedShare ?? 0.03;
  // The flaps: one change every 40-50 s, the last one a minute before now, all within MAX_EVENT_AGE_SECONDS (900).
  const first = options.now.getTime() - (60 + transitions * 45) * SECOND;
  const changes: StateChange[] = [];
  for (let index = 0; index < transitions; index++) {
    const into = index % 2 === 0 ? 'ALARM' : 'OK';
    changes.push({
      alarmName: options.alarmName,
      from: into === 'ALARM' ? 'OK' : 'ALARM',
      to: into,
      at: new Date(first + index * 45 * SECOND + Math.floor(random.between(0, 5000))),
    });
  }
  const unknown: StateChange[] = [];
  for (let index = 0; index < 10; index++) {
    unknown.push({
      alarmName: `billing-${index}-health`,
      from: 'OK',
      to: 'ALARM',
      at: new Date(first + Math.floor(random.between(0, transitions * 45 * SECOND))),
    });
  }

  const drafts: { deliverAt: number; kind: StormKind; change?: StateChange; event: unknown }[] = [];
  for (let index = 0; index < options.count; index++) {
    const draw = random.next();
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random.next() * list.length)] as T;
    // Most deliveries come within seconds, some minutes late (retries after a throttled or failed invocation).
    const delay = random.next() < 0.9 ? random.between(0, 10 * SECOND) : random.between(10 * SECOND, 60 * SECOND);
    if (draw < malformedShare) {
      const change = pick(changes);
      const event = malformedEvent(stateChangeEvent(change, `malformed-${index}`), index);
      drafts.push({ deliverAt: change.at.getTime() + delay, kind: 'malformed', event });
    } else if (draw < malformedShare + unknownShare) {
      const change = pick(unknown);
      drafts.push({ deliverAt: change.at.getTime() + delay, kind: 'unknown-alarm', change, event: undefined });
    } else {
      const change = pick(changes);
      drafts.push({ deliverAt: change.at.getTime() + delay, kind: 'plan', change, event: undefined });
    }
  }
  drafts.sort((a, b) => a.deliverAt - b.deliverAt);

  const seen = new Set<string>();
  const latestDelivered = new Map<string, number>();
  return drafts.map((draft): StormDelivery => {
    const change = draft.change;
    if (!change) return { kind: draft.kind, duplicate: false, outOfOrder: false, event: draft.event };
    const key = stateChangeKey(change);
    const duplicate = seen.has(key);
    seen.add(key);
    const latest = latestDelivered.get(change.alarmName) ?? 0;
    latestDelivered.set(change.alarmName, Math.max(latest, change.at.getTime()));
    return {
      kind: draft.kind,
      stateChange: key,
      duplicate,
      outOfOrder: change.at.getTime() < latest,
      // One EventBridge event per state change: a redelivery carries the same id.
      event: stateChangeEvent(change, `event-${key}`),
    };
  });
};

/** What one run of the storm measured (bench/storm-child.ts prints it as JSON). */
export interface StormResult {
  concurrency: number;
  /** The real handler, one container's memory of state changes (true); or every delivery a new container (false). */
  memo: boolean;
  deliveries: number;
  duplicates: number;
  outOfOrder: number;
  byKind: Record<StormKind, number>;
  /** Intake answers by status (started, duplicate, ignored, dropped, error). */
  byStatus: Record<string, number>;
  executions: number;
  /** AWS calls by `Client.Command`. */
  calls: Record<string, number>;
  totalCalls: number;
  /** AWS calls made by the deliveries of a state change other than the one that did its work (the most calls). */
  duplicateCalls: number;
  maxCallsPerDuplicate: number;
  wallMs: number;
  /** CPU time of the process (user + system, the dynalite server included) while the deliveries were handled. */
  cpuMs: number;
}

/** Runs one storm in a fresh Node process (a cold intake with its own dynalite) and returns what it measured. */
export const runStormProcess = (options: {
  seed: number;
  count: number;
  concurrency: number;
  memo: boolean;
}): StormResult => {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, 'storm-child.ts'),
      String(options.seed),
      String(options.count),
      String(options.concurrency),
      options.memo ? 'memo' : 'no-memo',
    ],
    { encoding: 'utf8', cwd: join(__dirname, '..'), maxBuffer: 16 * 1024 * 1024 },
  );
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`storm run (${options.concurrency} in flight) failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return JSON.parse(lastLine) as StormResult;
};

export const callsPerDuplicate = (result: StormResult): number =>
  result.duplicates === 0 ? 0 : result.duplicateCalls / result.duplicates;

export const eventsPerSecond = (result: StormResult): number => result.deliveries / (result.wallMs / 1000);

/** The storm's targets (issue 12): one execution per incident, at most one AWS call per duplicate, 5,000 events/s. */
export const STORM_TARGETS = { executions: 1, callsPerDuplicate: 1, eventsPerSecond: 5000 } as const;

const value = (met: boolean, shown: string): string => `${met ? 'met' : 'NOT MET'} (${shown})`;

/**
 * The storm section's lines for runs of the same deliveries (sequential, then in flight): what each run counted,
 * and one target line per goal and run. Calls per duplicate is the most any one duplicate delivery cost.
 */
export const stormReport = (runs: readonly StormResult[]): string[] => {
  const lines: string[] = [];
  for (const run of runs) {
    const label = `${run.concurrency === 1 ? 'sequential' : `${run.concurrency} in flight`}${run.memo ? '' : ', every delivery a new container (no memory)'}`;
    lines.push(
      `alarm storm, ${label}: ${run.deliveries} deliveries (${run.byKind.plan} of the plan's alarm, ` +
        `${run.byKind['unknown-alarm']} unknown alarms, ${run.byKind.malformed} malformed; ${run.duplicates} ` +
        `duplicates, ${run.outOfOrder} out of order) in ${run.wallMs.toFixed(0)} ms`,
    );
    lines.push(
      `  answers: ${Object.entries(run.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status} ${n}`)
        .join(', ')}`,
    );
    lines.push(
      `  executions ${run.executions}; AWS calls ${run.totalCalls} (${Object.entries(run.calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([call, n]) => `${call.replace(/Command$/, '')} ${n}`)
        .join(', ')}); on duplicates ${run.duplicateCalls}, ` +
        `${callsPerDuplicate(run).toFixed(2)} per duplicate, at most ${run.maxCallsPerDuplicate}`,
    );
    const rate = eventsPerSecond(run);
    lines.push(
      `  CPU ${run.cpuMs.toFixed(0)} ms (this process, dynalite included): ${(run.deliveries / (run.cpuMs / 1000)).toFixed(0)} deliveries per CPU second`,
    );
    lines.push(
      `  target executions == ${STORM_TARGETS.executions}: ${value(run.executions === STORM_TARGETS.executions, String(run.executions))}`,
    );
    lines.push(
      `  target calls per duplicate <= ${STORM_TARGETS.callsPerDuplicate}: ${value(run.maxCallsPerDuplicate <= STORM_TARGETS.callsPerDuplicate, `at most ${run.maxCallsPerDuplicate}, mean ${callsPerDuplicate(run).toFixed(2)}`)}`,
    );
    // With no memory every delivery waits on a DynamoDB round trip: in AWS those run in as many containers as
    // are in flight, so this run's rate says nothing about the intake's own speed, and is no target.
    lines.push(
      run.memo
        ? `  target events/s >= ${STORM_TARGETS.eventsPerSecond}: ${value(rate >= STORM_TARGETS.eventsPerSecond, rate.toFixed(0))}`
        : `  events/s ${rate.toFixed(0)} (no target: every delivery waits on a conditional put to dynalite)`,
    );
  }
  return lines;
};
