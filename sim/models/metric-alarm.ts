import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Cancel, Scheduler } from '../clock';
import type { Random } from '../random';
import type { EventBus } from './eventbridge';

/**
 * One CloudWatch metric alarm, as CloudWatch evaluates it (CloudWatch User Guide, "Evaluating an alarm"): at each
 * period end it reads the last `evaluationPeriods` datapoints, treats the missing ones as `treatMissingData` says,
 * goes to ALARM when at least `datapointsToAlarm` of them breach, to OK when one of them does not, and announces
 * each change of state on the bus as a "CloudWatch Alarm State Change" event of its region. The simulated
 * HealthCheckStatus alarms (cloudwatch.ts) and the standby prober's alarm (prober.ts) are both this model.
 */

export type AlarmValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  value: AlarmValue;
  reason: string;
  reasonData: string;
  timestampMs: number;
}

/** One alarm transition, as recorded by the simulator. */
export interface AlarmTransition {
  alarmName: string;
  atMs: number;
  from: AlarmValue;
  to: AlarmValue;
  eventId: string;
  /** Start of the oldest evaluated datapoint (reasonData.startDate): where the product puts the start of impact. */
  startDateMs: number;
}

/**
 * How a period without a datapoint counts (PutMetricAlarm `TreatMissingData`): `breaching` as a breach, `missing`
 * not at all (when every period is missing, the alarm keeps its state).
 */
export type TreatMissingData = 'breaching' | 'missing';

/** A period's datapoint: the statistic over its samples (undefined when none was published), and how many. */
export interface PeriodDatapoint {
  value?: number;
  sampleCount: number;
}

/** What PutMetricAlarm says of an alarm. Every Switchback alarm compares a 0/1 signal `LessThanThreshold`. */
export interface MetricAlarmConfig {
  name: string;
  /** The region whose CloudWatch holds the alarm, and whose bus carries its events. */
  region: string;
  account: string;
  description: string;
  metric: { namespace: string; name: string; dimensions: Record<string, string> };
  statistic: 'Minimum' | 'Maximum';
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  treatMissingData: TreatMissingData;
}

export interface MetricAlarmDeps {
  random: Random;
  bus: EventBus;
  /** The datapoint of the period [startMs, endMs). */
  readPeriod: (startMs: number, endMs: number) => PeriodDatapoint;
  /** The id of the next state-change event (keyed by the owner, so that every drill replays the same ids). */
  nextEventId: () => string;
  /** When the alarm was created (its initial state's timestamp). */
  createdAtMs: number;
}

/** CloudWatch's own timestamp format in alarm events: `2026-01-15T03:03:00.000+0000`. */
export const cloudWatchTimestamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** `15/01/26 03:02:00`, as in alarm state reasons. */
const reasonDate = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
};

