import type { MetricAlarm, PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { PROBER_METRIC } from '../../shared/domain/prober';
import { type Plan, type ProberSettings, proberAlarmName } from '../../shared/plan/schema';
import type { Cancel, Scheduler } from '../clock';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { EventBus } from './eventbridge';
import type { Regions } from './health';
import { type AlarmState, type AlarmTransition, evaluateEveryPeriod, MetricAlarmModel } from './metric-alarm';

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
  readonly settings: ProberSettings;
  /** The alarm on the prober's metric, in the standby region. */
  readonly alarm: MetricAlarmModel;
  /** Each datapoint put, in order. */
  readonly datapoints: { atMs: number; value: number; region: string }[] = [];
  /** Each scheduled invocation: when, and whether the scheduler could run it. */
  readonly invocations: { atMs: number; ran: boolean }[] = [];
  /** The scheduler's target: the drill invokes the probe-primary handler here. Unset: the schedule invokes nothing. */
  target?: (event: { plan: string }) => unknown;
  private readonly cancels: Cancel[] = [];
  private readonly urls: Set<string>;
  private transitionCount = 0;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    bus: EventBus,
    account: string,
    private readonly plan: Plan,
    private readonly regions: Regions,
    /** True while CloudWatch in the standby region is down: no alarm is evaluated or announced. */
    private readonly cloudWatchDown: () => boolean,
    settings: ProberSettings,
  ) {
    this.settings = settings;
    this.urls = new Set(settings.endpoints.map((endpoint) => endpoint.url));
    // Maximum < 1 for `failuresToAlarm` periods of the interval; a period with no probe keeps the state.
    this.alarm = new MetricAlarmModel(
      {
        name: proberAlarmName(plan),
        region: plan.regions.standby,
        account,
        description: `The standby prober of plan ${plan.app} cannot reach the primary's health endpoints`,
        metric: {
          namespace: PROBER_METRIC.namespace,
          name: PROBER_METRIC.name,
          dimensions: { [PROBER_METRIC.dimension]: plan.app },
        },
        statistic: 'Maximum',
        periodSeconds: settings.intervalSeconds,
        evaluationPeriods: settings.failuresToAlarm,
        datapointsToAlarm: settings.failuresToAlarm,
        threshold: 1,
        treatMissingData: 'missing',
      },
      {
        random,
        bus,
        readPeriod: (startMs, endMs) => {
          const values = this.datapoints
            .filter((d) => d.region === plan.regions.standby && d.atMs >= startMs && d.atMs < endMs)
            .map((d) => d.value);
          return values.length ? { value: Math.max(...values), sampleCount: values.length } : { sampleCount: 0 };
        },
        nextEventId: () => random.uuidAt('prober-alarm-event', this.transitionCount++),
        createdAtMs: clock.now() - 3600_000,
      },
    );
  }

  get alarmName(): string {
    return this.alarm.name;
  }

  get state(): AlarmState {
    return this.alarm.state;
  }

  get transitions(): AlarmTransition[] {
    return this.alarm.transitions;
  }

  /** Starts the schedule and the alarm's evaluations. */
  start(): void {
    const intervalMs = this.settings.intervalSeconds * 1000;
    const phase = Math.floor(this.random.betweenAt('prober-phase', 0, 0, intervalMs));
    this.scheduleProbe(this.clock.now() + phase);
    const delayMs = this.timing.alarm.evaluationDelaySeconds * 1000;
    this.cancels.push(
      evaluateEveryPeriod(this.clock, intervalMs, delayMs, (periodEndMs, atMs) => {
        if (!this.cloudWatchDown()) this.alarm.evaluate(periodEndMs, atMs);
      }),
    );
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
    if (names && names.length > 0 && !names.includes(this.alarm.name)) return [];
    return [this.alarm.describe()];
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
}
