import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/release-lock';
import { lambdaContext } from '../../support/lambda';
import { runContext } from '../../support/run-fixtures';

process.env.AWS_REGION = 'us-west-2';

const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('release-lock');

describe('release-lock handler', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('releases the plan lock held by the run', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});
    const run = runContext();

    // Act
    const result = await handler({ run }, context);

    // Assess
    expect(result).toEqual({ released: true });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'PLAN#orders', sk: 'LOCK' },
      ExpressionAttributeValues: expect.objectContaining({ ':me': run.incidentId }),
    });
  });

  it('throws MalformedEventError when the payload has no run', async () => {
    // Act / Assess
    await expect(handler({} as never, context)).rejects.toMatchObject({ name: 'MalformedEventError' });
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });
});