const formatNumber = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * Calls `evaluate(periodEndMs, atMs)` at the end of every period of `periodMs` from the first one after now, each
 * `delayMs` after its period ends (CloudWatch's evaluation delay). Returns what cancels the next call.
 */
export const evaluateEveryPeriod = (
  clock: Scheduler,
  periodMs: number,
  delayMs: number,
  evaluate: (periodEndMs: number, atMs: number) => void,
): Cancel => {
  let cancel: Cancel = () => undefined;
  const schedule = (periodEndMs: number): void => {
    const atMs = periodEndMs + delayMs;
    cancel = clock.schedule(atMs, () => {
      evaluate(periodEndMs, atMs);
      schedule(periodEndMs + periodMs);
    });
  };
  schedule(Math.floor(clock.now() / periodMs) * periodMs + periodMs);
  return () => cancel();
};

/** One metric alarm: its state, its transitions, its evaluation and its DescribeAlarms entry. */
export class MetricAlarmModel {
  readonly arn: string;
  state: AlarmState;
  readonly transitions: AlarmTransition[] = [];

  constructor(
    readonly config: MetricAlarmConfig,
    private readonly deps: MetricAlarmDeps,
  ) {
    this.arn = `arn:aws:cloudwatch:${config.region}:${config.account}:alarm:${config.name}`;
    this.state = {
      value: 'OK',
      reason: 'Unchecked: Initial alarm creation',
      reasonData: '{"version":"1.0"}',
      timestampMs: deps.createdAtMs,
    };
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * Evaluates the last `evaluationPeriods` periods ending at `periodEndMs`, at `atMs`; a change of state is recorded
   * and emitted. Returns the transition, if any.
   */
  evaluate(periodEndMs: number, atMs: number): AlarmTransition | undefined {
    const { periodSeconds, evaluationPeriods, datapointsToAlarm, threshold, treatMissingData } = this.config;
    const periodMs = periodSeconds * 1000;
    // Newest first, as CloudWatch lists them in reasonData.
    const periods = Array.from({ length: evaluationPeriods }, (_, i) => {
      const startMs = periodEndMs - (i + 1) * periodMs;
      return { startMs, ...this.deps.readPeriod(startMs, startMs + periodMs) };
    });
    const evaluated = treatMissingData === 'missing' ? periods.filter((p) => p.value !== undefined) : periods;
    if (evaluated.length === 0) return undefined;
    const breaches = (p: PeriodDatapoint): boolean => (p.value === undefined ? true : p.value < threshold);
    const breaching = evaluated.filter(breaches).length;
    const next: AlarmValue =
      breaching >= datapointsToAlarm ? 'ALARM' : breaching < evaluated.length ? 'OK' : this.state.value;
    if (next === this.state.value) return undefined;

    const present = periods.flatMap((p) => (p.value === undefined ? [] : [{ ...p, value: p.value }]));
    const list = present.map((p) => `${formatNumber(p.value)} (${reasonDate(p.startMs)})`).join(', ');
    const of = `out of the last ${evaluated.length} datapoints [${list}]`;
    const limit = formatNumber(threshold);
    const reason =
      next === 'ALARM'
        ? `Threshold Crossed: ${breaching} ${of} was less than the threshold (${limit}) (minimum ${datapointsToAlarm} datapoint for OK -> ALARM transition).`
        : `Threshold Crossed: ${evaluated.length - breaching} ${of} was not less than the threshold (${limit}) (minimum 1 datapoint for ALARM -> OK transition).`;
    const oldest = periods[periods.length - 1]?.startMs ?? periodEndMs - periodMs;
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: cloudWatchTimestamp(atMs),
      startDate: cloudWatchTimestamp(oldest),
      statistic: this.config.statistic,
      period: periodSeconds,
      recentDatapoints: present.map((p) => p.value).reverse(),
      threshold,
      evaluatedDatapoints: present.map((p) => ({
        timestamp: cloudWatchTimestamp(p.startMs),
        sampleCount: p.sampleCount,
        value: p.value,
      })),
    });
    const previous = this.state;
    this.state = { value: next, reason, reasonData, timestampMs: atMs };
    const transition: AlarmTransition = {
      alarmName: this.config.name,
      atMs,
      from: previous.value,
      to: next,
      eventId: this.deps.nextEventId(),
      startDateMs: oldest,
    };
    this.transitions.push(transition);
    this.publish(transition, previous);
    return transition;
  }

  /** The alarm as DescribeAlarms returns it. */
  describe(): MetricAlarm {
    const { config, state } = this;
    return {
      AlarmName: config.name,
      AlarmArn: this.arn,
      AlarmDescription: config.description,
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: state.value,
      StateReason: state.reason,
      StateReasonData: state.reasonData,
      StateUpdatedTimestamp: new Date(state.timestampMs),
      StateTransitionedTimestamp: new Date(state.timestampMs),
      MetricName: config.metric.name,
      Namespace: config.metric.namespace,
      Statistic: config.statistic,
      Dimensions: Object.entries(config.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Period: config.periodSeconds,
      EvaluationPeriods: config.evaluationPeriods,
      DatapointsToAlarm: config.datapointsToAlarm,
      Threshold: config.threshold,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: config.treatMissingData,
    };
  }

  /** The "CloudWatch Alarm State Change" event of a transition, on the alarm's region's bus. */
  private publish(transition: AlarmTransition, previous: AlarmState): void {
    const { config, state } = this;
    this.deps.bus.publish(
      {
        version: '0',
        id: transition.eventId,
        'detail-type': 'CloudWatch Alarm State Change',
        source: 'aws.cloudwatch',
        account: config.account,
        time: new Date(transition.atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: config.region,
        resources: [this.arn],
        detail: {
          alarmName: config.name,
          state: {
            value: state.value,
            reason: state.reason,
            reasonData: state.reasonData,
            timestamp: cloudWatchTimestamp(state.timestampMs),
          },
          previousState: {
            value: previous.value,
            reason: previous.reason,
            reasonData: previous.reasonData,
            timestamp: cloudWatchTimestamp(previous.timestampMs),
          },
          configuration: {
            description: config.description,
            metrics: [
              {
                id: this.deps.random.uuidAt(`alarm-metric:${config.name}`),
                metricStat: {
                  metric: {
                    namespace: config.metric.namespace,
                    name: config.metric.name,
                    dimensions: config.metric.dimensions,
                  },
                  period: config.periodSeconds,
                  stat: config.statistic,
                },
                returnData: true,
              },
            ],
          },
        },
      },
      'aws',
    );
  }
}
