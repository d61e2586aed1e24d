import { incidentIdFor } from '../../../../shared/domain/incident';
import { SeenStateChanges } from '../../../../shared/domain/seen-state-changes';
import { PlanRegistry } from '../../../../shared/plan/load';
import {
  alarmStateChangeSchema,
  type HandleHealthAlarmDeps,
  handleHealthAlarm,
} from '../../../../shared/usecases/handle-health-alarm';
import { alarmEvent } from '../../../support/alarm-events';
import { FakeClock, FakeLedger, FakeLog, FakeMetrics, FakeWorkflow } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';

const parse = (event: unknown) => alarmStateChangeSchema.parse(event);

/** Three signals: the Route 53 health-check alarm, an application alarm, and the standby prober's alarm. */
const quorumPlan = (quorum?: number) =>
  ordersPlan({
    trigger: {
      alarms: ['orders-primary-health', 'orders-app-errors'],
      prober: { endpoints: [{ url: 'https://us-east-1.api.orders.example.com/health' }] },
      ...(quorum === undefined ? {} : { quorum }),
    },
  });

const PROBER = 'switchback-prober-orders';

/** `alarmName` changing to `value` at `at` (CloudWatch's `+0000` time), delivered at the clock's now. */
const change = (alarmName: string, at: string, value = 'ALARM', previous = value === 'ALARM' ? 'OK' : 'ALARM') =>
  parse(
    alarmEvent({
      alarmName,
      value,
      previous,
      stateTimestamp: at,
      time: at.replace(/\.\d{3}\+0000$/, 'Z'),
      reasonData: {
        version: '1.0',
        startDate: at,
        statistic: 'Minimum',
        period: 60,
        evaluatedDatapoints: [{ timestamp: at, sampleCount: 1, value: 0 }],
      },
    }),
  );

