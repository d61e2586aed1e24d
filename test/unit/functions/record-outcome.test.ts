import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/record-outcome';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { assessment, dnsResult, promotions, runContext, verification } from '../../support/run-fixtures';

process.env.AWS_REGION = 'us-west-2';
// EMF lines are the metrics' output in Lambda; here they would only clutter the test output.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('record-outcome');

describe('record-outcome handler', () => {
  beforeEach(() => {
    dynamo.reset();
    eventbridge.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    acceptEvents(eventbridge);
  });

  it('records a recovery, marks the plan failed over and returns RTO and RPO', async () => {
    // Act
    const result = await handler(
      {
        run: runContext(),
        assessment: assessment(),
        outcome: 'recovered',
        promotions: promotions(),
        dns: dnsResult(),
        verification: verification(),
      },
      context,
    );

    // Assess
    expect(result).toEqual({
      outcome: 'recovered',
      rto: { actualSeconds: 460, budgetSeconds: 900, withinBudget: true },
      rpo: { actualSeconds: 4.2, budgetSeconds: 60, withinBudget: true },
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'PLAN#orders', sk: 'STATE', activeRegion: 'us-west-2' }),
    });
    expect(eventbridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ DetailType: 'Recovery Completed' })],
    });
  });

  it('throws MalformedEventError when the outcome is not one the ASL sends', async () => {
    // Act / Assess
    await expect(
      handler({ run: runContext(), assessment: assessment(), outcome: 'failed' } as never, context),
    ).rejects.toMatchObject({
      name: 'MalformedEventError',
      message: expect.stringContaining('outcome: expected one of'),
    });
  });
});
