import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { SWITCH_METRIC } from '../../shared/domain/dns-switch';
import type { Scheduler } from '../clock';
import { awsError } from '../errors';

/**
 * The DNS switch of an `alarm-health-check` plan: Switchback's PrimaryOut metric, published with PutMetricData in
 * the standby region, the plan's alarm on it there (Maximum >= 1 over one standard period, TreatMissingData ignore),
 * and the Route 53 health check (CLOUDWATCH_METRIC, InsufficientDataHealthStatus LastKnownStatus) that the primary
 * region's records carry.
 * - The alarm is evaluated at each period end (plus CloudWatch's evaluation delay of the timing model), from the
 *   datapoints published in that period; no datapoint keeps the state (ignore).
 * - Route 53 reads the alarm's data stream, not its state (Route 53 Developer Guide, "How Route 53 determines whether
 *   a health check is healthy"): the health check follows the evaluated datapoints `healthCheckReadMs` later (AWS
 *   publishes no figure: a modelling choice, timing.route53.alarmHealthCheckSeconds).
 * - While CloudWatch in the standby region is down, nothing is evaluated and the health check has insufficient data:
 *   it keeps its last known status (LastKnownStatus), so a silent metric moves no DNS answer by itself.
 */
export class SwitchAlarmModel {
  readonly arn: string;
  state: 'OK' | 'ALARM' = 'OK';
  /** The health check's status: healthy while the data stream says OK (primary in). */
  healthy = true;
  /** Datapoints published, in order: virtual time and value. */
  readonly datapoints: { atMs: number; value: number }[] = [];
  readonly transitions: { atMs: number; to: 'OK' | 'ALARM' }[] = [];
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Scheduler,
    readonly plan: string,
    readonly region: string,
    readonly name: string,
    readonly healthCheckId: string,
    account: string,
    private readonly timing: { periodMs: number; evaluationDelayMs: number; healthCheckReadMs: number },
    /** True while CloudWatch in the alarm's region is down. */
    private readonly unavailable: () => boolean,
    /** The switch as an earlier failover left it: primary out (ALARM, the health check unhealthy). */
    primaryOut = false,
  ) {
    this.arn = `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
    if (primaryOut) {
      this.state = 'ALARM';
      this.healthy = false;
    }
  }

  /** Starts evaluating the alarm at each period end. */
  start(): void {
    const first = Math.floor(this.clock.now() / this.timing.periodMs) * this.timing.periodMs + this.timing.periodMs;
    this.scheduleEvaluation(first);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** PutMetricData of the plan's PrimaryOut (other metrics are accepted and ignored, as CloudWatch stores them). */
  put(namespace: string | undefined, name: string | undefined, plan: string | undefined, value: number | undefined) {
    if (namespace !== SWITCH_METRIC.namespace || name !== SWITCH_METRIC.name || plan !== this.plan) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw awsError('CloudWatchClient', {
        code: 'InvalidParameterValue',
        message: 'The value for parameter MetricData.member.1.Value must be a number.',
      });
    }
    this.datapoints.push({ atMs: this.clock.now(), value });
  }

  /** DescribeAlarms: the alarm when it is named (or no names are given) and `region` is its region. */
  describe(region: string, names?: readonly string[]): MetricAlarm[] {
    if (region !== this.region || (names && names.length > 0 && !names.includes(this.name))) return [];
    const updated = new Date(this.transitions.at(-1)?.atMs ?? this.clock.now() - 3600_000);
    return [
      {
        AlarmName: this.name,
        AlarmArn: this.arn,
        AlarmDescription: `Switchback DNS switch of plan ${this.plan}: ALARM = primary out`,
        ActionsEnabled: false,
        StateValue: this.state,
        StateReason: this.state === 'ALARM' ? 'Threshold Crossed: primary out' : 'Threshold Crossed: primary in',
        StateUpdatedTimestamp: updated,
        StateTransitionedTimestamp: updated,
        MetricName: SWITCH_METRIC.name,
        Namespace: SWITCH_METRIC.namespace,
        Statistic: 'Maximum',
        Dimensions: [{ Name: SWITCH_METRIC.dimension, Value: this.plan }],
        Period: this.timing.periodMs / 1000,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      },
    ];
  }

  private scheduleEvaluation(periodEndMs: number): void {
    this.cancel = this.clock.schedule(periodEndMs + this.timing.evaluationDelayMs, () => {
      if (!this.unavailable()) this.evaluate(periodEndMs);
      this.scheduleEvaluation(periodEndMs + this.timing.periodMs);
    });
  }

  private evaluate(periodEndMs: number): void {
    const values = this.datapoints
      .filter((d) => d.atMs >= periodEndMs - this.timing.periodMs && d.atMs < periodEndMs)
      .map((d) => d.value);
    if (values.length === 0) return;
    const next = Math.max(...values) >= 1 ? 'ALARM' : 'OK';
    if (next === this.state) return;
    this.state = next;
    const atMs = this.clock.now();
    this.transitions.push({ atMs, to: next });
    // Route 53's checkers see the evaluated data a little later; a later evaluation wins if it comes first.
    this.scheduleRead(atMs + this.timing.healthCheckReadMs, next);
  }

  /** Route 53 reads the data stream; while CloudWatch there is down it has insufficient data and keeps its status. */
  private scheduleRead(atMs: number, state: 'OK' | 'ALARM'): void {
    this.clock.schedule(atMs, () => {
      if (this.state !== state) return;
      if (this.unavailable()) this.scheduleRead(atMs + this.timing.periodMs, state);
      else this.healthy = state === 'OK';
    });
  }
}
