import { EventBus } from '../../../../sim/models/eventbridge';
import {
  evaluateEveryPeriod,
  type MetricAlarmConfig,
  MetricAlarmModel,
  type PeriodDatapoint,
} from '../../../../sim/models/metric-alarm';
import { Random } from '../../../../sim/random';
import { StepClock } from '../../../support/step-clock';

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);
const MINUTE = 60_000;

interface StateChangeDetail {
  alarmName: string;
  state: { value: string; reason: string; reasonData: string; timestamp: string };
  previousState: { value: string; reasonData: string };
  configuration: { description: string; metrics: { metricStat: { metric: unknown; period: number; stat: string } }[] };
}

const CONFIG: MetricAlarmConfig = {
  name: 'orders-signal',
  region: 'us-west-2',
  account: '123456789012',
  description: 'the signal of plan orders',
  metric: { namespace: 'Test/Signals', name: 'Up', dimensions: { Plan: 'orders' } },
  statistic: 'Maximum',
  periodSeconds: 60,
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  threshold: 1,
  treatMissingData: 'missing',
};

/** An alarm over a hand-set series: `series[minute since T0]` is that period's datapoint (none when absent). */
const build = (config: Partial<MetricAlarmConfig> = {}) => {
  const clock = new StepClock(T0);
  const bus = new EventBus(clock, () => 0);
  const series = new Map<number, number>();
  let ids = 0;
  const alarm = new MetricAlarmModel(
    { ...CONFIG, ...config },
    {
      random: new Random(1),
      bus,
      readPeriod: (startMs): PeriodDatapoint => {
        const value = series.get((startMs - T0) / MINUTE);
        return value === undefined ? { sampleCount: 0 } : { value, sampleCount: 3 };
      },
      nextEventId: () => `event-${ids++}`,
      createdAtMs: T0 - 3600_000,
    },
  );
  /** Evaluates the periods ending at T0 + `minute` minutes, 10 s after that end. */
  const evaluateAt = (minute: number) => alarm.evaluate(T0 + minute * MINUTE, T0 + minute * MINUTE + 10_000);
  return { alarm, bus, series, evaluateAt };
};

