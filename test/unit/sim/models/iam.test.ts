import { conditionHolds, IamModel, simRoleArns } from '../../../../sim/models/iam';

const ACCOUNT = '123456789012';
const ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ORDERSAPI';

describe('conditionHolds', () => {
  const condition = {
    'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'A'] },
  };

  it('holds when every context value is allowed, and (ForAllValues) when the key is absent', () => {
    expect(conditionHolds(condition, new Map([['route53:ChangeResourceRecordSetsRecordTypes', ['CNAME']]]))).toBe(true);
    expect(conditionHolds(condition, new Map())).toBe(true);
  });

  it('fails when one value is not allowed, and for an operator it does not know', () => {
    expect(
      conditionHolds(condition, new Map([['route53:ChangeResourceRecordSetsRecordTypes', ['CNAME', 'TXT']]])),
    ).toBe(false);
    expect(conditionHolds({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, new Map())).toBe(false);
  });
});

describe('IamModel', () => {
  const model = new IamModel(ACCOUNT, 'us-west-2');
  const roles = simRoleArns(ACCOUNT);

  it("allows flip-dns to UPSERT the deployment's record names in its zone, and nothing else", () => {
    // Act
    const simulate = (names: string[], actions = ['UPSERT']) =>
      model.simulatePrincipalPolicy({
        PolicySourceArn: roles['flip-dns'],
        ActionNames: ['route53:ChangeResourceRecordSets'],
        ResourceArns: [ZONE],
        ContextEntries: [
          { ContextKeyName: 'route53:ChangeResourceRecordSetsNormalizedRecordNames', ContextKeyValues: names },
          { ContextKeyName: 'route53:ChangeResourceRecordSetsActions', ContextKeyValues: actions },
        ],
      }).EvaluationResults[0]?.EvalDecision;

    // Assess
    expect(simulate(['api.orders.example.com'])).toBe('allowed');
    expect(simulate(['admin.orders.example.com'])).toBe('implicitDeny');
    expect(simulate(['api.orders.example.com'], ['DELETE'])).toBe('implicitDeny');
  });

  it('denies a role a call serverless.yml does not grant it, and refuses a role it does not have', () => {
    // Act
    const result = model.simulatePrincipalPolicy({
      PolicySourceArn: roles.assess,
      ActionNames: ['rds:PromoteReadReplica'],
      ResourceArns: [`arn:aws:rds:us-west-2:${ACCOUNT}:db:orders-db-replica`],
    });

    // Assess
    expect(result.EvaluationResults[0]?.EvalDecision).toBe('implicitDeny');
    expect(() => model.simulatePrincipalPolicy({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/nobody` })).toThrow(
      expect.objectContaining({ name: 'NoSuchEntityException' }),
    );
  });
});
