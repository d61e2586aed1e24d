import 'aws-sdk-client-mock-jest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/start-game-day-leg';
import { MalformedEventError } from '../../../shared/errors';
import { lambdaContext } from '../../support/lambda';

process.env.AWS_REGION = 'us-west-2';
const ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev';
process.env.FAILOVER_STATE_MACHINE_ARN = `${ARN}-failover`;
process.env.FENCE_STATE_MACHINE_ARN = `${ARN}-fence`;
process.env.REPROTECT_STATE_MACHINE_ARN = `${ARN}-reprotect`;
process.env.FAILBACK_STATE_MACHINE_ARN = `${ARN}-failback`;

const sfn = mockClient(SFNClient);
const context = lambdaContext('start-game-day-leg');

const legInput = { plan: 'orders', action: 'fence', mode: 'game-day', reason: 'game day', requestedBy: 'ops' };
const event = () => ({
  run: { plan: 'orders', incidentId: 'gd-1', action: 'game-day', executionArn: 'arn:exec:gd-1' },
  leg: { index: 2, action: 'fence', name: 'gd-1-2-fence', mode: 'game-day', waitSeconds: 0, input: legInput },
});

describe('start-game-day-leg handler', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it("starts the leg's runbook on its own state machine under the leg's name, with the leg's input", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}-fence:gd-1-2-fence`, startDate: new Date() });

    // Act
    const result = await handler(event(), context);

    // Assess
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: `${ARN}-fence`,
      name: 'gd-1-2-fence',
      input: JSON.stringify(legInput),
    });
    expect(result).toMatchObject({ executionArn: `${ARN}-fence:gd-1-2-fence`, alreadyStarted: false });
    expect(result.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('names each field of a payload that does not fit and starts nothing', async () => {
    // Prepare: the run lost its plan and the leg names a runbook that does not exist
    const bad = event();
    const garbled = { run: { ...bad.run, plan: '' }, leg: { ...bad.leg, action: 'teleport' } };

    // Act
    const outcome = handler(garbled, context);

    // Assess
    await expect(outcome).rejects.toThrow(MalformedEventError);
    await expect(outcome).rejects.toThrow(/run\.plan: Too small/);
    await expect(outcome).rejects.toThrow(/leg\.action: Invalid option: expected one of "failover"\|"fence"/);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});
