import 'aws-sdk-client-mock-jest';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArnOf, StepFunctionsExecutions, StepFunctionsWorkflow } from '../../../../shared/aws/workflow';
import { ApprovalNotPendingError, ConfigError, ThrottledError } from '../../../../shared/errors';

const sfn = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-prod-failover';
const clock = { now: () => new Date('2026-11-25T18:20:00.000Z') };
const named = (name: string, message = name): Error => Object.assign(new Error(message), { name });

const workflow = (arn = stateMachineArn) =>
  new StepFunctionsWorkflow({ client: new SFNClient({}), stateMachineArn: arn, clock });

describe('StepFunctionsWorkflow', () => {
  beforeEach(() => {
    sfn.reset();
  });

  describe('startFailover', () => {
    it('starts a named execution with the JSON input when none exists', async () => {
      // Prepare
      const executionArn = executionArnOf(stateMachineArn, 'orders-20261125T180000Z-ab12');
      sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });

      // Act
      const result = await workflow().startFailover('orders-20261125T180000Z-ab12', { plan: 'orders' });

      // Assess
      expect(result).toEqual({ executionArn, alreadyStarted: false });
      expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
        stateMachineArn,
        name: 'orders-20261125T180000Z-ab12',
        input: '{"plan":"orders"}',
      });
    });

    it('returns alreadyStarted with the derived execution ARN when the execution already exists', async () => {
      // Prepare
      sfn.on(StartExecutionCommand).rejects(named('ExecutionAlreadyExists'));

      // Act
      const result = await workflow().startFailover('orders-20261125T180000Z-ab12', { plan: 'orders' });

      // Assess
      expect(result).toEqual({
        executionArn:
          'arn:aws:states:us-west-2:123456789012:execution:switchback-prod-failover:orders-20261125T180000Z-ab12',
        alreadyStarted: true,
      });
    });

    it('throws ConfigError naming FAILOVER_STATE_MACHINE_ARN when it is empty', async () => {
      // Act
      const start = workflow('').startFailover('orders-1', {});

      // Assess
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(/FAILOVER_STATE_MACHINE_ARN/);
      expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    });

    it('throws ThrottledError when Step Functions throttles', async () => {
      // Prepare
      sfn.on(StartExecutionCommand).rejects(named('ThrottlingException'));

      // Act
      const start = workflow().startFailover('orders-1', {});

      // Assess
      await expect(start).rejects.toThrow(ThrottledError);
    });
  });

  describe('sendApproval', () => {
    it('sends task success with the answer and the answer time when approving', async () => {
      // Prepare
      sfn.on(SendTaskSuccessCommand).resolves({});

      // Act
      await workflow().sendApproval('token-1', { approved: true, by: 'alice', comment: 'lag is fine' });

      // Assess
      expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
        taskToken: 'token-1',
        output: JSON.stringify({
          approved: true,
          by: 'alice',
          comment: 'lag is fine',
          answeredAt: '2026-11-25T18:20:00.000Z',
        }),
      });
    });

    it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])(
      'throws ApprovalNotPendingError naming the incident when Step Functions answers %s',
      async (errorName) => {
        // Prepare
        sfn.on(SendTaskSuccessCommand).rejects(named(errorName));

        // Act
        const answer = workflow().sendApproval('token-1', { approved: false, by: 'bob' }, 'orders-1');

        // Assess
        await expect(answer).rejects.toThrow(ApprovalNotPendingError);
        await expect(answer).rejects.toThrow(
          'No approval is pending for incident orders-1; it may have timed out or been answered.',
        );
      },
    );
  });

  describe('getExecutionStatus', () => {
    it('returns status, times and parsed output when the execution exists', async () => {
      // Prepare
      const executionArn = executionArnOf(stateMachineArn, 'orders-1');
      sfn.on(DescribeExecutionCommand, { executionArn }).resolves({
        executionArn,
        stateMachineArn,
        name: 'orders-1',
        status: 'SUCCEEDED',
        startDate: new Date('2026-11-25T18:00:00.000Z'),
        stopDate: new Date('2026-11-25T18:07:00.000Z'),
        output: '{"outcome":"recovered"}',
        redriveCount: 1,
      });

      // Act
      const status = await workflow().getExecutionStatus(executionArn);

      // Assess
      expect(status).toEqual({
        executionArn,
        name: 'orders-1',
        status: 'SUCCEEDED',
        startedAt: '2026-11-25T18:00:00.000Z',
        stoppedAt: '2026-11-25T18:07:00.000Z',
        output: { outcome: 'recovered' },
        redriveCount: 1,
      });
    });

    it('returns undefined when the execution does not exist', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(named('ExecutionDoesNotExist'));

      // Act
      const status = await workflow().getExecutionStatus(executionArnOf(stateMachineArn, 'nope'));

      // Assess
      expect(status).toBeUndefined();
    });
  });
});

describe('StepFunctionsExecutions', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it("reads any runbook's execution by its ARN, with no state machine configured, and starts nothing", async () => {
    // Prepare
    const executionArn = 'arn:aws:states:us-west-2:123456789012:execution:switchback-prod-fence:orders-fence-1';
    sfn.on(DescribeExecutionCommand, { executionArn }).resolves({
      executionArn,
      status: 'FAILED',
      startDate: new Date('2026-11-25T18:00:00.000Z'),
      stopDate: new Date('2026-11-25T18:02:00.000Z'),
      error: 'States.Timeout',
      redriveStatus: 'REDRIVABLE',
    });

    // Act
    const status = await new StepFunctionsExecutions({ client: new SFNClient({}) }).getExecutionStatus(executionArn);

    // Assess
    expect(status).toEqual({
      executionArn,
      status: 'FAILED',
      startedAt: '2026-11-25T18:00:00.000Z',
      stoppedAt: '2026-11-25T18:02:00.000Z',
      error: 'States.Timeout',
      redriveStatus: 'REDRIVABLE',
    });
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('throws a ThrottledError naming DescribeExecution when Step Functions throttles the read', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).rejects(named('ThrottlingException', 'Rate exceeded'));

    // Act
    const read = new StepFunctionsExecutions({ client: new SFNClient({}) }).getExecutionStatus(
      executionArnOf(stateMachineArn, 'orders-1'),
    );

    // Assess
    await expect(read).rejects.toBeInstanceOf(ThrottledError);
    await expect(read).rejects.toThrow(/DescribeExecution/);
  });
});
