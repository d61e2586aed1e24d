import { incidentIdFor } from '../../../../shared/domain/incident';
import { SeenStateChanges } from '../../../../shared/domain/seen-state-changes';
import { planTopology, topologyAfterFailover } from '../../../../shared/domain/topology';
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

describe('handleHealthAlarm', () => {
  let ledger: FakeLedger;
  let workflow: FakeWorkflow;
  let log: FakeLog;
  let metrics: FakeMetrics;
  let deps: HandleHealthAlarmDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    workflow = new FakeWorkflow();
    log = new FakeLog();
    metrics = new FakeMetrics();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      workflow,
      metrics,
      seen: new SeenStateChanges(),
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
      settled: 'started',
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
    const line = log.lines.find((entry) => entry.message === 'alarm not named by any plan');
    expect(line?.level).toBe('warn');
    expect(line?.extra[0]).toMatchObject({ alarmName: 'billing-health', field: 'detail.alarmName' });
    expect(metrics.rejectedAlarmEvents).toEqual(['unknown-alarm']);
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

  describe('in a storm of deliveries', () => {
    /** Counts every ledger and Step Functions call the intake makes (each is one AWS call in the adapters). */
    const countCalls = (): { count: () => number } => {
      let calls = 0;
      for (const target of [ledger, workflow] as unknown as Record<string, unknown>[]) {
        for (const name of [
          'getTopology',
          'getLock',
          'claimAlarmIncident',
          'settleAlarmIncident',
          'claimPlanIncident',
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
      return { count: () => calls };
    };

    /** The plan's alarm changing to ALARM at `at` (a flap is another such change), delivered at the clock's now. */
    const changeToAlarm = (at: string) =>
      parse(alarmEvent({ time: at.replace(/\.\d{3}\+0000$/, 'Z'), stateTimestamp: at }));

    it('makes no AWS call for a duplicate delivery this container saw, and one for a duplicate it did not', async () => {
      // Prepare
      const calls = countCalls();
      const first = await handleHealthAlarm(parse(alarmEvent()), deps);
      const afterFirst = calls.count();

      // Act
      const seenHere = await handleHealthAlarm(parse(alarmEvent()), deps);
      const afterSeenHere = calls.count();
      const otherContainer = await handleHealthAlarm(parse(alarmEvent()), { ...deps, seen: new SeenStateChanges() });

      // Assess
      expect(first.status).toBe('started');
      expect(seenHere).toMatchObject({
        status: 'duplicate',
        executionArn: workflow.executions.get(first.status === 'started' ? first.incidentId : '')?.executionArn,
      });
      expect(afterSeenHere - afterFirst).toBe(0);
      expect(otherContainer).toMatchObject({
        status: 'duplicate',
        reason: expect.stringContaining('earlier delivery'),
      });
      expect(calls.count() - afterSeenHere).toBe(1);
      expect(workflow.executions.size).toBe(1);
    });

    it('answers concurrent deliveries of one state change with one claim and one execution', async () => {
      // Prepare
      const calls = countCalls();

      // Act
      const answers = await Promise.all(Array.from({ length: 20 }, () => handleHealthAlarm(parse(alarmEvent()), deps)));

      // Assess
      expect(answers.filter((answer) => answer.status === 'started')).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 'duplicate')).toHaveLength(19);
      expect(workflow.executions.size).toBe(1);
      // The first delivery's claim, topology, lock, plan incident, start and settle: six calls for all twenty.
      expect(calls.count()).toBe(6);
    });

    it('starts no execution for a flap while the incident runs, even past the cool-down', async () => {
      // Prepare: the first incident's run holds the plan's lock two hours later (waiting for approval).
      const first = await handleHealthAlarm(parse(alarmEvent()), deps);
      if (first.status !== 'started') throw new Error(`expected a start, got ${first.status}`);
      ledger.locks.set('orders', {
        holder: first.incidentId,
        execution: first.executionArn,
        epoch: 1,
        acquiredAt: '2026-11-25T03:01:03.000Z',
      });
      (deps.clock as FakeClock).set('2026-11-25T05:01:02.000Z');

      // Act
      const flap = await handleHealthAlarm(changeToAlarm('2026-11-25T05:00:59.989+0000'), deps);

      // Assess
      expect(flap).toEqual({
        status: 'ignored',
        reason: `a run of plan orders is in progress (incident ${first.incidentId}): one execution per incident`,
      });
      expect(workflow.executions.size).toBe(1);
    });

    it("starts a new incident's failover when the lock's holder ended without releasing it (an orphaned lock)", async () => {
      // Prepare: an earlier incident's execution failed two hours ago, and its end never reached on-run-failed: the
      // lock still names it, but Step Functions says it is over.
      const earlier = 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:orders-earlier';
      ledger.locks.set('orders', {
        holder: 'orders-earlier',
        execution: earlier,
        epoch: 1,
        acquiredAt: '2026-11-25T01:00:00.000Z',
      });
      workflow.getExecutionStatus = async (executionArn) =>
        executionArn === earlier
          ? { executionArn, status: 'FAILED', stoppedAt: '2026-11-25T01:04:00.000Z' }
          : undefined;

      // Act
      const answer = await handleHealthAlarm(parse(alarmEvent()), deps);

      // Assess: started (Assess takes the lock over); a holder that runs still stops it (the test above)
      expect(answer.status).toBe('started');
      expect(workflow.executions.size).toBe(1);
    });

    it('starts no execution for a flap within the cool-down after the incident opened, and records why', async () => {
      // Prepare: the first run ended without failing over (denied), 10 minutes ago.
      await handleHealthAlarm(parse(alarmEvent()), deps);
      (deps.clock as FakeClock).set('2026-11-25T03:11:02.000Z');

      // Act
      const flap = await handleHealthAlarm(changeToAlarm('2026-11-25T03:10:59.989+0000'), deps);

      // Assess
      expect(flap).toEqual({ status: 'ignored', reason: expect.stringContaining('(trigger.coolDownSeconds)') });
      expect(workflow.executions.size).toBe(1);
      const flapId = incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:10:59.989+0000');
      expect(ledger.alarmIncidents.get(flapId)).toMatchObject({
        settled: 'ignored',
        reason: expect.stringContaining('flap'),
      });
    });

    it('opens a new incident for a change to ALARM after the cool-down when no run holds the lock', async () => {
      // Prepare
      await handleHealthAlarm(parse(alarmEvent()), deps);
      (deps.clock as FakeClock).set('2026-11-25T04:01:02.000Z');

      // Act
      const next = await handleHealthAlarm(changeToAlarm('2026-11-25T04:00:59.989+0000'), deps);

      // Assess
      expect(next.status).toBe('started');
      expect(workflow.executions.size).toBe(2);
    });

    it('starts one execution when the OK that followed the ALARM is delivered first, and the OK changes nothing', async () => {
      // Prepare
      const calls = countCalls();
      const ok = parse(
        alarmEvent({
          value: 'OK',
          previous: 'ALARM',
          stateTimestamp: '2026-11-25T03:01:30.000+0000',
          time: '2026-11-25T03:01:30Z',
        }),
      );
      (deps.clock as FakeClock).set('2026-11-25T03:01:31.000Z');

      // Act
      const okFirst = await handleHealthAlarm(ok, deps);
      const alarmLate = await handleHealthAlarm(parse(alarmEvent()), deps);
      const okAgain = await handleHealthAlarm(ok, deps);

      // Assess
      expect(okFirst.status).toBe('ignored');
      expect(alarmLate.status).toBe('started');
      expect(okAgain.status).toBe('ignored');
      expect(workflow.executions.size).toBe(1);
      expect(calls.count()).toBe(6);
    });

    it('lets a retry take over a claim whose delivery failed to start the execution', async () => {
      // Prepare: StartExecution is throttled once; Lambda retries the event a minute later.
      jest.spyOn(workflow, 'startFailover').mockRejectedValueOnce(new Error('ThrottlingException'));
      await expect(handleHealthAlarm(parse(alarmEvent()), deps)).rejects.toThrow('ThrottlingException');
      (deps.clock as FakeClock).advance(60);

      // Act
      const retried = await handleHealthAlarm(parse(alarmEvent()), { ...deps, seen: new SeenStateChanges() });

      // Assess
      expect(retried.status).toBe('started');
      expect(workflow.executions.size).toBe(1);
    });

    it('answers duplicate while another delivery holds a young claim that has not settled', async () => {
      // Prepare: another container claimed the state change 5 s ago and is starting the execution.
      const incidentId = incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:00:59.989+0000');
      await ledger.claimAlarmIncident(
        {
          incidentId,
          plan: 'orders',
          alarmName: 'orders-primary-health',
          stateTimestamp: '2026-11-25T03:00:59.989+0000',
          impactStartedAt: '2026-11-25T02:58:00.000Z',
          openedAt: '2026-11-25T03:00:57.000Z',
        },
        new Date(0),
      );

      // Act
      const result = await handleHealthAlarm(parse(alarmEvent()), deps);

      // Assess
      expect(result.status).toBe('duplicate');
      expect(workflow.executions.size).toBe(0);
    });

    it('counts stale and future-dated events it drops', async () => {
      // Prepare
      (deps.clock as FakeClock).set('2026-11-25T03:16:01.000Z');
      await handleHealthAlarm(parse(alarmEvent()), deps);
      (deps.clock as FakeClock).set('2026-11-25T02:59:00.000Z');

      // Act
      await handleHealthAlarm(parse(alarmEvent({ time: '2026-11-25T03:05:00Z' })), deps);

      // Assess
      expect(metrics.rejectedAlarmEvents).toEqual(['stale', 'future-dated']);
    });
  });
});
