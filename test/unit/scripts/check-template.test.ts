import { join } from 'node:path';
import {
  checkAlarmActions,
  checkAlarmIncidentWrites,
  checkEnvironmentSizes,
  checkRoleSimulation,
  checkTemplate,
  EXPECTED_FUNCTIONS,
  readSourceDefinitions,
  type Template,
} from '../../../scripts/check-template';
import { STEP_FUNCTIONS } from '../../../shared/domain/step-permissions';

const alarms = ['orders-primary-health', 'payments-primary-health'];
const logicalId = (name: string) => `${name.replace(/-/g, '')}LambdaFunction`;
/** serverless.yml's role of each function: `probe-primary` -> `ProbePrimaryRole`. */
const roleId = (name: string) =>
  `${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Role`;
/** The source ASL the valid template packages, with serverless's variables in the function names. */
const SOURCE = JSON.stringify({
  States: {
    A: { Parameters: { FunctionName: ['$', '{self:service}-$', '{sls:stage}-assess'].join('') } },
    R: { Parameters: { FunctionName: ['$', '{self:service}-$', '{sls:stage}-release-lock'].join('') } },
  },
});

const FENCE_SOURCE = JSON.stringify({
  States: { F: { Parameters: { FunctionName: ['$', '{self:service}-$', '{sls:stage}-fence-database'].join('') } } },
});
const REPROTECT_SOURCE = JSON.stringify({
  States: { P: { Parameters: { FunctionName: ['$', '{self:service}-$', '{sls:stage}-reprotect-database'].join('') } } },
});
const FAILBACK_SOURCE = JSON.stringify({
  States: { B: { Parameters: { FunctionName: ['$', '{self:service}-$', '{sls:stage}-fail-back-database'].join('') } } },
});
const SOURCES = {
  FailoverStateMachine: SOURCE,
  FenceStateMachine: FENCE_SOURCE,
  ReprotectStateMachine: REPROTECT_SOURCE,
  FailbackStateMachine: FAILBACK_SOURCE,
};

const ALARM_RULE_ARN = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub variables.
  'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/switchback-dev-on-health-alarm-rule-1',
};
/** The readiness function's wiring environment and role, as serverless.yml gives them. */
const readinessWiring = () => ({
  Environment: {
    Variables: {
      WIRING_RULES: 'switchback-dev-on-health-alarm-rule-1',
      WIRING_STATE_MACHINE_ARNS: {
        'Fn::Join': [
          ',',
          [
            { Ref: 'FailoverStateMachine' },
            { Ref: 'FenceStateMachine' },
            { Ref: 'ReprotectStateMachine' },
            { Ref: 'FailbackStateMachine' },
          ],
        ],
      },
      WIRING_DEAD_LETTER_QUEUE_URLS: { Ref: 'DeadLetterQueue' },
      FUNCTION_ROLE_NAMES: {
        'Fn::Join': [',', STEP_FUNCTIONS.map((name) => ({ 'Fn::Join': ['=', [name, { Ref: roleId(name) }]] }))],
      },
    },
  },
  Role: { 'Fn::GetAtt': ['ReadinessRole', 'Arn'] },
});

