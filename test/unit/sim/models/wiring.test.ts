import { simWiringTargets, WiringModel } from '../../../../sim/models/wiring';
import { ordersPlan } from '../../../support/plan-fixtures';

const ACCOUNT = '123456789012';
const targets = simWiringTargets('us-west-2', ACCOUNT);

describe('WiringModel', () => {
  it("answers GetSchedule for each plan's readiness and restore-test schedule, in the deployment region only", () => {
    // Prepare
    const plan = ordersPlan({
      backups: { restoreTest: { subnetGroup: 'rt', securityGroup: 'sg-0a1b2c3d4e5f60789', maxAgeDays: 7 } },
    });
    const model = new WiringModel('us-west-2', ACCOUNT, {}, [plan]);

    // Act
    const readiness = model.getSchedule('us-west-2', 'switchback-drill-readiness-orders');
    const restore = model.getSchedule('us-west-2', 'switchback-drill-restore-test-orders');

    // Assess
    expect(simWiringTargets('us-west-2', ACCOUNT, [plan]).schedules.map((schedule) => schedule.name)).toEqual([
      'switchback-drill-readiness-orders',
      'switchback-drill-restore-test-orders',
      'switchback-drill-fence-retry',
    ]);
    expect(readiness).toMatchObject({
      State: 'ENABLED',
      Target: { Arn: `arn:aws:lambda:us-west-2:${ACCOUNT}:function:switchback-drill-readiness` },
    });
    expect(restore.Target.Arn).toBe(`arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:switchback-drill-restore-test`);
    expect(() => model.getSchedule('us-east-1', 'switchback-drill-readiness-orders')).toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
  });

  it('drifts: the first schedule disabled', () => {
    // Prepare
    const model = new WiringModel('us-west-2', ACCOUNT, { scheduleDisabled: true }, [ordersPlan()]);

    // Act
    const schedule = model.getSchedule('us-west-2', 'switchback-drill-readiness-orders');

    // Assess
    expect(schedule.State).toBe('DISABLED');
  });

  it('answers for the deployment region only, as regional services do', () => {
    // Prepare
    const model = new WiringModel('us-west-2', ACCOUNT);
    const machine = targets.stateMachineArns[0] ?? '';

    // Act
    const here = model.describeStateMachine('us-west-2', machine);
    const rule = model.describeRule('us-west-2', 'switchback-drill-notify-rule-1', 'switchback-drill');

    // Assess
    expect(here.status).toBe('ACTIVE');
    expect(rule).toMatchObject({
      State: 'ENABLED',
      Arn: `arn:aws:events:us-west-2:${ACCOUNT}:rule/switchback-drill/switchback-drill-notify-rule-1`,
    });
    expect(() => model.describeStateMachine('us-east-1', machine)).toThrow(
      expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
    );
    expect(() => model.describeRule('us-east-1', 'switchback-drill-notify-rule-1', 'switchback-drill')).toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
    expect(() => model.getQueueAttributes('us-east-1', targets.deadLetterQueueUrls[0] ?? '')).toThrow(
      expect.objectContaining({ name: 'QueueDoesNotExist' }),
    );
  });

  it('drifts: the first rule disabled, the first state machine gone, messages in the queue', () => {
    // Prepare
    const model = new WiringModel('us-west-2', ACCOUNT, {
      ruleDisabled: true,
      stateMachineMissing: true,
      deadLetters: 3,
    });

    // Act
    const rule = model.describeRule('us-west-2', 'switchback-drill-on-health-alarm-rule-1');
    const queue = model.getQueueAttributes('us-west-2', targets.deadLetterQueueUrls[0] ?? '', [
      'ApproximateNumberOfMessages',
    ]);

    // Assess
    expect(rule.State).toBe('DISABLED');
    expect(queue).toEqual({ Attributes: { ApproximateNumberOfMessages: '3' } });
    expect(() => model.describeStateMachine('us-west-2', targets.stateMachineArns[0] ?? '')).toThrow(
      expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
    );
    expect(model.describeStateMachine('us-west-2', targets.stateMachineArns[1] ?? '').status).toBe('ACTIVE');
  });
});
