import 'aws-sdk-client-mock-jest';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamPolicySimulator } from '../../../../shared/aws/iam-simulator';

const iam = mockClient(IAMClient);
const adapter = () => new IamPolicySimulator({ client: () => new IAMClient({ region: 'us-east-1' }) });
const ROLE = 'arn:aws:iam::123456789012:role/switchback-prod-FlipDnsRole-AbC';
const ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ORDERSAPI';

describe('IamPolicySimulator', () => {
  beforeEach(() => iam.reset());

  it('asks for one action on the resources with the context keys, and answers per resource across pages', async () => {
    // Prepare
    iam
      .on(SimulatePrincipalPolicyCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvalActionName: 'route53:ChangeResourceRecordSets',
            EvalDecision: 'implicitDeny',
            ResourceSpecificResults: [
              { EvalResourceName: ZONE, EvalResourceDecision: 'allowed' },
              {
                EvalResourceName: `${ZONE}2`,
                EvalResourceDecision: 'implicitDeny',
                PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
              },
            ],
          },
        ],
        IsTruncated: true,
        Marker: 'next',
      })
      .resolvesOnce({
        EvaluationResults: [
          {
            EvalActionName: 'route53:ChangeResourceRecordSets',
            EvalResourceName: `${ZONE}3`,
            EvalDecision: 'explicitDeny',
            OrganizationsDecisionDetail: { AllowedByOrganizations: false },
          },
        ],
        IsTruncated: false,
      });

    // Act
    const decisions = await adapter().simulate(
      ROLE,
      'route53:ChangeResourceRecordSets',
      [ZONE, `${ZONE}2`, `${ZONE}3`],
      [{ key: 'route53:ChangeResourceRecordSetsActions', values: ['UPSERT'] }],
    );

    // Assess
    expect(decisions).toEqual([
      { action: 'route53:ChangeResourceRecordSets', resource: ZONE, decision: 'allowed' },
      {
        action: 'route53:ChangeResourceRecordSets',
        resource: `${ZONE}2`,
        decision: 'implicitDeny',
        allowedByBoundary: false,
      },
      {
        action: 'route53:ChangeResourceRecordSets',
        resource: `${ZONE}3`,
        decision: 'explicitDeny',
        allowedByOrganizations: false,
      },
    ]);
    expect(iam).toHaveReceivedNthCommandWith(1, SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ActionNames: ['route53:ChangeResourceRecordSets'],
      ResourceArns: [ZONE, `${ZONE}2`, `${ZONE}3`],
      ContextEntries: [
        {
          ContextKeyName: 'route53:ChangeResourceRecordSetsActions',
          ContextKeyType: 'stringList',
          ContextKeyValues: ['UPSERT'],
        },
      ],
    });
    expect(iam).toHaveReceivedNthCommandWith(2, SimulatePrincipalPolicyCommand, { Marker: 'next' });
  });

  it('throws a named error when IAM does not answer', async () => {
    // Prepare
    iam.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));

    // Act
    const result = adapter().simulate(ROLE, 'rds:PromoteReadReplica', ['*']);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'EndpointUnreachableError' });
  });
});
