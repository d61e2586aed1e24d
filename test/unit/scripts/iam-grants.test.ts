import {
  type Allowance,
  arnMatches,
  type Call,
  compareGrants,
  type Grant,
  grantsByFunction,
  type TemplateLike,
} from '../../../scripts/iam-grants';
import { iamActionOf, resourcesOf } from '../../support/aws-calls';

const PSEUDO = { partition: 'aws', account: '123456789012', region: 'us-west-2' };
const REPLICA = 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica';

/** A template with one function, `promote`, whose role grants what `statements` say. */
const templateWith = (statements: unknown[]): TemplateLike =>
  ({
    Resources: {
      PromoteLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'switchback-dev-promote', Role: { 'Fn::GetAtt': ['PromoteRole', 'Arn'] } },
      },
      PromoteRole: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] },
      },
    },
  }) as unknown as TemplateLike;

const calls = (entries: Record<string, Call[]>): Map<string, Call[]> => new Map(Object.entries(entries));
const grants = (entries: Record<string, Grant[] | undefined>): Map<string, Grant[] | undefined> =>
  new Map(Object.entries(entries));

describe('grantsByFunction', () => {
  it('reads the role of each function with pseudo parameters filled in and stack resources as null', () => {
    // Prepare
    const template = templateWith([
      {
        Effect: 'Allow',
        Action: ['rds:PromoteReadReplica'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template.
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:rds:us-west-2:${AWS::AccountId}:db:orders-db-replica' }],
      },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { Effect: 'Deny', Action: 'rds:DeleteDBInstance', Resource: '*' },
    ]);

    // Act
    const result = grantsByFunction(template, 'switchback-dev-', PSEUDO);

    // Assess
    expect(result.get('promote')).toEqual([
      { action: 'rds:PromoteReadReplica', resource: REPLICA },
      { action: 'dynamodb:GetItem', resource: null },
    ]);
  });

  it('maps a function to undefined when its role is not a role of the template', () => {
    // Prepare
    const template = templateWith([]);
    const fn = template.Resources.PromoteLambdaFunction as { Properties: Record<string, unknown> };
    fn.Properties.Role = 'arn:aws:iam::123456789012:role/elsewhere';

    // Act
    const result = grantsByFunction(template, 'switchback-dev-', PSEUDO);

    // Assess
    expect(result.has('promote')).toBe(true);
    expect(result.get('promote')).toBeUndefined();
  });
});

describe('arnMatches', () => {
  it.each([
    ['*', REPLICA, true],
    [REPLICA, REPLICA, true],
    ['arn:aws:rds:us-west-2:123456789012:db:orders-*', REPLICA, true],
    ['arn:aws:rds:us-east-1:123456789012:db:orders-db-replica', REPLICA, false],
    ['arn:aws:secretsmanager:r:1:secret:slack-??????', 'arn:aws:secretsmanager:r:1:secret:slack-AbC123', true],
    ['arn:aws:secretsmanager:r:1:secret:slack-??????', 'arn:aws:secretsmanager:r:1:secret:slack-AbC1234', false],
  ])('matches %s against %s: %s', (pattern, arn, expected) => {
    expect(arnMatches(pattern, arn)).toBe(expected);
  });
});

describe('compareGrants', () => {
  const promoteGrants: Grant[] = [
    { action: 'rds:PromoteReadReplica', resource: REPLICA },
    { action: 'events:PutEvents', resource: null },
  ];
  const promoteCalls: Call[] = [
    { action: 'rds:PromoteReadReplica', resources: [REPLICA] },
    { action: 'events:PutEvents' },
  ];

  it('reports nothing when every call is granted and every grant is called', () => {
    expect(compareGrants(calls({ promote: promoteCalls }), grants({ promote: promoteGrants }), [])).toEqual([]);
  });

  it('reports the missing grant when a grant the code needs is removed', () => {
    // Prepare
    const withoutPutEvents = promoteGrants.filter((grant) => grant.action !== 'events:PutEvents');

    // Act
    const problems = compareGrants(calls({ promote: promoteCalls }), grants({ promote: withoutPutEvents }), []);

    // Assess
    expect(problems).toEqual(['promote: calls events:PutEvents, which its role does not grant']);
  });

  it('reports a call on a resource that the grant does not name', () => {
    // Prepare
    const other = 'arn:aws:rds:us-east-1:123456789012:db:orders-db';

    // Act
    const problems = compareGrants(
      calls({ promote: [{ action: 'rds:PromoteReadReplica', resources: [other] }, { action: 'events:PutEvents' }] }),
      grants({ promote: promoteGrants }),
      [],
    );

    // Assess
    expect(problems).toEqual([
      `promote: calls rds:PromoteReadReplica on ${other}, which its role does not grant`,
      `promote: its role grants rds:PromoteReadReplica on ${REPLICA}, which no call uses: remove the grant`,
    ]);
  });

  it('reports a grant that no call uses', () => {
    // Prepare
    const extra: Grant[] = [...promoteGrants, { action: 'dynamodb:GetItem', resource: null }];

    // Act
    const problems = compareGrants(calls({ promote: promoteCalls }), grants({ promote: extra }), []);

    // Assess
    expect(problems).toEqual([
      'promote: its role grants dynamodb:GetItem on a resource of this stack, which no call uses: remove the grant',
    ]);
  });

  it('accepts an unused grant that an allowance explains, and reports an allowance that explains nothing', () => {
    // Prepare
    const extra: Grant[] = [...promoteGrants, { action: 'rds:SwitchoverGlobalCluster', resource: '*' }];
    const allowances: Allowance[] = [
      { function: 'promote', action: 'rds:SwitchoverGlobalCluster', reason: 'manual runs only' },
      { function: '*', action: 'logs:PutLogEvents', reason: 'the Lambda runtime' },
    ];

    // Act
    const problems = compareGrants(calls({ promote: promoteCalls }), grants({ promote: extra }), allowances);

    // Assess
    expect(problems).toEqual(['allowance * logs:PutLogEvents explains no unused grant: remove it']);
  });

  it('reports a function that made no call and one that has no role', () => {
    // Act
    const problems = compareGrants(
      calls({ readiness: [{ action: 'rds:DescribeDBInstances' }] }),
      grants({ promote: promoteGrants, readiness: undefined }),
      [],
    );

    // Assess
    expect(problems).toEqual([
      'promote: no drill invoked it or it made no AWS call, so its role cannot be checked: drive it in the IAM check in test/integration/drill-scenarios.test.ts',
      'readiness: calls rds:DescribeDBInstances but has no role in the template (serverless.yml functions.readiness.role)',
    ]);
  });
});

describe('the call recorder', () => {
  it.each([
    ['EventBridgeClient', 'PutEventsCommand', 'events:PutEvents'],
    ['SFNClient', 'StartExecutionCommand', 'states:StartExecution'],
    ['DynamoDBDocumentClient', 'GetCommand', 'dynamodb:GetItem'],
    ['DynamoDBDocumentClient', 'UpdateCommand', 'dynamodb:UpdateItem'],
    ['KinesisClient', 'PutRecordCommand', 'unknown:KinesisClient:PutRecord'],
  ])('names a %s %s call as the IAM action %s', (client, command, action) => {
    expect(iamActionOf(client, command)).toBe(action);
  });

  it.each([
    [
      'secretsmanager:GetSecretValue',
      { SecretId: 'switchback/orders/slack' },
      ':secret:switchback/orders/slack-A1b2C3',
    ],
    ['ssm:GetParameter', { Name: '/switchback/orders/slack' }, ':parameter/switchback/orders/slack'],
  ])('names the secret a %s call reads by its ARN', (action, input, suffix) => {
    // Act
    const arns = resourcesOf(action, input, 'us-west-2', '123456789012');

    // Assess
    expect(arns).toEqual([expect.stringMatching(new RegExp(`^arn:aws:[a-z]+:us-west-2:123456789012${suffix}$`))]);
  });

  it.each([
    [
      'rds:DescribeDBInstances',
      { Filters: [{ Name: 'db-instance-id', Values: ['a', 'b'] }] },
      'arn:aws:rds:us-west-2:123456789012:db:*',
    ],
    [
      'rds:DescribeDBClusters',
      { Filters: [{ Name: 'db-cluster-id', Values: ['a', 'b'] }] },
      'arn:aws:rds:us-west-2:123456789012:cluster:*',
    ],
    ['rds:DescribeGlobalClusters', {}, 'arn:aws:rds::123456789012:global-cluster:*'],
  ])(
    'names every resource of its type for a %s call without an identifier (a filter, or a list)',
    (action, input, arn) => {
      expect(resourcesOf(action, input, 'us-west-2', '123456789012')).toEqual([arn]);
    },
  );

  it('names the global cluster and the target cluster of a global failover', () => {
    // Act
    const arns = resourcesOf(
      'rds:FailoverGlobalCluster',
      {
        GlobalClusterIdentifier: 'catalog-global',
        TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west',
      },
      'us-west-2',
      '123456789012',
    );

    // Assess
    expect(arns).toEqual([
      'arn:aws:rds::123456789012:global-cluster:catalog-global',
      'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west',
    ]);
  });
});
