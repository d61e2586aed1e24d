import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/request-approval';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { assessment, runContext } from '../../support/run-fixtures';

process.env.AWS_REGION = 'us-west-2';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('request-approval');

describe('request-approval handler', () => {
  beforeEach(() => {
    dynamo.reset();
    eventbridge.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    acceptEvents(eventbridge);
  });

  it('stores the task token and publishes Approval Requested', async () => {
    // Prepare
    const run = runContext();

    // Act
    const result = await handler(
      { taskToken: 'token-1', run, assessment: assessment({ decision: 'approve', maxLagSeconds: 95 }) },
      context,
    );

    // Assess
    expect(result).toEqual({ requested: true });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: `INCIDENT#${run.incidentId}`, sk: 'APPROVAL', taskToken: 'token-1' }),
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ outcome: 'awaiting-approval' }),
    });
    expect(eventbridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ Source: 'switchback', DetailType: 'Approval Requested' })],
    });
  });

  it('throws MalformedEventError naming the missing field, without the token in the message', async () => {
    // Act
    const error: unknown = await handler({ taskToken: 'token-1', run: runContext() } as never, context).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toMatchObject({
      name: 'MalformedEventError',
      message: expect.stringContaining('assessment: is required'),
    });
    expect((error as Error).message).not.toContain('token-1');
  });
});
