import { join } from 'node:path';
import { loadPlanDirectory } from '../../../shared/plan/load';
import { planAtSize } from '../../support/plan-limits';

// The package-time resolver is CommonJS JavaScript (serverless loads it with require).
const resources = require('../../../scripts/plan-resources.js') as Record<string, (...args: unknown[]) => unknown>;

type Statement = { Action: string[]; Resource: unknown[]; Condition?: Record<string, Record<string, string[]>> };

const shipped = loadPlanDirectory(join(__dirname, '..', '..', '..', 'plans'));
const shippedPlans = shipped.names.map((name) => shipped.get(name));

describe('plan-resources', () => {
  it("returns every shipped plan's alarms, and its prober's alarm, when asked for alarm names", () => {
    expect(resources.alarmNames?.()).toEqual(
      shippedPlans.flatMap((plan) => [
        ...plan.trigger.alarms,
        ...(plan.trigger.prober ? [`switchback-prober-${plan.app}`] : []),
      ]),
    );
  });

  it("allows UPSERT only on the plans' record names and types when building the flip-dns policy", () => {
    // Act
    const statements = resources.route53FlipStatements?.() as Statement[];

    // Assess
    const change = statements.filter((statement) => statement.Action.includes('route53:ChangeResourceRecordSets'));
    const zones = shippedPlans
      .filter((plan) => plan.dnsSwitch.method === 'route53-records')
      .flatMap((plan) => plan.dns);
    // And the zones of the other plans' maintenance-target fences, which their failback gives their values back.
    const fencedZones = shippedPlans
      .filter((plan) => plan.dnsSwitch.method !== 'route53-records')
      .flatMap((plan) => plan.dns)
      .filter((zone) => zone.records.some((record) => record.fence?.method === 'maintenance-target'));
    expect(fencedZones.length).toBeGreaterThan(0);
    expect(change).toHaveLength(zones.length + fencedZones.length);
    const condition = change.find((statement) =>
      JSON.stringify(statement.Resource).includes(`hostedzone/${zones[0]?.hostedZoneId}`),
    )?.Condition?.['ForAllValues:StringEquals'];
    expect(condition?.['route53:ChangeResourceRecordSetsActions']).toEqual(['UPSERT']);
    expect(condition?.['route53:ChangeResourceRecordSetsNormalizedRecordNames']).toEqual(
      zones[0]?.records.map((record) => record.name.toLowerCase()),
    );
    expect(JSON.stringify(statements)).toContain(`hostedzone/${zones[0]?.hostedZoneId}`);
  });

  it("grants an alarm plan's failback the edit of its maintenance-target fenced records only", () => {
    // Act
    const statements = resources.route53FlipStatements?.() as Statement[];

    // Assess
    const zone = shippedPlans.find((plan) => plan.dnsSwitch.method === 'alarm-health-check')?.dns[0];
    const edits = statements.filter(
      (statement) =>
        statement.Action.includes('route53:ChangeResourceRecordSets') &&
        JSON.stringify(statement.Resource).includes(`hostedzone/${zone?.hostedZoneId}`),
    );
    expect(edits).toHaveLength(1);
    expect(
      edits[0]?.Condition?.['ForAllValues:StringEquals']?.['route53:ChangeResourceRecordSetsNormalizedRecordNames'],
    ).toEqual(
      zone?.records.filter((record) => record.fence?.method === 'maintenance-target').map((r) => r.name.toLowerCase()),
    );
  });

  it('grants no record edit on the zones of ARC plans, whose failover never edits records', () => {
    // Act
    const statements = JSON.stringify(resources.route53FlipStatements?.());

    // Assess
    const arcZones = shippedPlans
      .filter((plan) => plan.dnsSwitch.method === 'arc-routing-control')
      .flatMap((p) => p.dns);
    expect(arcZones.length).toBeGreaterThan(0);
    for (const zone of arcZones) expect(statements).not.toContain(zone.hostedZoneId);
  });

  it("allows reading and setting only the ARC plans' routing controls when building the ARC flip policy", () => {
    // Act
    const statements = resources.arcFlipStatements?.() as Statement[];

    // Assess
    const controls = shippedPlans.flatMap((plan) =>
      plan.dnsSwitch.method === 'arc-routing-control'
        ? [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]
        : [],
    );
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: [
          'route53-recovery-cluster:GetRoutingControlState',
          'route53-recovery-cluster:UpdateRoutingControlStates',
        ],
        Resource: controls,
      }),
    ]);
  });

  it("allows reading only the alarm plans' switch alarms in their standby regions, and PutMetricData only to Switchback/DnsSwitch", () => {
    // Act
    const statements = resources.alarmSwitchStatements?.() as Statement[];

    // Assess
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms'],
        Resource: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template
          { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:us-west-2:${AWS::AccountId}:alarm:ledger-primary-out' },
        ],
      },
      {
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Switchback/DnsSwitch' } },
      },
    ]);
  });

  it('gives check-dns-sync only DescribeAlarms on the switch alarms, in a policy of its own', () => {
    // Act
    const fragment = resources.flipDnsPlanResources?.() as {
      Resources: Record<string, { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }>;
    };

    // Assess
    const policy = fragment.Resources.CheckDnsSyncSwitchAlarmsPolicy;
    expect(policy?.Properties.Roles).toEqual([{ Ref: 'CheckDnsSyncRole' }]);
    expect(policy?.Properties.PolicyDocument.Statement.map((statement) => statement.Action)).toEqual([
      ['cloudwatch:DescribeAlarms'],
    ]);
    expect(fragment.Resources.FlipDnsSwitchAlarmsPolicy?.Properties.Roles).toEqual([{ Ref: 'FlipDnsRole' }]);
  });

  it('grants PromoteReadReplica on the standby replicas only (the file one and the one reprotect makes back in the standby region) when building the promote policy', () => {
    // Act
    const statements = resources.rdsPromoteStatements?.() as Statement[];

    // Assess
    const promote = statements.find((statement) => statement.Action.includes('rds:PromoteReadReplica'));
    const replicas = shippedPlans.flatMap((plan) =>
      plan.databases.flatMap((db) => (db.kind === 'rds-read-replica' ? [db] : [])),
    );
    expect(promote?.Resource).toHaveLength(2 * replicas.length);
    for (const db of replicas) {
      expect(JSON.stringify(promote)).toContain(`${db.replica.region}:\${AWS::AccountId}:db:${db.replica.instance}"`);
      expect(JSON.stringify(promote)).toContain(
        `${db.replica.region}:\${AWS::AccountId}:db:${db.replica.instance}-rp-*"`,
      );
    }
    for (const db of replicas) expect(JSON.stringify(promote)).not.toContain(`db:${db.primary.instance}"`);
  });

  it("grants a Region's db:*, cluster:* and global-cluster:* only to read plans with two or more of a kind there at once", () => {
    // Prepare: the example plan (one RDS replica, one Aurora database) and the same plan grown to two of each
    const example = shipped.get('orders');
    const grown = planAtSize(example, { databases: 4, records: 2 });
    const arns = (plans: unknown[], kind: string, type: string) =>
      JSON.stringify(
        resources.batchedReadArns?.(
          plans,
          kind,
          (db: { replica?: { region: string }; secondary?: { region: string } }) =>
            (db.replica ?? db.secondary)?.region,
          type,
        ),
      );

    // Assess: each read by its identifier, or several in one request (shared/aws/rds.ts)
    expect(arns([example], 'rds-read-replica', 'db')).toBe('[]');
    expect(arns([example], 'aurora-global', 'global-cluster')).toBe('[]');
    expect(arns([example, grown], 'rds-read-replica', 'db')).toMatch(
      /^\[\{"Fn::Sub":"arn:[^"]*:rds:us-west-2:[^"]*:db:\*"\}\]$/,
    );
    expect(arns([grown], 'aurora-global', 'cluster')).toMatch(
      /^\[\{"Fn::Sub":"arn:[^"]*:rds:us-west-2:[^"]*:cluster:\*"\}\]$/,
    );
    expect(arns([grown], 'aurora-global', 'global-cluster')).toMatch(
      /^\[\{"Fn::Sub":"arn:[^"]*:rds::[^"]*:global-cluster:\*"\}\]$/,
    );
  });

  it('never grants a wildcard action', () => {
    // Act
    const all = [
      resources.rdsDescribeStatements?.(),
      resources.rdsPromoteStatements?.(),
      resources.rdsBackupStatements?.(),
      resources.route53FlipStatements?.(),
      resources.secretStatements?.(),
    ].flat() as Statement[];

    // Assess
    expect(all.flatMap((statement) => statement.Action).filter((action) => action.includes('*'))).toEqual([]);
  });

  it("scopes GetSecretValue to the plans' secret names when a plan names a Secrets Manager secret", () => {
    // Act
    const statements = resources.secretStatements?.() as Statement[];

    // Assess
    const names = shippedPlans.flatMap((plan) => {
      const secret = plan.notifications.slack?.secret;
      return secret?.source === 'secretsmanager' ? [secret.name] : [];
    });
    for (const name of names) expect(JSON.stringify(statements)).toContain(`:secret:${name}-??????`);
    const fragment = resources.notifySecretsResources?.() as {
      Resources?: {
        NotifySecretsPolicy?: { Properties: { Roles: unknown[]; PolicyDocument: { Statement: unknown } } };
      };
    };
    const policy = fragment.Resources?.NotifySecretsPolicy?.Properties;
    expect(policy?.Roles).toEqual([{ Ref: 'NotifyRole' }]);
    expect(policy?.PolicyDocument.Statement).toEqual(statements);
  });

  it.each([
    ['API.Orders.Example.com.', 'api.orders.example.com'],
    ['*.orders.example.com', '\\052.orders.example.com'],
  ])('normalizes %s as Route 53 compares it', (name, normalized) => {
    expect(resources.normalizeRecordName?.(name)).toBe(normalized);
  });

  it('takes the ledger key schema from the ledger adapter', () => {
    expect(resources.ledgerKeySchema?.()).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });
});

describe('plan-resources deployment checks', () => {
  const fixtures = join(__dirname, '..', '..', 'fixtures', 'plans');

  it('loads the shipped plans as one deployment', () => {
    // Act
    const plans = resources.loadDeployment?.(join(__dirname, '..', '..', '..', 'plans')) as { app: string }[];

    // Assess
    expect(plans.map((plan) => plan.app)).toEqual(shipped.names);
  });

  it('refuses plans whose standby regions differ, naming both plans', () => {
    expect(() => resources.loadDeployment?.(join(fixtures, 'two-standby-regions'))).toThrow(
      'test/fixtures/plans/two-standby-regions/payments.yml: regions.standby: eu-central-1 differs from us-west-2 (plan orders, test/fixtures/plans/two-standby-regions/orders.yml): one deployment serves the plans of one standby region',
    );
  });

  it('refuses two plans that name the same database, naming both places', () => {
    expect(() => resources.loadDeployment?.(join(fixtures, 'overlap'))).toThrow(
      'test/fixtures/plans/overlap/settlements.yml: databases[0].replica.instance: database ledger-db-replica (eu-central-1) is also named at databases[0].replica.instance of plan payments (test/fixtures/plans/overlap/payments.yml)',
    );
  });
});
