import type { MetricAlarm, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Cancel, Scheduler } from '../clock';
import { SimError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { EventBus } from './eventbridge';
import type { HealthCheck } from './health';
import { type AlarmTransition, evaluateEveryPeriod, MetricAlarmModel } from './metric-alarm';

/**
 * CloudWatch: per-minute metric series (HealthCheckStatus, ReplicaLag, AuroraGlobalDBRPOLag) served by
 * GetMetricData, and the plan's alarms on the primary region's HealthCheckStatus, evaluated period by period
 * (metric-alarm.ts), each transition emitted on the bus as AWS's "CloudWatch Alarm State Change" event.
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

/** The alarms of the world, evaluated every period in us-east-1 (where HealthCheckStatus lives). */
export class Alarms {
  readonly byName = new Map<string, MetricAlarmModel>();
  private cancel: Cancel | undefined;
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

  /** Adds an alarm named `name` on `check`'s HealthCheckStatus (< 1 for N periods, Minimum, missing = breaching). */
  add(name: string, check: HealthCheck): MetricAlarmModel {
    const { periodSeconds, evaluationPeriods } = this.timing.alarm;
    const alarm = new MetricAlarmModel(
      {
        name,
        region: ROUTE53_METRICS_REGION,
        account: this.account,
        description: `Route 53 health check ${check.id} (${check.region}) is failing`,
        metric: { namespace: 'AWS/Route53', name: 'HealthCheckStatus', dimensions: { HealthCheckId: check.id } },
        statistic: 'Minimum',
        periodSeconds,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        threshold: 1,
        treatMissingData: 'breaching',
      },
      {
        random: this.random,
        bus: this.bus,
        readPeriod: (startMs, endMs) => ({
          value: check.minimumStatus(startMs, endMs),
          sampleCount: check.samples.filter((s) => s.atMs >= startMs && s.atMs < endMs).length,
        }),
        nextEventId: () => this.random.uuidAt('alarm-event', this.transitionCount++),
        createdAtMs: this.clock.now() - 3600_000,
      },
    );
    this.byName.set(name, alarm);
    return alarm;
  }

  /** Starts evaluating every alarm at each period end (plus the evaluation delay). */
  start(): void {
    const { periodSeconds, evaluationDelaySeconds } = this.timing.alarm;
    this.cancel = evaluateEveryPeriod(this.clock, periodSeconds * 1000, evaluationDelaySeconds * 1000, (end, at) => {
      if (!this.unavailable()) for (const alarm of this.byName.values()) alarm.evaluate(end, at);
    });
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
      .map((alarm) => alarm.describe());
  }
}
