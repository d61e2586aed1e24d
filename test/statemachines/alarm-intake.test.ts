import 'aws-sdk-client-mock-jest';
import { join } from 'node:path';
import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadPlanFile, PlanRegistry } from '../../shared/plan/load';
import { setPlans } from '../../shared/runtime/plans';
import type { AlarmIntakeResult } from '../../shared/usecases/handle-health-alarm';
import {
  alarmStateChange,
  manualRunInput,
  mockAws,
  mutatingCalls,
  OrdersWorld,
  STATE_MACHINE_ARN,
  useFailoverSuite,
  waitUntil,
} from '../support/statemachine';

/**
 * Alarm intake to failover, end to end: CloudWatch alarm events delivered (at least once, as EventBridge does) to
 * functions/on-health-alarm.ts, which starts the failover ASL in the local runner through a mocked Step Functions
 * client. The plan is plans/example.yml with a second health alarm, to show that two alarms of one plan make one
 * failover.
 */

const mocks = mockAws();
const PRIMARY_ALARM = 'orders-primary-health';
const SECOND_ALARM = 'orders-checkout-health';

describe('failover started by health alarms', () => {
  const suite = useFailoverSuite(mocks);
  let secondsAgo = 0;

  beforeAll(() => {
    const example = loadPlanFile(join(__dirname, '..', '..', 'plans', 'example.yml'));
    setPlans(
      new PlanRegistry([
        { ...example, trigger: { ...example.trigger, alarms: [...example.trigger.alarms, SECOND_ALARM] } },
      ]),
    );
  });

  afterAll(() => {
    setPlans(undefined);
  });

  /** A recent alarm time, different in every test so that each test has its own incident ids. */
  const recentChange = (): Date => {
    secondsAgo += 1;
    return new Date(Date.now() - secondsAgo * 1000);
  };

  /** Delivers an EventBridge event to on-health-alarm, as the rule's Lambda target. */
  const deliver = async (event: object): Promise<AlarmIntakeResult> =>
    (await suite.runner.invoke('on-health-alarm', event, { viaStateMachine: false })) as AlarmIntakeResult;

  const startedIn = (result: AlarmIntakeResult): { incidentId: string; executionArn: string } => {
    if ((result.status === 'started' || result.status === 'duplicate') && result.executionArn) {
      return { incidentId: result.incidentId, executionArn: result.executionArn };
    }
    throw new Error(`expected an execution, got ${JSON.stringify(result)}`);
  };

  const answer = async (incidentId: string, approved: boolean): Promise<void> => {
    const pending = await suite.ledger.getApprovalToken(incidentId);
    if (!pending) throw new Error(`no approval token stored for ${incidentId}`);
    suite.runner.sendTaskSuccess({
      taskToken: pending.taskToken,
      output: JSON.stringify({ approved, by: 'oncall@example.com', answeredAt: new Date().toISOString() }),
    });
  };

  const startCalls = () =>
    mocks.sfn.commandCalls(StartExecutionCommand).map((call) => ({
      name: call.args[0].input.name,
      input: call.args[0].input.input,
    }));

  it('starts one execution with the incident id as its name when the same alarm event is delivered twice', async () => {
    // Prepare: the replica lags past the RPO, so the first execution is still running (waiting for approval).
    new OrdersWorld(mocks, { replicaLagSeconds: 75 });
    const event = alarmStateChange(PRIMARY_ALARM, recentChange());
    const first = startedIn(await deliver(event));
    await waitUntil(() => suite.runner.onlyWaitingForTokens, 'the first execution waits for approval');

    // Act
    const second = startedIn(await deliver(event));
    await answer(first.incidentId, true);
    await suite.execution(first.executionArn).done;

    // Assess
    expect(first.incidentId).toMatch(/^orders-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(second).toMatchObject({ incidentId: first.incidentId, executionArn: first.executionArn });
    // The second delivery was answered from the container's memory of the first: no second StartExecution.
    const calls = startCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe(first.incidentId);
    expect(mocks.sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN });
    expect(suite.runner.list()).toHaveLength(1);
    expect(suite.execution(first.executionArn).status).toBe('SUCCEEDED');
    expect((await suite.ledger.getRun('orders', first.incidentId))?.outcome).toBe('recovered');
    expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    expect(await suite.ledger.listRuns('orders', 10)).toHaveLength(1);
  });

  it('answers duplicate and starts nothing when the alarm event is redelivered after its execution ended', async () => {
    // Prepare: the first run is denied, so the plan is still in its primary region and not in cool-down.
    new OrdersWorld(mocks, { replicaLagSeconds: 75 });
    const event = alarmStateChange(PRIMARY_ALARM, recentChange());
    const first = startedIn(await deliver(event));
    await waitUntil(() => suite.runner.onlyWaitingForTokens, 'the first execution waits for approval');
    await answer(first.incidentId, false);
    await suite.execution(first.executionArn).done;

    // Act
    const redelivered = await deliver(event);

    // Assess
    expect(redelivered).toEqual({
      status: 'duplicate',
      incidentId: first.incidentId,
      executionArn: first.executionArn,
      reason: expect.stringContaining('already taken in'),
    });
    expect(startCalls().map((call) => call.name)).toEqual([first.incidentId]);
    expect(suite.runner.list()).toHaveLength(1);
    expect((await suite.ledger.getRun('orders', first.incidentId))?.outcome).toBe('denied');
    expect(mutatingCalls(mocks)).toEqual({
      PromoteReadReplica: 0,
      FailoverGlobalCluster: 0,
      SwitchoverGlobalCluster: 0,
      ChangeResourceRecordSets: 0,
    });
  });

  it('starts no execution for a second alarm while the first incident runs, and the lock ends any other run as Already Handled', async () => {
    // Prepare
    new OrdersWorld(mocks, { replicaLagSeconds: 75 });
    const first = startedIn(await deliver(alarmStateChange(PRIMARY_ALARM, recentChange())));
    await waitUntil(() => suite.runner.onlyWaitingForTokens, 'the first execution waits for approval');

    // Act: a second alarm of the plan, then a run started by hand while the first one holds the lock.
    const flap = await deliver(alarmStateChange(SECOND_ALARM, recentChange()));
    const second = suite.runner.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'orders-by-hand',
      input: JSON.stringify(manualRunInput('live')),
    });
    await suite.execution(second.executionArn).done;

    // Assess
    expect(flap).toEqual({ status: 'ignored', reason: expect.stringContaining(`(incident ${first.incidentId})`) });
    expect(startCalls().map((call) => call.name)).toEqual([first.incidentId]);
    const handled = suite.execution(second.executionArn);
    expect(handled.status).toBe('SUCCEEDED');
    expect(handled.transitions.map((transition) => transition.state)).toContain('Already Handled');
    expect(JSON.parse(handled.output ?? '{}')).toMatchObject({ error: { Error: 'LockHeldError' } });
    expect(await suite.ledger.listRuns('orders', 10)).toHaveLength(1);
    expect(suite.execution(first.executionArn).status).toBe('RUNNING');
    expect(mutatingCalls(mocks)).toEqual({
      PromoteReadReplica: 0,
      FailoverGlobalCluster: 0,
      SwitchoverGlobalCluster: 0,
      ChangeResourceRecordSets: 0,
    });

    // Act: the first incident goes on and recovers, alone.
    await answer(first.incidentId, true);
    await suite.execution(first.executionArn).done;

    // Assess
    expect((await suite.ledger.getRun('orders', first.incidentId))?.outcome).toBe('recovered');
    expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('starts no execution for a second alarm of the plan after the plan failed over', async () => {
    // Prepare
    new OrdersWorld(mocks, { replicaLagSeconds: 2 });
    const first = startedIn(await deliver(alarmStateChange(PRIMARY_ALARM, recentChange())));
    await suite.execution(first.executionArn).done;

    // Act
    const second = await deliver(alarmStateChange(SECOND_ALARM, recentChange()));

    // Assess
    expect(suite.execution(first.executionArn).status).toBe('SUCCEEDED');
    expect(second).toEqual({ status: 'ignored', reason: expect.stringContaining('already failed over to us-west-2') });
    expect(startCalls()).toHaveLength(1);
    expect(suite.runner.list()).toHaveLength(1);
    expect(mocks.rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });
});
