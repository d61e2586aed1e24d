import 'aws-sdk-client-mock-jest';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/start-fence';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';

const ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-test';
process.env.AWS_REGION = 'us-west-2';
process.env.FENCE_STATE_MACHINE_ARN = `${ARN}-fence`;

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('start-fence');

/** The retry schedule's event, as EventBridge Scheduler delivers it. */
const TICK = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const HOLDER = 'orders-20261125T030300Z-0000abcd';
const HOLDER_ARN = `arn:aws:states:us-west-2:123456789012:execution:switchback-test-failover:${HOLDER}`;

describe('start-fence handler', () => {
  beforeEach(() => {
    sfn.reset();
    dynamo.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    // No topology recorded: the plan file's holds (the primary region serves), nothing awaits fencing.
    dynamo.on(GetCommand).resolves({});
    dynamo.on(GetCommand, { Key: { pk: 'PLAN#orders', sk: 'LOCK' } }).resolves({
      Item: { holder: HOLDER, execution: HOLDER_ARN, epoch: 3, acquiredAt: '2026-11-25T03:03:00.000Z' },
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}-fence:started`, startDate: new Date() });
  });

  afterEach(() => {
    setPlans(undefined);
  });

  it("starts a fence run on the retry's tick when the plan's lock is held by an execution that ended unheard", async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: HOLDER_ARN,
      name: HOLDER,
      status: 'FAILED',
      error: 'VerificationFailedError',
      stopDate: new Date('2026-11-25T03:12:00.000Z'),
    });

    // Act
    const { outcomes } = await handler(TICK, context);

    // Assess: the holder's execution read, and the fence started, saying why
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: HOLDER_ARN });
    expect(outcomes).toEqual([
      expect.objectContaining({
        plan: 'orders',
        started: true,
        execution: expect.stringMatching(/^orders-fence-retry-/),
      }),
    ]);
    const started = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(started?.stateMachineArn).toBe(`${ARN}-fence`);
    expect(JSON.parse(started?.input ?? '{}')).toMatchObject({
      plan: 'orders',
      action: 'fence',
      reason: `fence retry: the plan's lock is held by ${HOLDER}, whose execution ended FAILED at 2026-11-25T03:12:00.000Z without releasing it: its Assess records that run`,
      trigger: { type: 'automatic', by: 'fence-retry' },
    });
  });

  it('starts nothing while the holder runs', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: HOLDER_ARN, name: HOLDER, status: 'RUNNING' });

    // Act
    const { outcomes } = await handler(TICK, context);

    // Assess
    expect(outcomes).toEqual([{ plan: 'orders', started: false, reason: 'nothing awaits fencing' }]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