/** The smallest template that passes every check; each test breaks one thing. */
const validTemplate = (): Template => ({
  Resources: {
    ...Object.fromEntries(
      EXPECTED_FUNCTIONS.map((name) => [
        logicalId(name),
        {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: `switchback-dev-${name}`,
            Code: { S3Key: `serverless/switchback/dev/1/${name}.zip` },
            ...((STEP_FUNCTIONS as readonly string[]).includes(name)
              ? { Role: { 'Fn::GetAtt': [roleId(name), 'Arn'] } }
              : {}),
            ...(name === 'readiness' ? readinessWiring() : {}),
          },
        },
      ]),
    ),
    DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'switchback-dev-dlq' } },
    ReadinessRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyName: 'control',
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: ['events:DescribeRule'], Resource: [ALARM_RULE_ARN] },
                {
                  Effect: 'Allow',
                  Action: ['states:DescribeStateMachine'],
                  Resource: [
                    { Ref: 'FailoverStateMachine' },
                    { Ref: 'FenceStateMachine' },
                    { Ref: 'ReprotectStateMachine' },
                    { Ref: 'FailbackStateMachine' },
                  ],
                },
                {
                  Effect: 'Allow',
                  Action: ['sqs:GetQueueAttributes'],
                  Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
                },
              ],
            },
          },
          {
            PolicyName: 'role-simulation',
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['iam:SimulatePrincipalPolicy'],
                  Resource: STEP_FUNCTIONS.map((name) => ({ 'Fn::GetAtt': [roleId(name), 'Arn'] })),
                },
              ],
            },
          },
        ],
      },
    },
    FailoverStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          States: {
            A: { Parameters: { FunctionName: 'switchback-dev-assess' } },
            R: { Parameters: { FunctionName: 'switchback-dev-release-lock' } },
          },
        }),
      },
    },
    FenceStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          States: { F: { Parameters: { FunctionName: 'switchback-dev-fence-database' } } },
        }),
      },
    },
    ReprotectStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          States: { P: { Parameters: { FunctionName: 'switchback-dev-reprotect-database' } } },
        }),
      },
    },
    FailbackStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          States: { B: { Parameters: { FunctionName: 'switchback-dev-fail-back-database' } } },
        }),
      },
    },
    AlarmRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: 'switchback-dev-on-health-alarm-rule-1',
        EventPattern: {
          source: ['aws.cloudwatch'],
          account: [{ Ref: 'AWS::AccountId' }],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [...alarms].reverse(), state: { value: ['ALARM'] } },
        },
        Targets: [{ Arn: { 'Fn::GetAtt': [logicalId('on-health-alarm'), 'Arn'] }, Id: 't' }],
      },
    },
    LedgerTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    },
    AssessRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyName: 'control',
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' }],
            },
          },
        ],
      },
    },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] } },
    },
  },
});

type Mutable = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const edit = (template: Template): Mutable => template as unknown as Mutable;
const resource = (template: Template, id: string) => {
  const found = edit(template).Resources[id];
  if (!found) throw new Error(`the test template has no ${id}`);
  return found;
};

