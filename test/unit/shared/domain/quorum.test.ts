import { primaryReachable, proberDetectionSeconds } from '../../../../shared/domain/prober';
import { evaluateQuorum, planSignals, type SignalState } from '../../../../shared/domain/quorum';
import { ordersPlan } from '../../../support/plan-fixtures';

const plan = ordersPlan({
  trigger: {
    alarms: ['orders-primary-health', 'orders-app-errors'],
    prober: { endpoints: [{ url: 'https://us-east-1.api.orders.example.com/health' }] },
    quorum: 2,
  },
});

const state = (alarmName: string, value: 'ALARM' | 'OK', at: string): SignalState => ({
  alarmName,
  kind: alarmName.startsWith('switchback-prober') ? 'prober' : 'alarm',
  state: value,
  stateTimestamp: at,
  changedAt: at,
  ...(value === 'ALARM' ? { impactStartedAt: at } : {}),
});

describe('evaluateQuorum', () => {
  it('lists the plan signals, the prober last', () => {
    expect(planSignals(plan)).toEqual([
      { alarmName: 'orders-primary-health', kind: 'alarm' },
      { alarmName: 'orders-app-errors', kind: 'alarm' },
      { alarmName: 'switchback-prober-orders', kind: 'prober' },
    ]);
  });

  it('is not met by one signal in ALARM, and says which it waits for', () => {
    const verdict = evaluateQuorum(plan, [state('switchback-prober-orders', 'ALARM', '2026-11-25T03:04:00.000Z')]);
    expect(verdict).toMatchObject({
      met: false,
      quorum: 2,
      waitingFor: ['orders-primary-health', 'orders-app-errors'],
    });
  });

  it('is met by two, with the impact time of the earliest', () => {
    const verdict = evaluateQuorum(plan, [
      state('orders-primary-health', 'ALARM', '2026-11-25T03:06:00.000Z'),
      state('switchback-prober-orders', 'ALARM', '2026-11-25T03:04:00.000Z'),
    ]);
    expect(verdict.met).toBe(true);
    expect(verdict.impactStartedAt).toBe('2026-11-25T03:04:00.000Z');
    expect(verdict.inAlarm.map((s) => s.alarmName)).toEqual(['switchback-prober-orders', 'orders-primary-health']);
  });

  it('counts neither signals back to OK nor alarms the plan no longer names', () => {
    const verdict = evaluateQuorum(plan, [
      state('orders-primary-health', 'OK', '2026-11-25T03:06:00.000Z'),
      state('old-alarm', 'ALARM', '2026-11-25T03:05:00.000Z'),
      state('switchback-prober-orders', 'ALARM', '2026-11-25T03:04:00.000Z'),
    ]);
    expect(verdict.met).toBe(false);
    expect(verdict.inAlarm).toHaveLength(1);
  });
});

describe('prober verdicts', () => {
  it('is reachable only when every endpoint answered as expected', () => {
    expect(primaryReachable([{ url: 'a', ok: true, status: 200, ms: 5 }])).toBe(true);
    expect(
      primaryReachable([
        { url: 'a', ok: true, status: 200, ms: 5 },
        { url: 'b', ok: false, ms: 3000, error: 'no answer within 3000 ms' },
      ]),
    ).toBe(false);
    expect(primaryReachable([])).toBe(false);
  });

  it('takes interval x failures plus one interval to detect', () => {
    expect(proberDetectionSeconds({ intervalSeconds: 60, failuresToAlarm: 3 })).toBe(240);
    expect(proberDetectionSeconds({ intervalSeconds: 120, failuresToAlarm: 2 })).toBe(360);
  });
});
