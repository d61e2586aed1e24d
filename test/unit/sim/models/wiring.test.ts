import { simWiringTargets, WiringModel } from '../../../../sim/models/wiring';

const ACCOUNT = '123456789012';
const targets = simWiringTargets('us-west-2', ACCOUNT);

describe('WiringModel', () => {
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