describe('checkTemplate', () => {
  it('passes and lists every zip when the template has everything', () => {
    // Act
    const result = checkTemplate(validTemplate(), alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.zips)).toEqual([...EXPECTED_FUNCTIONS]);
    expect(result.zips.notify).toBe('notify.zip');
    expect(result.passed).toContain('no wildcard IAM action');
  });

  it('names the missing function when one is not in the template', () => {
    // Prepare
    const template = validTemplate();
    delete edit(template).Resources[logicalId('check-dns-sync')];

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual(['function "check-dns-sync" is missing (serverless.yml functions.check-dns-sync)']);
  });

  it('fails when the state machine is missing', () => {
    // Prepare
    const template = validTemplate();
    delete edit(template).Resources.FailoverStateMachine;

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess: readiness's wiring no longer matches the stack either.
    expect(result.problems).toEqual([
      expect.stringContaining('"FailoverStateMachine" is missing'),
      expect.stringContaining('WIRING_STATE_MACHINE_ARNS'),
      expect.stringContaining('states:DescribeStateMachine'),
    ]);
  });

  it('fails when the fence runbook state machine is missing', () => {
    // Prepare
    const template = validTemplate();
    delete edit(template).Resources.FenceStateMachine;

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([
      expect.stringContaining('"FenceStateMachine" is missing'),
      expect.stringContaining('WIRING_STATE_MACHINE_ARNS'),
      expect.stringContaining('states:DescribeStateMachine'),
    ]);
  });

  it('checks every runbook in the sources, not only failover: a restore-test source without its state machine', () => {
    // Act
    const result = checkTemplate(validTemplate(), alarms, { ...SOURCES, RestoreTestStateMachine: FENCE_SOURCE });

    // Assess
    expect(result.problems).toEqual([
      'state machine "RestoreTestStateMachine" is missing (serverless.yml stepFunctions, id: RestoreTestStateMachine, definition statemachines/restore-test.asl.json)',
    ]);
  });

  it('names a packaged restore-test definition that differs from its source', () => {
    // Prepare
    const template = validTemplate();
    edit(template).Resources.RestoreTestStateMachine = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          States: { F: { Parameters: { FunctionName: 'switchback-dev-fence-database' }, QueryLanguage: 'JSONPath' } },
        }),
      },
    };
    const variables = (resource(template, logicalId('readiness')).Properties as ReturnType<typeof readinessWiring>)
      .Environment.Variables;
    variables.WIRING_STATE_MACHINE_ARNS = {
      'Fn::Join': [
        ',',
        [
          { Ref: 'FailoverStateMachine' },
          { Ref: 'FenceStateMachine' },
          { Ref: 'ReprotectStateMachine' },
          { Ref: 'FailbackStateMachine' },
          { Ref: 'RestoreTestStateMachine' },
        ],
      ],
    };
    const statements = (
      resource(template, 'ReadinessRole').Properties.Policies as {
        PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] };
      }[]
    )[0]?.PolicyDocument.Statement;
    statements?.[1]?.Resource.push({ Ref: 'RestoreTestStateMachine' });

    // Act
    const result = checkTemplate(template, alarms, { ...SOURCES, RestoreTestStateMachine: FENCE_SOURCE });

    // Assess
    expect(result.problems).toEqual([
      'the packaged restore-test definition differs from statemachines/restore-test.asl.json at States.F.QueryLanguage: package it untouched (stepFunctions.validate stays off)',
    ]);
  });

  it('names a state machine of the template that has no source ASL', () => {
    // Act
    const { FenceStateMachine: _fence, ...withoutFence } = SOURCES;
    const result = checkTemplate(validTemplate(), alarms, withoutFence);

    // Assess
    expect(result.problems).toEqual([
      'state machine "FenceStateMachine" has no source statemachines/fence.asl.json: add it, or remove the state machine',
    ]);
  });

  it('names a rule the stack deploys that readiness is not told about, and one its role may not describe', () => {
    // Prepare
    const template = validTemplate();
    edit(template).Resources.NotifyRule = {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'switchback-dev-notify-rule-1', EventBusName: { 'Fn::GetAtt': ['EventBus', 'Name'] } },
    };
    edit(template).Resources.EventBus = { Type: 'AWS::Events::EventBus', Properties: { Name: 'switchback-dev' } };

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([
      "the readiness function's WIRING_RULES [switchback-dev-on-health-alarm-rule-1] are not the stack's rules [switchback-dev-on-health-alarm-rule-1, switchback-dev|switchback-dev-notify-rule-1]: update serverless.yml functions.readiness.environment",
      "the readiness role must grant events:DescribeRule on exactly the stack's rules (not granted: switchback-dev|switchback-dev-notify-rule-1; 1 granted)",
    ]);
  });

  it('names an invoked function the stack lacks when the ASL has an unresolved or wrong name', () => {
    // Prepare
    const template = validTemplate();
    // An ASL FunctionName whose serverless variables were not resolved.
    const unresolved = ['$', '{self:service}-$', '{sls:stage}-assess'].join('');
    resource(template, 'FailoverStateMachine').Properties.DefinitionString = JSON.stringify({
      States: { A: { Parameters: { FunctionName: unresolved } } },
    });

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([
      `the state machine FailoverStateMachine invokes functions this stack lacks: ${unresolved}`,
      expect.stringContaining('unresolved'),
      expect.stringContaining('differs from statemachines/failover.asl.json at States.A.Parameters.FunctionName'),
    ]);
  });

  it('names the first difference when the packager added QueryLanguage to a Succeed state', () => {
    // Prepare: what serverless-step-functions wrote with stepFunctions.validate: true (cfn-lint E3601).
    const template = validTemplate();
    resource(template, 'FailoverStateMachine').Properties.DefinitionString = JSON.stringify({
      States: {
        A: { Parameters: { FunctionName: 'switchback-dev-assess' } },
        R: { Parameters: { FunctionName: 'switchback-dev-release-lock' }, QueryLanguage: 'JSONPath' },
      },
    });

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([
      'the packaged failover definition differs from statemachines/failover.asl.json at States.R.QueryLanguage: package it untouched (stepFunctions.validate stays off)',
    ]);
  });

  it.each([
    ['has no account filter', undefined],
    ['names a literal account', ['123456789012']],
    ['accepts any of two accounts', [{ Ref: 'AWS::AccountId' }, '210987654321']],
  ])('fails when the alarm rule %s', (_case, account) => {
    // Prepare
    const template = validTemplate();
    const pattern = resource(template, 'AlarmRule').Properties.EventPattern as Record<string, unknown>;
    if (account === undefined) delete pattern.account;
    else pattern.account = account;

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual(['the alarm rule must match this account only (account: [!Ref AWS::AccountId])']);
  });

  it("names both lists when the alarm rule does not match the plans' alarms", () => {
    // Act
    const result = checkTemplate(validTemplate(), ['orders-primary-health'], SOURCES);

    // Assess
    expect(result.problems).toEqual([
      expect.stringMatching(/matches \[payments-primary-health, orders-primary-health\] but the plans name \[orders/),
    ]);
  });

  it('fails when the alarm rule also matches OK transitions', () => {
    // Prepare
    const template = validTemplate();
    const pattern = resource(template, 'AlarmRule').Properties.EventPattern as { detail: { state: unknown } };
    pattern.detail.state = { value: ['ALARM', 'OK'] };

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual(['the alarm rule must match detail.state.value ["ALARM"] only']);
  });

  it('fails when the alarm rule targets another function', () => {
    // Prepare
    const template = validTemplate();
    resource(template, 'AlarmRule').Properties.Targets = [
      { Arn: { 'Fn::GetAtt': [logicalId('notify'), 'Arn'] }, Id: 't' },
    ];

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual(['the alarm rule does not target on-health-alarm']);
  });

  it('fails when the alarm rule is missing', () => {
    // Prepare
    const template = validTemplate();
    delete edit(template).Resources.AlarmRule;

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess: and readiness is told of a rule the stack no longer has.
    expect(result.problems).toEqual([
      'no EventBridge rule on source aws.cloudwatch (on-health-alarm events)',
      expect.stringContaining('WIRING_RULES'),
      expect.stringContaining('events:DescribeRule'),
    ]);
  });

  it('fails when the ledger table has no point-in-time recovery', () => {
    // Prepare
    const template = validTemplate();
    resource(template, 'LedgerTable').Properties = {};

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([expect.stringContaining('no point-in-time recovery')]);
  });

  it.each(['*', 'rds:*', 'rds:Describe*'])('fails when a role grants the wildcard action %s', (action) => {
    // Prepare
    const template = validTemplate();
    resource(template, 'AssessRole').Properties.Policies = [
      {
        'Fn::If': [
          'SomeCondition',
          { PolicyName: 'x', PolicyDocument: { Statement: { Effect: 'Allow', Action: action, Resource: '*' } } },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ];

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual([`an IAM statement grants the wildcard action "${action}"`]);
  });

  it('fails when a statement uses NotAction', () => {
    // Prepare
    const template = validTemplate();
    edit(template).Resources.Extra = {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } },
    };

    // Act
    const result = checkTemplate(template, alarms, SOURCES);

    // Assess
    expect(result.problems).toEqual(['an IAM statement uses NotAction (it grants everything else)']);
  });
});

