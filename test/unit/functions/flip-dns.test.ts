import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/flip-dns';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, holdLock, lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { catalogPromotion, ordersDbPromotion, ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const route53 = mockClient(Route53Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('flip-dns');

describe('flip-dns handler', () => {
  beforeEach(() => {
    route53.reset();
    dynamo.reset();
    eventbridge.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    holdLock(dynamo, ordersRun());
    acceptEvents(eventbridge);
  });

  afterAll(() => {
    setPlans(undefined);
  });

  it('only reads the records and changes nothing when the payload asks for the DNS switch check', async () => {
    // Prepare
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [], IsTruncated: false });

    // Act
    const result = await handler({ run: ordersRun(), check: true }, context);

    // Assess
    expect(result).toMatchObject({ method: 'route53-records', answeredFrom: 'us-east-1' });
    expect(route53).toHaveReceivedCommand(ListResourceRecordSetsCommand);
    expect(route53).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
  });

  it('flips the failover records of the plan in one change and returns a pending DnsResult', async () => {
    // Prepare
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'api.orders.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'api-us-east-1',
          Failover: 'PRIMARY',
          TTL: 60,
          ResourceRecords: [{ Value: 'east' }],
        },
        {
          Name: 'api.orders.example.com.',
          Type: 'CNAME',
          SetIdentifier: 'api-us-west-2',
          Failover: 'SECONDARY',
          TTL: 60,
          ResourceRecords: [{ Value: 'west' }],
        },
      ],
      IsTruncated: false,
    });
    route53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C42', Status: 'PENDING', SubmittedAt: new Date() },
    });

    // Act
    const result = await handler({ run: ordersRun(), promotions: [ordersDbPromotion(), catalogPromotion()] }, context);

    // Assess
    expect(route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
    expect(result).toMatchObject({
      changes: [{ hostedZoneId: 'Z0123456789ORDERSAPI', changeId: '/change/C42', status: 'PENDING' }],
      inSync: false,
      actions: [{ service: 'route53', operation: 'ChangeResourceRecordSets', region: 'us-east-1', dryRun: false }],
    });
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });
});