describe('handleHealthAlarm with a trigger quorum', () => {
  let ledger: FakeLedger;
  let workflow: FakeWorkflow;
  let clock: FakeClock;
  let deps: HandleHealthAlarmDeps;
  let calls: number;

  beforeEach(() => {
    ledger = new FakeLedger();
    workflow = new FakeWorkflow();
    clock = new FakeClock('2026-11-25T03:10:00.000Z');
    calls = 0;
    // Every ledger and Step Functions call the intake makes is one AWS call in the adapters: count them.
    for (const target of [ledger, workflow] as unknown as Record<string, unknown>[]) {
      for (const name of [
        'getTopology',
        'getLock',
        'claimAlarmIncident',
        'settleAlarmIncident',
        'claimPlanIncident',
        'recordSignal',
        'startFailover',
      ]) {
        const method = target[name];
        if (typeof method !== 'function') continue;
        target[name] = (...args: unknown[]) => {
          calls += 1;
          return method.apply(target, args);
        };
      }
    }
    deps = {
      plans: new PlanRegistry([quorumPlan(2)]),
      ledger,
      workflow,
      metrics: new FakeMetrics(),
      seen: new SeenStateChanges(),
      clock,
      log: new FakeLog(),
      maxEventAgeSeconds: 900,
      maxClockSkewSeconds: 60,
    };
  });

  it('starts nothing when one signal of a quorum of 2 enters ALARM, and says what it waits for', async () => {
    // Act
    const result = await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);

    // Assess
    expect(result).toEqual({
      status: 'ignored',
      reason: expect.stringContaining('1 of 3 signals in ALARM (switchback-prober-orders), quorum 2'),
    });
    expect(workflow.executions.size).toBe(0);
    expect(ledger.signals.get('orders')?.get(PROBER)).toMatchObject({ kind: 'prober', state: 'ALARM' });
  });

  it('starts exactly one execution when the second signal enters ALARM, counting RTO from the first', async () => {
    // Prepare
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);

    // Act
    const result = await handleHealthAlarm(change('orders-primary-health', '2026-11-25T03:06:00.000+0000'), deps);

    // Assess
    const incidentId = incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:06:00.000+0000');
    expect(result).toMatchObject({ status: 'started', incidentId });
    expect(workflow.executions.size).toBe(1);
    const incident = ledger.alarmIncidents.get(incidentId);
    expect(incident?.impactStartedAt).toBe('2026-11-25T03:04:00.000Z');
    expect(incident?.signals?.map((signal) => [signal.alarmName, signal.kind, signal.impactStartedAt])).toEqual([
      [PROBER, 'prober', '2026-11-25T03:04:00.000Z'],
      ['orders-primary-health', 'alarm', '2026-11-25T03:06:00.000Z'],
    ]);
    expect(workflow.executions.get(incidentId)?.input).toMatchObject({
      reason: 'signals switchback-prober-orders, orders-primary-health in ALARM (trigger.quorum 2)',
    });
  });

  it('starts no second execution when one signal of a met quorum flaps', async () => {
    // Prepare
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);
    await handleHealthAlarm(change('orders-primary-health', '2026-11-25T03:06:00.000+0000'), deps);

    // Act
    const left = await handleHealthAlarm(change(PROBER, '2026-11-25T03:07:00.000+0000', 'OK'), deps);
    const back = await handleHealthAlarm(change(PROBER, '2026-11-25T03:08:00.000+0000'), deps);

    // Assess
    expect(left).toMatchObject({ status: 'ignored', reason: expect.stringContaining('no longer counts') });
    expect(back).toMatchObject({ status: 'ignored', reason: expect.stringContaining('trigger.coolDownSeconds') });
    expect(workflow.executions.size).toBe(1);
  });

  it('does not count a signal that left ALARM before the second one arrived', async () => {
    // Prepare
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:05:00.000+0000', 'OK'), deps);

    // Act
    const result = await handleHealthAlarm(change('orders-primary-health', '2026-11-25T03:06:00.000+0000'), deps);

    // Assess
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('1 of 3 signals') });
    expect(workflow.executions.size).toBe(0);
  });

  it('lets a late, older change of a signal roll nothing back', async () => {
    // Prepare
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:05:00.000+0000', 'OK'), deps);

    // Act: the change into ALARM that came before it arrives late
    const late = await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);

    // Assess
    expect(late).toMatchObject({ status: 'ignored', reason: expect.stringContaining('counts no more') });
    expect(ledger.signals.get('orders')?.get(PROBER)?.state).toBe('OK');
  });

  it('starts when the quorum is met although the third signal never fires (one broken signal blocks nothing)', async () => {
    // Act: us-east-1 is down, so the Route 53 alarm never comes; the prober and the application alarm agree
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);
    const result = await handleHealthAlarm(change('orders-app-errors', '2026-11-25T03:05:00.000+0000'), deps);

    // Assess
    expect(result.status).toBe('started');
    expect(workflow.executions.size).toBe(1);
  });

  it('costs at most one AWS call per duplicate delivery, none when this container saw it', async () => {
    // Prepare
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);
    const first = await handleHealthAlarm(change('orders-primary-health', '2026-11-25T03:06:00.000+0000'), deps);
    await handleHealthAlarm(change(PROBER, '2026-11-25T03:07:00.000+0000', 'OK'), deps);
    const before = calls;

    // Act: each of the three state changes delivered again here, then in a new container
    for (const seen of [deps.seen, new SeenStateChanges<never>(), new SeenStateChanges<never>()]) {
      const again = { ...deps, seen } as HandleHealthAlarmDeps;
      const mark = calls;
      await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), again);
      expect(calls - mark).toBeLessThanOrEqual(seen === deps.seen ? 0 : 1);
      const mark2 = calls;
      const second = await handleHealthAlarm(change('orders-primary-health', '2026-11-25T03:06:00.000+0000'), again);
      expect(calls - mark2).toBeLessThanOrEqual(seen === deps.seen ? 0 : 1);
      expect(second.status).toBe('duplicate');
      const mark3 = calls;
      await handleHealthAlarm(change(PROBER, '2026-11-25T03:07:00.000+0000', 'OK'), again);
      expect(calls - mark3).toBeLessThanOrEqual(seen === deps.seen ? 0 : 1);
    }

    // Assess
    expect(first.status).toBe('started');
    expect(calls - before).toBe(6);
    expect(workflow.executions.size).toBe(1);
    expect(ledger.signals.get('orders')?.get(PROBER)?.state).toBe('OK');
  });

  it('behaves as without signals when the plan has no quorum: one signal starts, no signal is recorded', async () => {
    // Prepare
    deps.plans = new PlanRegistry([quorumPlan()]);

    // Act
    const result = await handleHealthAlarm(change(PROBER, '2026-11-25T03:04:00.000+0000'), deps);
    const left = await handleHealthAlarm(change(PROBER, '2026-11-25T03:07:00.000+0000', 'OK'), deps);

    // Assess
    expect(result.status).toBe('started');
    expect(left.status).toBe('ignored');
    expect(ledger.signals.size).toBe(0);
    expect(calls).toBe(6);
  });
});