describe('checkRoleSimulation', () => {
  type Policy = { PolicyName: string; PolicyDocument: { Statement: { Resource: unknown }[] } };
  const simulation = (template: Template) =>
    (resource(template, 'ReadinessRole').Properties.Policies as Policy[]).find(
      (policy) => policy.PolicyName === 'role-simulation',
    )?.PolicyDocument.Statement[0] as { Resource: unknown };
  const told = (template: Template) =>
    (
      (resource(template, logicalId('readiness')).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables.FUNCTION_ROLE_NAMES as { 'Fn::Join': [string, unknown[]] }
    )['Fn::Join'][1];

  it('passes when readiness is told every runbook role that acts on the plans and may simulate exactly those', () => {
    expect(checkRoleSimulation(validTemplate())).toEqual([]);
  });

  it('names a runbook role readiness is not told about (the reprotect role left out)', () => {
    // Prepare
    const template = validTemplate();
    const pairs = told(template);
    pairs.splice(STEP_FUNCTIONS.indexOf('reprotect-database'), 1);

    // Act
    const problems = checkRoleSimulation(template);

    // Assess
    expect(problems).toEqual([expect.stringContaining('FUNCTION_ROLE_NAMES name [')]);
    expect(problems[0]).not.toMatch(/name \[[^\]]*reprotect-database/);
  });

  it('names a function told with another role than the one it runs with', () => {
    // Prepare
    const template = validTemplate();
    resource(template, logicalId('fail-back-database')).Properties.Role = { 'Fn::GetAtt': ['SharedRole', 'Arn'] };

    // Act
    const problems = checkRoleSimulation(template);

    // Assess
    expect(problems).toContainEqual(
      "the readiness function's FUNCTION_ROLE_NAMES give fail-back-database the role FailBackDatabaseRole, but the function runs with SharedRole: name its role <PascalCaseName>Role in serverless.yml",
    );
  });

  it('refuses a readiness role that may simulate any role, or not one of the runbook roles', () => {
    // Prepare
    const wildcard = validTemplate();
    simulation(wildcard).Resource = '*';
    const missing = validTemplate();
    simulation(missing).Resource = STEP_FUNCTIONS.filter((name) => name !== 'start-restore').map((name) => ({
      'Fn::GetAtt': [roleId(name), 'Arn'],
    }));

    // Act
    const problems = [...checkRoleSimulation(wildcard), ...checkRoleSimulation(missing)];

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /^the readiness role must grant iam:SimulatePrincipalPolicy on exactly .*\(granted on: \*\)$/,
      ),
      expect.stringMatching(/^the readiness role must grant iam:SimulatePrincipalPolicy on exactly /),
    ]);
  });
});

