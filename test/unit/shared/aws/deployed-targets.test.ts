import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeployedTargets } from '../../../../shared/aws/deployed-targets';

const lambda = mockClient(LambdaClient);

describe('readDeployedTargets', () => {
  beforeEach(() => lambda.reset());

  it("parses the readiness function's environment as the function does: its rules, state machines, queue and roles", async () => {
    // Prepare
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'switchback-dev-readiness' }).resolves({
      FunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
      Environment: {
        Variables: {
          WIRING_RULES: 'switchback-dev-on-health-alarm-rule-1,switchback-dev|switchback-dev-notify-rule-1',
          WIRING_STATE_MACHINE_ARNS: 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover',
          WIRING_DEAD_LETTER_QUEUE_URLS: 'https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq',
          WIRING_SCHEDULES:
            'switchback-dev-readiness-orders=arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
          // Role names, not ARNs (Lambda's 4 KB): the ARNs are built in the function's partition and account.
          FUNCTION_ROLE_NAMES: 'assess=switchback-dev-AssessRole-1A2B3C,flip-dns=switchback-dev-FlipDnsRole-4D5E6F',
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
      roles: {
        assess: 'arn:aws:iam::123456789012:role/switchback-dev-AssessRole-1A2B3C',
        'flip-dns': 'arn:aws:iam::123456789012:role/switchback-dev-FlipDnsRole-4D5E6F',
      },
    });
  });

  it('builds the role ARNs in the partition and account of the function (GovCloud)', async () => {
    // Prepare
    lambda.on(GetFunctionConfigurationCommand).resolves({
      FunctionArn: 'arn:aws-us-gov:lambda:us-gov-west-1:210987654321:function:switchback-prod-readiness',
      Environment: { Variables: { FUNCTION_ROLE_NAMES: 'assess=switchback-prod-AssessRole-9Z8Y7X' } },
    });

    // Act
    const targets = await readDeployedTargets('switchback-prod-readiness', 'us-gov-west-1');

    // Assess
    expect(targets.roles).toEqual({
      assess: 'arn:aws-us-gov:iam::210987654321:role/switchback-prod-AssessRole-9Z8Y7X',
    });
  });

  it('refuses an ARN where a role name belongs, naming the variable and the form', async () => {
    // Prepare: an environment written for the older FUNCTION_ROLE_ARNS form
    lambda.on(GetFunctionConfigurationCommand).resolves({
      FunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:switchback-dev-readiness',
      Environment: { Variables: { FUNCTION_ROLE_NAMES: 'assess=arn:aws:iam::123456789012:role/a' } },
    });

    // Act
    const read = readDeployedTargets('switchback-dev-readiness', 'us-west-2');

    // Assess
    await expect(read).rejects.toThrow(
      'FUNCTION_ROLE_NAMES: expected function=roleName (an IAM role name, not an ARN), got "assess=arn:aws:iam::123456789012:role/a"',
    );
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
