import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeployedTargets } from '../../../../shared/aws/deployed-targets';

const lambda = mockClient(LambdaClient);

describe('readDeployedTargets', () => {
  beforeEach(() => lambda.reset());

  it("parses the readiness function's environment as the function does: its rules, state machines, queue and roles", async () => {
    // Prepare
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'switchback-dev-readiness' }).resolves({
      Environment: {
        Variables: {
          WIRING_RULES: 'switchback-dev-on-health-alarm-rule-1,switchback-dev|switchback-dev-notify-rule-1',
          WIRING_STATE_MACHINE_ARNS: 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover',
          WIRING_DEAD_LETTER_QUEUE_URLS: 'https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq',
          WIRING_SCHEDULES:
            'switchback-dev-readiness-orders=arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
          FUNCTION_ROLE_ARNS: 'assess=arn:aws:iam::123456789012:role/a,flip-dns=arn:aws:iam::123456789012:role/f',
        },
      },
    });

    // Act
    const targets = await readDeployedTargets('switchback-dev-readiness', 'us-west-2');

    // Assess
    expect(targets).toEqual({
      wiring: {
        rules: ['switchback-dev-on-health-alarm-rule-1', 'switchback-dev|switchback-dev-notify-rule-1'],
        stateMachineArns: ['arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover'],
        deadLetterQueueUrls: ['https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq'],
        schedules: [
          {
            name: 'switchback-dev-readiness-orders',
            targetArn: 'arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
          },
        ],
      },
      roles: { assess: 'arn:aws:iam::123456789012:role/a', 'flip-dns': 'arn:aws:iam::123456789012:role/f' },
    });
  });

  it('throws what Lambda answered when the function is not there', async () => {
    // Prepare
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));

    // Act
    const read = readDeployedTargets('switchback-prod-readiness', 'us-west-2');

    // Assess
    await expect(read).rejects.toThrow('Function not found');
  });
});