describe('MetricAlarmModel', () => {
  it('goes to ALARM when datapointsToAlarm of the evaluated periods breach, and announces it like CloudWatch', () => {
    // Prepare
    const { alarm, bus, series, evaluateAt } = build();
    series.set(0, 1).set(1, 0).set(2, 0);

    // Act
    const afterOne = evaluateAt(2);
    const transition = evaluateAt(3);

    // Assess
    expect(afterOne).toBeUndefined();
    expect(transition).toEqual({
      alarmName: 'orders-signal',
      atMs: T0 + 3 * MINUTE + 10_000,
      from: 'OK',
      to: 'ALARM',
      eventId: 'event-0',
      startDateMs: T0 + MINUTE,
    });
    expect(alarm.state.value).toBe('ALARM');
    expect(bus.events).toHaveLength(1);
    const event = bus.events[0]?.event;
    expect(event).toMatchObject({
      id: 'event-0',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      region: 'us-west-2',
      resources: ['arn:aws:cloudwatch:us-west-2:123456789012:alarm:orders-signal'],
      time: '2026-01-15T03:03:10Z',
    });
    const detail = event?.detail as StateChangeDetail;
    expect(detail.state.reason).toBe(
      'Threshold Crossed: 2 out of the last 2 datapoints [0.0 (15/01/26 03:02:00), 0.0 (15/01/26 03:01:00)] was less ' +
        'than the threshold (1.0) (minimum 2 datapoint for OK -> ALARM transition).',
    );
    expect(JSON.parse(detail.state.reasonData)).toEqual({
      version: '1.0',
      queryDate: '2026-01-15T03:03:10.000+0000',
      startDate: '2026-01-15T03:01:00.000+0000',
      statistic: 'Maximum',
      period: 60,
      recentDatapoints: [0, 0],
      threshold: 1,
      evaluatedDatapoints: [
        { timestamp: '2026-01-15T03:02:00.000+0000', sampleCount: 3, value: 0 },
        { timestamp: '2026-01-15T03:01:00.000+0000', sampleCount: 3, value: 0 },
      ],
    });
    expect(detail.state.timestamp).toBe('2026-01-15T03:03:10.000+0000');
    expect(detail.previousState).toMatchObject({ value: 'OK', reasonData: '{"version":"1.0"}' });
    expect(detail.configuration.description).toBe('the signal of plan orders');
    expect(detail.configuration.metrics[0]?.metricStat).toEqual({
      metric: { namespace: 'Test/Signals', name: 'Up', dimensions: { Plan: 'orders' } },
      period: 60,
      stat: 'Maximum',
    });
  });

  it('goes back to OK when one evaluated datapoint does not breach', () => {
    // Prepare
    const { alarm, bus, series, evaluateAt } = build();
    series.set(0, 0).set(1, 0).set(2, 1);
    evaluateAt(2);

    // Act
    const transition = evaluateAt(3);

    // Assess
    expect(transition).toMatchObject({ from: 'ALARM', to: 'OK', eventId: 'event-1' });
    expect(alarm.transitions.map((t) => t.to)).toEqual(['ALARM', 'OK']);
    const detail = bus.events[1]?.event.detail as StateChangeDetail;
    expect(detail.state.reason).toBe(
      'Threshold Crossed: 1 out of the last 2 datapoints [1.0 (15/01/26 03:02:00), 0.0 (15/01/26 03:01:00)] was not ' +
        'less than the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).',
    );
    expect(detail.previousState.value).toBe('ALARM');
  });

  it('keeps its state when every period is missing and missing data is treated as missing', () => {
    // Prepare
    const { alarm, bus, series, evaluateAt } = build();
    series.set(0, 0).set(1, 0);
    evaluateAt(2);

    // Act
    const transition = evaluateAt(4);

    // Assess
    expect(transition).toBeUndefined();
    expect(alarm.state.value).toBe('ALARM');
    expect(bus.events).toHaveLength(1);
  });

  it('neither alarms nor clears on fewer breaching datapoints than it needs when the others are missing', () => {
    // Prepare
    const { alarm, series, evaluateAt } = build();
    series.set(1, 0);

    // Act
    const transition = evaluateAt(2);

    // Assess
    expect(transition).toBeUndefined();
    expect(alarm.state.value).toBe('OK');
  });

  it('counts a missing period as a breach when missing data is treated as breaching', () => {
    // Prepare
    const { alarm, bus, series, evaluateAt } = build({ treatMissingData: 'breaching', statistic: 'Minimum' });
    series.set(1, 0);

    // Act
    const transition = evaluateAt(2);

    // Assess
    expect(transition).toMatchObject({ from: 'OK', to: 'ALARM', startDateMs: T0 });
    const detail = bus.events[0]?.event.detail as StateChangeDetail;
    expect(detail.state.reason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints \[0\.0 \(15\/01\/26 03:01/);
    expect(JSON.parse(detail.state.reasonData).evaluatedDatapoints).toHaveLength(1);
    expect(alarm.state.value).toBe('ALARM');
  });

  it('alarms on M of N when datapointsToAlarm is below evaluationPeriods', () => {
    // Prepare
    const { alarm, series, evaluateAt } = build({ evaluationPeriods: 3, datapointsToAlarm: 2 });
    series.set(0, 0).set(1, 1).set(2, 0);

    // Act
    const transition = evaluateAt(3);

    // Assess
    expect(transition?.to).toBe('ALARM');
    expect(alarm.state.reason).toContain('2 out of the last 3 datapoints');
  });

  it('describes itself as DescribeAlarms does, with its current state', () => {
    // Prepare
    const { alarm, series, evaluateAt } = build();
    series.set(0, 0).set(1, 0);
    evaluateAt(2);

    // Act
    const described = alarm.describe();

    // Assess
    expect(described).toMatchObject({
      AlarmName: 'orders-signal',
      AlarmArn: 'arn:aws:cloudwatch:us-west-2:123456789012:alarm:orders-signal',
      AlarmDescription: 'the signal of plan orders',
      StateValue: 'ALARM',
      StateReason: alarm.state.reason,
      StateUpdatedTimestamp: new Date(T0 + 2 * MINUTE + 10_000),
      Namespace: 'Test/Signals',
      MetricName: 'Up',
      Dimensions: [{ Name: 'Plan', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    });
  });
});

describe('evaluateEveryPeriod', () => {
  it('calls at each period end after now plus the delay, until cancelled', () => {
    // Prepare
    const clock = new StepClock(T0 + 25_000);
    const calls: [number, number][] = [];

    // Act
    const cancel = evaluateEveryPeriod(clock, MINUTE, 5_000, (end, at) => calls.push([end - T0, at - T0]));
    clock.advanceTo(T0 + 3 * MINUTE);
    cancel();
    clock.advanceTo(T0 + 10 * MINUTE);

    // Assess
    expect(calls).toEqual([
      [MINUTE, MINUTE + 5_000],
      [2 * MINUTE, 2 * MINUTE + 5_000],
    ]);
    expect(clock.pending).toBe(0);
  });
});
