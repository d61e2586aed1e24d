import type { MetricAlarm, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Scheduler } from '../clock';
import { SimError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { EventBus } from './eventbridge';
import type { HealthCheck } from './health';

/**
 * CloudWatch: per-minute metric series (HealthCheckStatus, ReplicaLag, AuroraGlobalDBRPOLag) served by
 * GetMetricData, and the plan's alarms on the primary region's HealthCheckStatus, evaluated period by period, each
 * transition emitted on the bus as AWS's "CloudWatch Alarm State Change" event.
 */

/** Route 53 Developer Guide, "Monitoring health checks using CloudWatch": HealthCheckStatus exists only in us-east-1. */
export const ROUTE53_METRICS_REGION = 'us-east-1';

const MINUTE_MS = 60_000;

/** A metric's value for the minute starting at `minuteStartMs`, or undefined when no datapoint was published. */
export type MinuteSampler = (minuteStartMs: number) => number | undefined;

const seriesKey = (region: string, namespace: string, name: string, dimensions: Record<string, string>): string =>
  [
    region,
    namespace,
    name,
    ...Object.entries(dimensions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`),
  ].join('|');

const aggregate = (values: number[], stat: string): number => {
  switch (stat) {
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'SampleCount':
      return values.length;
    default:
      throw new SimError(
        `GetMetricData statistic "${stat}" is not simulated: use Minimum, Maximum, Average, Sum or SampleCount.`,
      );
  }
};

/** The metric series of the world, by region. */
export class Metrics {
  private readonly series = new Map<string, MinuteSampler>();

  /** Registers a per-minute series. Dimensions must match exactly at query time, as in CloudWatch. */
  register(
    region: string,
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    sampler: MinuteSampler,
  ): void {
    this.series.set(seriesKey(region, namespace, name, dimensions), sampler);
  }

  /**
   * Answers one MetricDataQuery like GetMetricData: datapoints at period boundaries in [start, end), only for
   * periods that have ended by `nowMs`, aggregated by the query's statistic, newest first unless `ascending`.
   * An unknown series yields an empty result (CloudWatch has no data for it), not an error.
   */
  query(
    region: string,
    query: MetricDataQuery,
    startMs: number,
    endMs: number,
    nowMs: number,
    ascending = false,
  ): MetricDataResult {
    if (query.Expression !== undefined) {
      throw new SimError(`GetMetricData expressions are not simulated (query ${query.Id}): use MetricStat queries.`);
    }
    const stat = query.MetricStat;
    const metric = stat?.Metric;
    if (!stat || !metric?.Namespace || !metric.MetricName || !stat.Period || !stat.Stat) {
      throw new SimError(`GetMetricData query ${query.Id} needs MetricStat with Metric, Period and Stat.`);
    }
    const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
    const sampler = this.series.get(seriesKey(region, metric.Namespace, metric.MetricName, dimensions));
    const periodMs = stat.Period * 1000;
    const timestamps: Date[] = [];
    const values: number[] = [];
    if (sampler) {
      for (let t = Math.floor(startMs / periodMs) * periodMs; t < endMs; t += periodMs) {
        if (t + periodMs > nowMs) break;
        const samples: number[] = [];
        for (let m = t; m < t + periodMs; m += MINUTE_MS) {
          const value = sampler(m);
          if (value !== undefined) samples.push(value);
        }
        if (samples.length === 0) continue;
        timestamps.push(new Date(t));
        values.push(aggregate(samples, stat.Stat));
      }
    }
    if (!ascending) {
      timestamps.reverse();
      values.reverse();
    }
    return {
      Id: query.Id,
      Label: query.Label ?? metric.MetricName,
      Timestamps: timestamps,
      Values: values,
      StatusCode: 'Complete',
      Messages: [],
    };
  }
}

/** CloudWatch's own timestamp format in alarm events: `2026-01-15T03:03:00.000+0000`. */
export const cloudWatchTimestamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** `15/01/26 03:02:00`, as in alarm state reasons. */
const reasonDate = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
};

const formatNumber = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

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

/** A CloudWatch alarm on a Route 53 health check's HealthCheckStatus (< 1 for N periods, Minimum). */
export class HealthAlarm {
  state: AlarmState;
  readonly transitions: AlarmTransition[] = [];

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly check: HealthCheck,
    initialMs: number,
  ) {
    this.state = {
      value: 'OK',
      reason: 'Unchecked: Initial alarm creation',
      reasonData: '{"version":"1.0"}',
      timestampMs: initialMs,
    };
  }
}

/** The alarms of the world, evaluated every period in us-east-1 (where HealthCheckStatus lives). */
export class Alarms {
  readonly byName = new Map<string, HealthAlarm>();
  private cancel: (() => void) | undefined;
  private transitionCount = 0;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly bus: EventBus,
    private readonly account: string,
    /** True while CloudWatch in us-east-1 is down: no metric arrives and no alarm is evaluated or announced. */
    private readonly unavailable: () => boolean = () => false,
  ) {}

  /** Adds an alarm named `name` on `check`'s HealthCheckStatus. */
  add(name: string, check: HealthCheck): HealthAlarm {
    const arn = `arn:aws:cloudwatch:${ROUTE53_METRICS_REGION}:${this.account}:alarm:${name}`;
    const alarm = new HealthAlarm(name, arn, check, this.clock.now() - 3600_000);
    this.byName.set(name, alarm);
    return alarm;
  }

  /** Starts evaluating every alarm at each period end (plus the evaluation delay). */
  start(): void {
    const periodMs = this.timing.alarm.periodSeconds * 1000;
    const firstEnd = Math.floor(this.clock.now() / periodMs) * periodMs + periodMs;
    this.scheduleEvaluation(firstEnd);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Every transition of every alarm, in time order. */
  transitions(): AlarmTransition[] {
    return [...this.byName.values()].flatMap((alarm) => alarm.transitions).sort((a, b) => a.atMs - b.atMs);
  }

  /** DescribeAlarms: the metric alarms named (or all), as the SDK returns them. Only us-east-1 holds them. */
  describe(region: string, names?: readonly string[], prefix?: string, stateValue?: string): MetricAlarm[] {
    if (region !== ROUTE53_METRICS_REGION) return [];
    return [...this.byName.values()]
      .filter((alarm) => (names && names.length > 0 ? names.includes(alarm.name) : true))
      .filter((alarm) => (prefix ? alarm.name.startsWith(prefix) : true))
      .filter((alarm) => (stateValue ? alarm.state.value === stateValue : true))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((alarm) => ({
        AlarmName: alarm.name,
        AlarmArn: alarm.arn,
        AlarmDescription: `Route 53 health check ${alarm.check.id} (${alarm.check.region}) is failing`,
        ActionsEnabled: true,
        OKActions: [],
        AlarmActions: [],
        InsufficientDataActions: [],
        StateValue: alarm.state.value,
        StateReason: alarm.state.reason,
        StateReasonData: alarm.state.reasonData,
        StateUpdatedTimestamp: new Date(alarm.state.timestampMs),
        StateTransitionedTimestamp: new Date(alarm.state.timestampMs),
        MetricName: 'HealthCheckStatus',
        Namespace: 'AWS/Route53',
        Statistic: 'Minimum',
        Dimensions: [{ Name: 'HealthCheckId', Value: alarm.check.id }],
        Period: this.timing.alarm.periodSeconds,
        EvaluationPeriods: this.timing.alarm.evaluationPeriods,
        DatapointsToAlarm: this.timing.alarm.evaluationPeriods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }));
  }

  private scheduleEvaluation(periodEndMs: number): void {
    const periodMs = this.timing.alarm.periodSeconds * 1000;
    const atMs = periodEndMs + this.timing.alarm.evaluationDelaySeconds * 1000;
    this.cancel = this.clock.schedule(atMs, () => {
      if (!this.unavailable()) for (const alarm of this.byName.values()) this.evaluate(alarm, periodEndMs, atMs);
      this.scheduleEvaluation(periodEndMs + periodMs);
    });
  }

  /** Evaluates the last N periods ending at `periodEndMs`; a change of state is recorded and emitted. */
  private evaluate(alarm: HealthAlarm, periodEndMs: number, atMs: number): void {
    const periodMs = this.timing.alarm.periodSeconds * 1000;
    const n = this.timing.alarm.evaluationPeriods;
    const datapoints: { startMs: number; value: number; samples: number }[] = [];
    for (let i = 0; i < n; i += 1) {
      const startMs = periodEndMs - (i + 1) * periodMs;
      const samples = alarm.check.samples.filter((s) => s.atMs >= startMs && s.atMs < startMs + periodMs).length;
      datapoints.push({ startMs, value: alarm.check.minimumStatus(startMs, startMs + periodMs), samples });
    }
    const breaching = datapoints.filter((d) => d.value < 1).length;
    const next: AlarmValue = breaching >= n ? 'ALARM' : 'OK';
    if (next === alarm.state.value) return;
    const list = datapoints.map((d) => `${formatNumber(d.value)} (${reasonDate(d.startMs)})`).join(', ');
    const reason =
      next === 'ALARM'
        ? `Threshold Crossed: ${breaching} out of the last ${n} datapoints [${list}] was less than the threshold (1.0) (minimum ${n} datapoint for OK -> ALARM transition).`
        : `Threshold Crossed: ${n - breaching} out of the last ${n} datapoints [${list}] was not less than the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).`;
    const oldest = datapoints[datapoints.length - 1]?.startMs ?? periodEndMs - periodMs;
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: cloudWatchTimestamp(atMs),
      startDate: cloudWatchTimestamp(oldest),
      statistic: 'Minimum',
      period: this.timing.alarm.periodSeconds,
      recentDatapoints: datapoints.map((d) => d.value).reverse(),
      threshold: 1,
      evaluatedDatapoints: datapoints.map((d) => ({
        timestamp: cloudWatchTimestamp(d.startMs),
        sampleCount: d.samples,
        value: d.value,
      })),
    });
    const previous = alarm.state;
    alarm.state = { value: next, reason, reasonData, timestampMs: atMs };
    const eventId = this.random.uuidAt('alarm-event', this.transitionCount++);
    alarm.transitions.push({
      alarmName: alarm.name,
      atMs,
      from: previous.value,
      to: next,
      eventId,
      startDateMs: oldest,
    });
    this.bus.publish(
      {
        version: '0',
        id: eventId,
        'detail-type': 'CloudWatch Alarm State Change',
        source: 'aws.cloudwatch',
        account: this.account,
        time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: ROUTE53_METRICS_REGION,
        resources: [alarm.arn],
        detail: {
          alarmName: alarm.name,
          state: { value: next, reason, reasonData, timestamp: cloudWatchTimestamp(atMs) },
          previousState: {
            value: previous.value,
            reason: previous.reason,
            reasonData: previous.reasonData,
            timestamp: cloudWatchTimestamp(previous.timestampMs),
          },
          configuration: {
            description: `Route 53 health check ${alarm.check.id} (${alarm.check.region}) is failing`,
            metrics: [
              {
                id: this.random.uuidAt(`alarm-metric:${alarm.name}`),
                metricStat: {
                  metric: {
                    namespace: 'AWS/Route53',
                    name: 'HealthCheckStatus',
                    dimensions: { HealthCheckId: alarm.check.id },
                  },
                  period: this.timing.alarm.periodSeconds,
                  stat: 'Minimum',
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
