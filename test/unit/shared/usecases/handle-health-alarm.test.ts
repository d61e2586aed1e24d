import { incidentIdFor } from '../../../../shared/domain/incident';
import { planTopology, topologyAfterFailover } from '../../../../shared/domain/topology';
import { PlanRegistry } from '../../../../shared/plan/load';
import {
  alarmStateChangeSchema,
  type HandleHealthAlarmDeps,
  handleHealthAlarm,
} from '../../../../shared/usecases/handle-health-alarm';
import { alarmEvent } from '../../../support/alarm-events';
import { FakeClock, FakeLedger, FakeLog, FakeWorkflow } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';

const parse = (event: unknown) => alarmStateChangeSchema.parse(event);

describe('handleHealthAlarm', () => {
  let ledger: FakeLedger;
  let workflow: FakeWorkflow;
  let log: FakeLog;
  let deps: HandleHealthAlarmDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    workflow = new FakeWorkflow();
    log = new FakeLog();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      workflow,
      clock: new FakeClock('2026-11-25T03:01:02.000Z'),
      log,
      maxEventAgeSeconds: 900,
      maxClockSkewSeconds: 60,
    };
  });

  it('starts one execution named by the incident id with a deterministic input when the alarm enters ALARM', async () => {
    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    const incidentId = incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:00:59.989+0000');
    expect(result).toEqual({
      status: 'started',
      incidentId,
      executionArn: `arn:aws:states:us-west-2:123456789012:execution:switchback-failover:${incidentId}`,
    });
    expect(workflow.executions.get(incidentId)?.input).toEqual({
      plan: 'orders',
      action: 'failover',
      mode: 'live',
      reason: 'alarm orders-primary-health entered ALARM',
      requestedBy: 'alarm:orders-primary-health',
      incidentId,
      trigger: {
        type: 'alarm',
        alarmName: 'orders-primary-health',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-primary-health',
      },
    });
  });

  it('opens the alarm incident in the ledger, with its impact time, before it starts the execution', async () => {
    // Prepare
    let openedBeforeStart = false;
    const startFailover = workflow.startFailover.bind(workflow);
    workflow.startFailover = async (name, input) => {
      openedBeforeStart = (await ledger.getAlarmIncident(name)) !== undefined;
      return startFailover(name, input);
    };

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    const incidentId = incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:00:59.989+0000');
    expect(result.status).toBe('started');
    expect(openedBeforeStart).toBe(true);
    expect(ledger.alarmIncidents.get(incidentId)).toEqual({
      incidentId,
      plan: 'orders',
      alarmName: 'orders-primary-health',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-primary-health',
      stateTimestamp: '2026-11-25T03:00:59.989+0000',
      impactStartedAt: '2026-11-25T02:58:00.000Z',
      openedAt: '2026-11-25T03:01:02.000Z',
    });
  });

  it('reports a duplicate with the same incident and input when the same transition is delivered again later', async () => {
    // Prepare
    await handleHealthAlarm(parse(alarmEvent()), deps);
    const firstInput = JSON.stringify([...workflow.executions.values()][0]?.input);
    (deps.clock as FakeClock).advance(120);

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    expect(result.status).toBe('duplicate');
    expect(workflow.executions.size).toBe(1);
    expect(JSON.stringify([...workflow.executions.values()][0]?.input)).toBe(firstInput);
  });

  it('ignores an alarm that stays in ALARM', async () => {
    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ previous: 'ALARM' })), deps);

    // Assess
    expect(result).toEqual({
      status: 'ignored',
      reason: expect.stringContaining('went from ALARM to ALARM'),
    });
    expect(workflow.executions.size).toBe(0);
  });

  it('ignores a transition back to OK', async () => {
    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ value: 'OK', previous: 'ALARM' })), deps);

    // Assess
    expect(result.status).toBe('ignored');
    expect(workflow.executions.size).toBe(0);
  });

  it('ignores an alarm that no plan names', async () => {
    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ alarmName: 'billing-health' })), deps);

    // Assess
    expect(result).toEqual({
      status: 'ignored',
      reason: 'alarm billing-health is not named by any plan (trigger.alarms)',
    });
    expect(log.messages('info')).toContain('alarm not named by any plan');
  });

  it('drops an event older than the maximum event age with a warning', async () => {
    // Prepare
    (deps.clock as FakeClock).set('2026-11-25T03:16:01.000Z');

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    expect(result).toEqual({ status: 'dropped', reason: expect.stringContaining('901 s old, older than 900 s') });
    expect(log.messages('warn')).toContain('stale alarm event dropped');
    expect(workflow.executions.size).toBe(0);
  });

  it('drops an alarm whose state change is dated beyond the allowed clock skew, saying why in a log line', async () => {
    // Prepare: the clock reads 02:59:58, the alarm claims to have changed state at 03:00:59.989
    (deps.clock as FakeClock).set('2026-11-25T02:59:58.000Z');

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ time: '2026-11-25T02:59:58Z' })), deps);

    // Assess
    const reason =
      'event detail.state.timestamp 2026-11-25T03:00:59.989+0000 is 62 s in the future, more than the 60 s of ' +
      'clock skew allowed (MAX_CLOCK_SKEW_SECONDS): not started';
    expect(result).toEqual({ status: 'dropped', reason });
    const line = log.lines.find((entry) => entry.message === 'future-dated alarm event dropped');
    expect(line?.level).toBe('warn');
    expect(line?.extra[0]).toMatchObject({ field: 'detail.state.timestamp', reason });
    expect(workflow.executions.size).toBe(0);
    expect(ledger.alarmIncidents.size).toBe(0);
  });

  it('drops an event whose time is beyond the allowed clock skew', async () => {
    // Prepare
    (deps.clock as FakeClock).set('2026-11-25T03:01:00.000Z');

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ time: '2026-11-25T03:05:00Z' })), deps);

    // Assess
    expect(result).toEqual({
      status: 'dropped',
      reason: expect.stringMatching(/^event time .* is 240 s in the future/),
    });
    expect(workflow.executions.size).toBe(0);
  });

  it('starts the run when the event is ahead of the clock by less than the allowed skew', async () => {
    // Prepare: 30 s of skew
    (deps.clock as FakeClock).set('2026-11-25T03:00:30.000Z');

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent({ time: '2026-11-25T03:01:00Z' })), deps);

    // Assess
    expect(result.status).toBe('started');
  });

  it('ignores the alarm when the plan already failed over', async () => {
    // Prepare
    ledger.topologies.set(
      'orders',
      topologyAfterFailover(planTopology(ordersPlan()), {
        toRegion: 'us-west-2',
        at: '2026-11-20T00:00:00.000Z',
        incidentId: 'orders-20261119T235800Z-00000000',
      }),
    );

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('already failed over') });
    expect(workflow.executions.size).toBe(0);
  });

  it('ignores the alarm within the cool-down after a failback', async () => {
    // Prepare
    ledger.topologies.set('orders', { ...planTopology(ordersPlan()), lastFailoverAt: '2026-11-25T02:30:00.000Z' });

    // Act
    const result = await handleHealthAlarm(parse(alarmEvent()), deps);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('cool-down') });
  });

  it('propagates a failure to start the execution so that the event is retried', async () => {
    // Prepare
    jest.spyOn(workflow, 'startFailover').mockRejectedValue(new Error('ServiceUnavailable'));

    // Act / Assess
    await expect(handleHealthAlarm(parse(alarmEvent()), deps)).rejects.toThrow('ServiceUnavailable');
  });
});