describe('checkEnvironmentSizes', () => {
  const variables = (template: Template) =>
    (resource(template, logicalId('readiness')).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;

  it('sizes each environment at its longest deployed form: role names as CloudFormation makes them, ARNs at the longest partition and region', () => {
    // Prepare: one role name and one role ARN, as a stack named switchback-prod deploys them
    const template = validTemplate();
    const env = variables(template);
    for (const name of Object.keys(env)) delete env[name];
    env.ONE_NAME = { Ref: 'AssessRole' };
    env.ONE_ARN = { 'Fn::GetAtt': ['AssessRole', 'Arn'] };

    // Act
    const { problems, sizes } = checkEnvironmentSizes(template, 'switchback-prod');

    // Assess: `switchback-prod-AssessRole-` and 13 characters; the ARN adds arn:aws-us-gov:iam::<account>:role/
    const name = 'switchback-prod-AssessRole-'.length + 13;
    const readiness = sizes.find((size) => size.function.endsWith('-readiness'));
    expect(problems).toEqual([]);
    expect(readiness?.bytes).toBe(
      'ONE_NAME'.length + name + 'ONE_ARN'.length + 'arn:aws-us-gov:iam::123456789012:role/'.length + name,
    );
    expect(sizes[0]?.bytes).toBeGreaterThanOrEqual(readiness?.bytes ?? 0);
  });

  it("refuses a function whose environment can exceed Lambda's 4 KB, naming it, its size and its largest variable", () => {
    // Prepare: the readiness function told 60 roles by ARN (about five plans' worth of the old form)
    const template = validTemplate();
    variables(template).FUNCTION_ROLE_ARNS = {
      'Fn::Join': [
        ',',
        Array.from({ length: 60 }, (_, index) => ({
          'Fn::Join': ['=', [`step-${index}`, { 'Fn::GetAtt': ['AssessRole', 'Arn'] }]],
        })),
      ],
    };

    // Act
    const { problems } = checkEnvironmentSizes(template, 'switchback-prod');
    const result = checkTemplate(template, alarms, SOURCES, ['ALARM'], 'switchback-prod');

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /^the environment of switchback-dev-readiness can reach \d+ bytes, over Lambda's 4096 \(keys and values together; the deployment would fail\): its largest variable is FUNCTION_ROLE_ARNS \(\d+ bytes\); pass names instead of ARNs/,
      ),
    ]);
    expect(result.problems).toEqual(problems);
    expect(result.passed.some((line) => line.startsWith('every function environment'))).toBe(false);
  });
});

