import { SwitchAlarmModel } from '../../../../sim/models/switch-alarm';
import { StepClock } from '../../../support/step-clock';

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);
const TIMING = { periodMs: 60_000, evaluationDelayMs: 0, healthCheckReadMs: 30_000 };

const build = (options: { down?: () => boolean; primaryOut?: boolean } = {}) => {
  const clock = new StepClock(T0);
  const model = new SwitchAlarmModel(
    clock,
    'ledger',
    'us-west-2',
    'ledger-primary-out',
    'hc-1',
    '123456789012',
    TIMING,
    options.down ?? (() => false),
    options.primaryOut,
  );
  model.start();
  return { clock, model };
};

describe('SwitchAlarmModel', () => {
  it('goes ALARM at the end of the minute of a "primary out" datapoint, and the health check 30 s later', () => {
    // Prepare
    const { clock, model } = build();
    clock.advanceTo(T0 + 10_000);

    // Act
    model.put('Switchback/DnsSwitch', 'PrimaryOut', 'ledger', 1);
    clock.advanceTo(T0 + 60_000);
    const atAlarm = { state: model.state, healthy: model.healthy };
    clock.advanceTo(T0 + 90_000);

    // Assess
    expect(atAlarm).toEqual({ state: 'ALARM', healthy: true });
    expect(model.healthy).toBe(false);
    expect(model.transitions).toEqual([{ atMs: T0 + 60_000, to: 'ALARM' }]);
  });

  it('keeps ALARM and the health check unhealthy while nothing is published (TreatMissingData ignore, LastKnownStatus)', () => {
    // Prepare
    const { clock, model } = build();
    model.put('Switchback/DnsSwitch', 'PrimaryOut', 'ledger', 1);

    // Act
    clock.advanceTo(T0 + 3600_000);

    // Assess
    expect([model.state, model.healthy, model.transitions.length]).toEqual(['ALARM', false, 1]);
  });

  it('returns to OK and healthy when "primary in" (0) is published, as a failback does', () => {
    // Prepare
    const { clock, model } = build({ primaryOut: true });

    // Act
    model.put('Switchback/DnsSwitch', 'PrimaryOut', 'ledger', 0);
    clock.advanceTo(T0 + 90_000);

    // Assess
    expect([model.state, model.healthy]).toEqual(['OK', true]);
  });

  it('moves nothing while CloudWatch in its region is down: no evaluation, the health check keeps its status', () => {
    // Prepare
    let down = true;
    const { clock, model } = build({ down: () => down });
    model.put('Switchback/DnsSwitch', 'PrimaryOut', 'ledger', 1);

    // Act
    clock.advanceTo(T0 + 600_000);
    const whileDown = { state: model.state, healthy: model.healthy };
    down = false;
    clock.advanceTo(T0 + 700_000);

    // Assess: the datapoint's minute was never evaluated; a datapoint is evaluated only in its own period
    expect(whileDown).toEqual({ state: 'OK', healthy: true });
    expect([model.state, model.healthy]).toEqual(['OK', true]);
  });

  it('ignores datapoints of another plan or namespace, and describes itself only in its region', () => {
    // Prepare
    const { clock, model } = build();

    // Act
    model.put('Switchback/DnsSwitch', 'PrimaryOut', 'orders', 1);
    model.put('Other', 'PrimaryOut', 'ledger', 1);
    clock.advanceTo(T0 + 120_000);

    // Assess
    expect(model.state).toBe('OK');
    expect(model.describe('us-east-1')).toEqual([]);
    expect(model.describe('us-west-2', ['ledger-primary-out'])).toEqual([
      expect.objectContaining({
        AlarmName: 'ledger-primary-out',
        StateValue: 'OK',
        Namespace: 'Switchback/DnsSwitch',
        MetricName: 'PrimaryOut',
        Dimensions: [{ Name: 'plan', Value: 'ledger' }],
        TreatMissingData: 'ignore',
      }),
    ]);
  });
});
