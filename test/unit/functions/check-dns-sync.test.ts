import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/check-dns-sync';
import type { DnsResult } from '../../../shared/domain/run';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const route53 = mockClient(Route53Client);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('check-dns-sync');

const pending: DnsResult = {
  changes: [{ hostedZoneId: 'Z0123456789ORDERSAPI', changeId: '/change/C42', status: 'PENDING' }],
  inSync: false,
  pollSeconds: 1,
  startedAt: '2026-11-25T03:05:01.000Z',
  alreadyFlipped: [],
  actions: [],
};

describe('check-dns-sync handler', () => {
  beforeEach(() => {
    route53.reset();
    eventbridge.reset();
    acceptEvents(eventbridge);
  });

  it('returns the DnsResult in sync and publishes dns succeeded when GetChange answers INSYNC', async () => {
    // Prepare
    route53
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: '/change/C42', Status: 'INSYNC', SubmittedAt: new Date() } });

    // Act
    const result = await handler({ run: ordersRun(), dns: pending }, context);

    // Assess
    expect(route53).toHaveReceivedCommandWith(GetChangeCommand, { Id: '/change/C42' });
    expect(result).toMatchObject({ inSync: true, changes: [{ changeId: '/change/C42', status: 'INSYNC' }] });
    expect(result.inSyncAt).toEqual(expect.any(String));
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });
});