describe('checkAlarmIncidentWrites', () => {
  const ledgerArn = { 'Fn::GetAtt': ['LedgerTable', 'Arn'] };
  const deny = {
    Effect: 'Deny',
    Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    Resource: ledgerArn,
    Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['ALARM#*'] } },
  };
  const role = (...statements: object[]) => ({
    Type: 'AWS::IAM::Role',
    Properties: { Policies: [{ PolicyName: 'control', PolicyDocument: { Statement: statements } }] },
  });
  const intake = (condition?: object) =>
    role({
      Effect: 'Allow',
      Action: ['dynamodb:PutItem'],
      Resource: ledgerArn,
      ...(condition ? { Condition: condition } : {}),
    });
  const writes = { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: ledgerArn };
  const template = (resources: Record<string, object>): Template => ({ Resources: resources }) as unknown as Template;
  const onlyAlarmKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ALARM#*'] } };

  it('passes when only the intake writes alarm incidents and every other ledger writer is denied them', () => {
    // Act
    const problems = checkAlarmIncidentWrites(
      template({ OnHealthAlarmRole: intake(onlyAlarmKeys), AssessRole: role(writes, deny) }),
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it('names a role that may write to the ledger without the deny on alarm incidents', () => {
    // Act
    const problems = checkAlarmIncidentWrites(
      template({ OnHealthAlarmRole: intake(onlyAlarmKeys), RecordOutcomeRole: role(writes) }),
    );

    // Assess
    expect(problems).toEqual([
      'RecordOutcomeRole may write alarm incidents: add the denyAlarmIncidentWrites statement of serverless.yml',
    ]);
  });

  it('names the intake role when it may write other ledger keys', () => {
    // Act
    const problems = checkAlarmIncidentWrites(template({ OnHealthAlarmRole: intake() }));

    // Assess
    expect(problems).toEqual(['OnHealthAlarmRole may write ledger keys other than alarm incidents (ALARM#*)']);
  });
});

describe('readSourceDefinitions', () => {
  it('reads every runbook in statemachines/, keyed by its serverless.yml state machine id', () => {
    // Act
    const sources = readSourceDefinitions(join(__dirname, '..', '..', '..'));

    // Assess
    expect(Object.keys(sources)).toEqual([
      'FailbackStateMachine',
      'FailoverStateMachine',
      'FenceStateMachine',
      'GameDayStateMachine',
      'ReprotectStateMachine',
      'RestoreTestStateMachine',
    ]);
    expect(JSON.parse(sources.RestoreTestStateMachine ?? '')).toHaveProperty('StartAt');
  });
});

describe('checkAlarmActions', () => {
  const alarm = (actions: { Ref: string }[]) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: { MetricName: 'PlanReady', AlarmActions: actions, OKActions: actions },
  });
  const topic = { Type: 'AWS::SNS::Topic', Properties: {} };

  it('passes when each PlanReady alarm notifies a topic of the stack when it fires and when it clears', () => {
    expect(
      checkAlarmActions({ Resources: { AlertsTopic: topic, ReadinessAlarmOrders: alarm([{ Ref: 'AlertsTopic' }]) } }),
    ).toEqual([]);
  });

  it('names an alarm without actions, and one whose action is not a topic of the stack', () => {
    // Act
    const problems = checkAlarmActions({
      Resources: {
        AlertsTopic: topic,
        ReadinessAlarmOrders: alarm([]),
        OrdersDbRestoreTestFailedAlarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { MetricName: 'RestoreTestPassed', AlarmActions: ['arn:aws:sns:us-west-2:1:elsewhere'] },
        },
      },
    } as Template);

    // Assess
    expect(problems).toEqual([
      'the alarm ReadinessAlarmOrders has no AlarmActions to an SNS topic of this stack: nobody would hear it',
      'the alarm ReadinessAlarmOrders has no OKActions to an SNS topic of this stack: nobody would hear it',
      'the alarm OrdersDbRestoreTestFailedAlarm has no AlarmActions to an SNS topic of this stack: nobody would hear it',
      'the alarm OrdersDbRestoreTestFailedAlarm has no OKActions to an SNS topic of this stack: nobody would hear it',
    ]);
  });
});
