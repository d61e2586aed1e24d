import type { MetricAlarm, PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { PROBER_METRIC } from '../../shared/domain/prober';
import { type Plan, type ProberSettings, proberAlarmName } from '../../shared/plan/schema';
import type { Scheduler } from '../clock';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import { type AlarmState, type AlarmTransition, type AlarmValue, cloudWatchTimestamp } from './cloudwatch';
import type { EventBus } from './eventbridge';
import type { Regions } from './health';

/**
 * The standby prober of a plan with `trigger.prober` (scripts/plan-resources.js proberResources), as AWS runs it:
 * - EventBridge Scheduler in the standby region invokes probe-primary every `intervalSeconds` (from a seeded phase);
 *   nothing runs while the standby region is down;
 * - the function (the product's own handler, run by the drill) requests the plan's health endpoints, which are the
 *   primary region's application: they answer `expectStatus` while the primary is up, and take the connection and
 *   never answer while it is down (the request ends only at the prober's own timeout);
 * - its PutMetricData lands in the standby region's CloudWatch (the simulator's plugin serves it, and fails it when
 *   CloudWatch there is down);
 * - the alarm `switchback-prober-<app>` there (Maximum < 1 for `failuresToAlarm` periods of the interval, missing
 *   data keeps the state) is evaluated at each period end, and each change is an "CloudWatch Alarm State Change"
 *   event of the standby region on the bus: no us-east-1 anywhere on this path.
 */
export class ProberModel {
  readonly alarmName: string;
  readonly settings: ProberSettings;
  readonly arn: string;
  state: AlarmState;
  readonly transitions: AlarmTransition[] = [];
  /** Each datapoint put, in order. */
  readonly datapoints: { atMs: number; value: number; region: string }[] = [];
  /** Each scheduled invocation: when, and whether the scheduler could run it. */
  readonly invocations: { atMs: number; ran: boolean }[] = [];
  /** The scheduler's target: the drill invokes the probe-primary handler here. Unset: the schedule invokes nothing. */
  target?: (event: { plan: string }) => unknown;
  private readonly cancels: (() => void)[] = [];
  private readonly urls: Set<string>;
  private transitionCount = 0;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly bus: EventBus,
    private readonly account: string,
    private readonly plan: Plan,
    private readonly regions: Regions,
    /** True while CloudWatch in the standby region is down: no alarm is evaluated or announced. */
    private readonly cloudWatchDown: () => boolean,
    settings: ProberSettings,
  ) {
    this.settings = settings;
    this.alarmName = proberAlarmName(plan);
    this.arn = `arn:aws:cloudwatch:${plan.regions.standby}:${account}:alarm:${this.alarmName}`;
    this.urls = new Set(settings.endpoints.map((endpoint) => endpoint.url));
    this.state = {
      value: 'OK',
      reason: 'Unchecked: Initial alarm creation',
      reasonData: '',
      timestampMs: clock.now() - 3600_000,
    };
  }

  /** Starts the schedule and the alarm's evaluations. */
  start(): void {
    const intervalMs = this.settings.intervalSeconds * 1000;
    const phase = Math.floor(this.random.betweenAt('prober-phase', 0, 0, intervalMs));
    this.scheduleProbe(this.clock.now() + phase);
    const firstPeriodEnd = Math.floor(this.clock.now() / intervalMs) * intervalMs + intervalMs;
    this.scheduleEvaluation(firstPeriodEnd);
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** Whether `url` is one of the plan's health endpoints (the drill routes these requests here). */
  serves(url: string): boolean {
    return this.urls.has(url);
  }

  /**
   * A request to a health endpoint of the primary: its status while the primary is up; while it is down, no answer
   * at all, so the request ends only when the caller aborts it (the prober's timeout).
   */
  fetch(url: string, init?: { signal?: AbortSignal | null }): Promise<Response> {
    const endpoint = this.settings.endpoints.find((each) => each.url === url);
    if (!this.regions.isDown(this.plan.regions.primary)) {
      return Promise.resolve(new Response(null, { status: endpoint?.expectStatus ?? 200 }));
    }
    return new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      const abort = () => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** PutMetricData as CloudWatch takes it: only this plan's PrimaryReachable datapoints are kept. */
  putMetricData(region: string, input: PutMetricDataCommandInput): void {
    if (input.Namespace !== PROBER_METRIC.namespace) return;
    for (const datum of input.MetricData ?? []) {
      const plan = datum.Dimensions?.find((d) => d.Name === PROBER_METRIC.dimension)?.Value;
      if (datum.MetricName !== PROBER_METRIC.name || plan !== this.plan.app || datum.Value === undefined) continue;
      const atMs = datum.Timestamp ? new Date(datum.Timestamp).getTime() : this.clock.now();
      this.datapoints.push({ atMs, value: datum.Value, region });
    }
  }

  /** DescribeAlarms of the prober's alarm: only the standby region holds it. */
  describe(region: string, names?: readonly string[]): MetricAlarm[] {
    if (region !== this.plan.regions.standby) return [];
    if (names && names.length > 0 && !names.includes(this.alarmName)) return [];
    return [
      {
        AlarmName: this.alarmName,
        AlarmArn: this.arn,
        Namespace: PROBER_METRIC.namespace,
        MetricName: PROBER_METRIC.name,
        Dimensions: [{ Name: PROBER_METRIC.dimension, Value: this.plan.app }],
        Statistic: 'Maximum',
        Period: this.settings.intervalSeconds,
        EvaluationPeriods: this.settings.failuresToAlarm,
        DatapointsToAlarm: this.settings.failuresToAlarm,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'missing',
        StateValue: this.state.value,
        StateReason: this.state.reason,
        StateUpdatedTimestamp: new Date(this.state.timestampMs),
      },
    ];
  }

  private scheduleProbe(atMs: number): void {
    this.cancels.push(
      this.clock.schedule(atMs, () => {
        // EventBridge Scheduler lives in the standby region: while it is down, no probe runs.
        const ran = !this.regions.isDown(this.plan.regions.standby) && this.target !== undefined;
        this.invocations.push({ atMs, ran });
        if (ran) void Promise.resolve(this.target?.({ plan: this.plan.app })).catch(() => undefined);
        this.scheduleProbe(atMs + this.settings.intervalSeconds * 1000);
      }),
    );
  }

  private scheduleEvaluation(periodEndMs: number): void {
    const periodMs = this.settings.intervalSeconds * 1000;
    const atMs = periodEndMs + this.timing.alarm.evaluationDelaySeconds * 1000;
    this.cancels.push(
      this.clock.schedule(atMs, () => {
        if (!this.cloudWatchDown()) this.evaluate(periodEndMs, atMs);
        this.scheduleEvaluation(periodEndMs + periodMs);
      }),
    );
  }

  /** The last `failuresToAlarm` periods' Maximum; ALARM when all are present and below 1, OK when one is 1. */
  private evaluate(periodEndMs: number, atMs: number): void {
    const periodMs = this.settings.intervalSeconds * 1000;
    const n = this.settings.failuresToAlarm;
    const periods: { startMs: number; value?: number; samples: number }[] = [];
    for (let i = 0; i < n; i += 1) {
      const startMs = periodEndMs - (i + 1) * periodMs;
      const values = this.datapoints
        .filter((d) => d.region === this.plan.regions.standby && d.atMs >= startMs && d.atMs < startMs + periodMs)
        .map((d) => d.value);
      periods.push({ startMs, samples: values.length, ...(values.length ? { value: Math.max(...values) } : {}) });
    }
    const present = periods.filter((p) => p.value !== undefined);
    if (present.length === 0) return;
    const breaching = present.filter((p) => (p.value ?? 1) < 1).length;
    const next: AlarmValue =
      breaching === n ? 'ALARM' : present.some((p) => (p.value ?? 0) >= 1) ? 'OK' : this.state.value;
    if (next === this.state.value) return;
    const oldest = periods[periods.length - 1]?.startMs ?? periodEndMs - periodMs;
    const reason =
      next === 'ALARM'
        ? `Threshold Crossed: ${n} out of the last ${n} datapoints were less than the threshold (1.0).`
        : 'Threshold Crossed: 1 datapoint was not less than the threshold (1.0).';
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: cloudWatchTimestamp(atMs),
      startDate: cloudWatchTimestamp(oldest),
      statistic: 'Maximum',
      period: this.settings.intervalSeconds,
      recentDatapoints: present.map((p) => p.value).reverse(),
      threshold: 1,
      evaluatedDatapoints: present.map((p) => ({
        timestamp: cloudWatchTimestamp(p.startMs),
        sampleCount: p.samples,
        value: p.value,
      })),
    });
    const previous = this.state;
    this.state = { value: next, reason, reasonData, timestampMs: atMs };
    const eventId = this.random.uuidAt('prober-alarm-event', this.transitionCount++);
    this.transitions.push({
      alarmName: this.alarmName,
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
        region: this.plan.regions.standby,
        resources: [this.arn],
        detail: {
          alarmName: this.alarmName,
          state: { value: next, reason, reasonData, timestamp: cloudWatchTimestamp(atMs) },
          previousState: {
            value: previous.value,
            reason: previous.reason,
            reasonData: previous.reasonData,
            timestamp: cloudWatchTimestamp(previous.timestampMs),
          },
          configuration: {
            description: `The standby prober of plan ${this.plan.app} cannot reach the primary's health endpoints`,
            metrics: [
              {
                id: this.random.uuidAt(`alarm-metric:${this.alarmName}`),
                metricStat: {
                  metric: {
                    namespace: PROBER_METRIC.namespace,
                    name: PROBER_METRIC.name,
                    dimensions: { [PROBER_METRIC.dimension]: this.plan.app },
                  },
                  period: this.settings.intervalSeconds,
                  stat: 'Maximum',
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
