import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/on-run-failed';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { runContext } from '../../support/run-fixtures';

process.env.AWS_REGION = 'us-west-2';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('on-run-failed');

const statusChange = (detail: Record<string, unknown> = {}) => {
  const run = runContext();
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-11-25T03:09:00Z',
    region: 'us-west-2',
    resources: [run.executionArn],
    detail: {
      executionArn: run.executionArn,
      stateMachineArn: 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover',
      name: run.incidentId,
      status: 'FAILED',
      startDate: Date.parse('2026-11-25T03:01:29.000Z'),
      stopDate: Date.parse('2026-11-25T03:08:59.000Z'),
      input: JSON.stringify({
        plan: 'orders',
        action: 'failover',
        reason: 'x-ray',
        requestedBy: 'alice',
        incidentId: run.incidentId,
      }),
      output: null,
      error: 'DnsFlipError',
      cause: 'record api.orders.example.com has no PRIMARY failover record',
      ...detail,
    },
  };
};

describe('on-run-failed handler', () => {
  beforeEach(() => {
    dynamo.reset();
    eventbridge.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    acceptEvents(eventbridge);
  });

  it('records the failed run, releases the lock and publishes Recovery Failed', async () => {
    // Act
    const result = await handler(statusChange(), context);

    // Assess
    expect(result).toEqual({ status: 'recorded', incidentId: runContext().incidentId, phase: 'dns' });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { Key: { pk: 'PLAN#orders', sk: 'LOCK' } });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ outcome: 'failed', failure: expect.objectContaining({ phase: 'dns' }) }),
    });
    expect(eventbridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ DetailType: 'Recovery Failed' })],
    });
  });

  it('ignores an execution whose input cannot be parsed', async () => {
    // Act
    const result = await handler(statusChange({ input: 'not json' }), context);

    // Assess
    expect(result).toMatchObject({ status: 'ignored' });
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });

  it('ignores, without throwing, an event that is not a stopped execution', async () => {
    // Act
    const result = await handler(statusChange({ status: 'SUCCEEDED' }), context);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('detail.status') });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});
