import { join } from 'node:path';
import {
  checkProbers,
  checkTemplate,
  expectedProbers,
  readSourceDefinitions,
  type Template,
} from '../../scripts/check-template';
import { intakeAlarmStates, planSignals } from '../../shared/domain/quorum';
import { loadPlanDirectory } from '../../shared/plan/load';
import { packagedTemplate } from '../support/packaged-template';

/** The template `npm run package` wrote, as it would be deployed. */

const ROOT = join(__dirname, '..', '..');

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

describe('the packaged template', () => {
  let template: Template & { Resources: Resources };

  // `npm test` starts jest while it packages: wait for the template (at once outside npm test).
  beforeAll(async () => {
    template = await packagedTemplate<Template & { Resources: Resources }>();
  }, 16 * 60_000);

  it('passes every template check', () => {
    // Prepare
    const registry = loadPlanDirectory(join(ROOT, 'plans'));
    const plans = registry.names.map((name) => registry.get(name));
    const alarms = plans.flatMap((plan) => planSignals(plan).map((signal) => signal.alarmName));

    // Act
    const result = checkTemplate(template, alarms, readSourceDefinitions(ROOT), intakeAlarmStates(plans));
    const proberProblems = checkProbers(template, expectedProbers(plans));

    // Assess
    expect(result.problems).toEqual([]);
    expect(proberProblems).toEqual([]);
  });

  it("deploys each plan's standby prober: its alarm, in this region, is one of the alarm rule's names", () => {
    // Prepare
    const registry = loadPlanDirectory(join(ROOT, 'plans'));
    const probers = expectedProbers(registry.names.map((name) => registry.get(name)));
    const rule = Object.values(template.Resources).find(
      (resource) =>
        resource.Type === 'AWS::Events::Rule' && JSON.stringify(resource.Properties).includes('aws.cloudwatch'),
    );

    // Act
    const pattern = rule?.Properties?.EventPattern as { detail?: { alarmName?: string[] } } | undefined;
    const names = pattern?.detail?.alarmName ?? [];

    // Assess
    expect(probers.length).toBeGreaterThan(0);
    for (const prober of probers) expect(names).toContain(prober.alarmName);
    expect(checkProbers(template, [])).toEqual([
      `${probers.length} prober schedules for 0 plans with a trigger.prober`,
      `${probers.length} prober alarms for 0 plans with a trigger.prober`,
    ]);
  });

  it("matches alarm events of the deployment's own account only", () => {
    // Act
    const patterns = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .map((rule) => rule.Properties?.EventPattern as { source?: string[]; account?: unknown })
      .filter((pattern) => pattern?.source?.includes('aws.cloudwatch'));

    // Assess
    expect(patterns).toHaveLength(1);
    expect(patterns[0]?.account).toEqual([{ Ref: 'AWS::AccountId' }]);
  });

  it('carries the failover definition without a QueryLanguage field the source does not have', () => {
    // Act
    const definition = template.Resources.FailoverStateMachine?.Properties?.DefinitionString;

    // Assess
    expect(typeof definition).toBe('string');
    expect(definition as string).not.toContain('QueryLanguage');
  });

  describe('readiness', () => {
    interface ScheduleProperties {
      ScheduleExpression: string;
      Target: { Arn: unknown; RoleArn: unknown; Input: string };
    }
    interface AlarmProperties {
      Dimensions: { Name: string; Value: string }[];
      [key: string]: unknown;
    }
    const registry = loadPlanDirectory(join(ROOT, 'plans'));
    const ofType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);
    const statements = (roleId: string) =>
      (
        (template.Resources[roleId]?.Properties?.Policies ?? []) as {
          PolicyDocument: { Statement: { Effect: string; Action: string[]; Condition?: unknown }[] };
        }[]
      ).flatMap((policy) => policy.PolicyDocument.Statement);

    it("schedules the readiness function for every plan at the plan's interval, with the scheduler's own role", () => {
      // Act
      // The restore tests and the probers have their own schedules.
      const schedules = ofType('AWS::Scheduler::Schedule')
        .filter((schedule) => JSON.stringify(schedule.Properties).includes('ReadinessLambdaFunction'))
        .map((schedule) => schedule.Properties as unknown as ScheduleProperties);

      // Assess
      expect(schedules.map((schedule) => JSON.parse(schedule.Target.Input).plan).sort()).toEqual(
        [...registry.names].sort(),
      );
      for (const schedule of schedules) {
        const plan = registry.get(JSON.parse(schedule.Target.Input).plan);
        expect(schedule.ScheduleExpression).toBe(`rate(${plan.readiness.scheduleMinutes} minutes)`);
        expect(schedule.Target.Arn).toEqual({ 'Fn::GetAtt': ['ReadinessLambdaFunction', 'Arn'] });
        expect(schedule.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['ReadinessSchedulerRole', 'Arn'] });
      }
      const invoke = statements('ReadinessSchedulerRole').filter((s) => s.Action.includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invoke)).toContain('-readiness');
      expect(JSON.stringify(invoke)).not.toMatch(/-(assess|notify|promote-database|flip-dns)/);
    });

    it('schedules the fence retry every 5 minutes, with a role that invokes start-fence only', () => {
      // Act
      const [retry, ...others] = ofType('AWS::Scheduler::Schedule')
        .filter((schedule) => JSON.stringify(schedule.Properties).includes('StartDashfenceLambdaFunction'))
        .map((schedule) => schedule.Properties as unknown as ScheduleProperties);
      const invoke = statements('FenceRetrySchedulerRole').filter((s) => s.Action.includes('lambda:InvokeFunction'));

      // Assess
      expect(others).toEqual([]);
      expect(retry?.ScheduleExpression).toBe('rate(5 minutes)');
      expect(retry?.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['FenceRetrySchedulerRole', 'Arn'] });
      expect(JSON.stringify(invoke)).toContain('-start-fence');
      expect(JSON.stringify(invoke)).not.toMatch(/-(assess|notify|promote-database|flip-dns|fence-record)/);
      const start = statements('StartFenceRole').filter((s) => s.Action.includes('states:StartExecution'));
      expect(start).toEqual([expect.objectContaining({ Resource: { Ref: 'FenceStateMachine' } })]);
    });

    it('gives the readiness role no write but its own ledger keys and its event', () => {
      // Act
      const writes = statements('ReadinessRole').filter(
        (statement) =>
          statement.Effect === 'Allow' &&
          // SimulatePrincipalPolicy evaluates policies and changes nothing.
          statement.Action.some(
            (action) =>
              !/:(Describe|Get|List|Query|SimulatePrincipalPolicy)/.test(action) && !action.startsWith('logs:'),
          ),
      );

      // Assess
      expect(writes.map((statement) => [statement.Action, statement.Condition ?? null])).toEqual([
        [['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['READINESS#*'] } }],
        [['events:PutEvents'], null],
      ]);
    });

    it("alarms per plan when PlanReady falls below 1, in the functions' metric namespace", () => {
      // Prepare
      const fn = template.Resources.ReadinessLambdaFunction?.Properties as {
        Environment: { Variables: Record<string, string> };
      };

      // Act
      // The restore tests' and the probers' alarms watch other metrics.
      const alarms = ofType('AWS::CloudWatch::Alarm')
        .filter((alarm) => (alarm.Properties as { MetricName?: string }).MetricName === 'PlanReady')
        .map((alarm) => alarm.Properties as unknown as AlarmProperties);

      // Assess
      expect(alarms.map((alarm) => alarm.Dimensions.find((d) => d.Name === 'plan')?.Value).sort()).toEqual(
        [...registry.names].sort(),
      );
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({
          Namespace: fn.Environment.Variables.METRICS_NAMESPACE,
          MetricName: 'PlanReady',
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        });
        expect(alarm.Dimensions).toContainEqual({
          Name: 'service',
          Value: fn.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        });
        // Somebody hears it, when it fires and when it clears.
        expect(alarm).toMatchObject({ AlarmActions: [{ Ref: 'AlertsTopic' }], OKActions: [{ Ref: 'AlertsTopic' }] });
      }
      expect(template.Resources.AlertsTopic?.Type).toBe('AWS::SNS::Topic');
    });

    it('subscribes the alert address to the alerts topic only when one is given at deploy time', () => {
      // Act
      const subscription = template.Resources.AlertsEmailSubscription as
        | { Type: string; Condition?: string; Properties?: Record<string, unknown> }
        | undefined;
      const conditions = (template as unknown as { Conditions?: Record<string, unknown> }).Conditions;

      // Assess
      expect(subscription).toMatchObject({
        Type: 'AWS::SNS::Subscription',
        Condition: 'HasAlertEmail',
        Properties: { TopicArn: { Ref: 'AlertsTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } },
      });
      expect(conditions?.HasAlertEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlertEmail' }, ''] }] });
      expect((template as unknown as { Parameters?: Record<string, unknown> }).Parameters?.AlertEmail).toMatchObject({
        Type: 'String',
        Default: '',
      });
    });
  });
});
