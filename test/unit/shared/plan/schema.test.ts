import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import {
  backupMaxAgeSeconds,
  MAX_DATABASES_PER_PLAN,
  MAX_RECORDS_PER_PLAN,
  type PlanInput,
} from '../../../../shared/plan/schema';
import { planAtSize } from '../../../support/plan-limits';

const examplePath = join(__dirname, '..', '..', '..', '..', 'plans', 'example.yml');

/**
 * A fresh, valid plan object (the shipped example) for each test to break in one place: the file is parsed once,
 * and each test gets its own deep copy (the YAML holds only strings, numbers, booleans, lists and maps).
 */
const exampleJson = JSON.stringify(parse(readFileSync(examplePath, 'utf8')));
const examplePlan = (): PlanInput => JSON.parse(exampleJson) as PlanInput;

/** Validates and returns the issues, failing the test if the plan is accepted. */
const issuesOf = (plan: unknown): { path: string; message: string }[] => {
  try {
    parsePlan(plan, 'test.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the plan to be rejected, but it was accepted');
};

type Fields = Record<string, unknown>;
/** The plan as loose objects, so that a test can break any field (`delete` goes through `Fields`). */
type Mutable = Fields & {
  regions: Fields;
  budgets: Fields;
  trigger: Fields & { alarms: unknown[] };
  databases: Fields[];
  dns: { records: Fields[] }[];
  notifications: { slack: Fields & { secret: Fields } };
};
const mutable = (plan: PlanInput): Mutable => plan as unknown as Mutable;

describe('planSchema', () => {
  it('accepts the shipped example and applies no surprising defaults when it is valid', () => {
    // Prepare
    const plan = examplePlan();

    // Act
    const parsed = parsePlan(plan, 'example.yml');

    // Assess
    expect(parsed.app).toBe('orders');
    expect(parsed.regions).toEqual({ primary: 'us-east-1', standby: 'us-west-2' });
    expect(parsed.trigger.approvalTimeoutSeconds).toBe(1800);
    expect(backupMaxAgeSeconds(parsed)).toBe(600);
  });

  it('applies the documented defaults when optional fields are left out', () => {
    // Prepare
    const plan = mutable(examplePlan());
    delete plan.trigger.coolDownSeconds;
    delete plan.trigger.approval;
    delete plan.trigger.approvalTimeoutSeconds;
    delete (plan as Fields).backups;
    delete (plan as Fields).notifications;

    // Act
    const parsed = parsePlan(plan, 'test.yml');

    // Assess
    expect(parsed.trigger).toMatchObject({
      coolDownSeconds: 3600,
      approval: 'on-lag-over-rpo',
      approvalTimeoutSeconds: 3600,
    });
    expect(parsed.backups).toEqual({ crossRegionCopy: true });
    // RDS keeps LatestRestorableTime about 5 minutes behind: the default never asks for fresher than 600 s.
    expect(parsed.budgets.rpoSeconds).toBeLessThan(600);
    expect(backupMaxAgeSeconds(parsed)).toBe(600);
    expect(parsed.notifications).toEqual({});
  });

  it('names regions.primary when the region is garbled', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.regions.primary = 'us-east1';

    // Act
    const issues = issuesOf(plan);

    // Assess: one issue, not one more per database compared with the garbled region
    expect(issues).toEqual([{ path: 'regions.primary', message: expect.stringContaining('"us-east1" is not') }]);
  });

  it('checks readiness every 15 minutes unless the plan says otherwise', () => {
    // Prepare
    const plan = mutable(examplePlan());
    delete plan.readiness;
    const every5 = { ...mutable(examplePlan()), readiness: { scheduleMinutes: 5 } };

    // Act
    const byDefault = parsePlan(plan, 'test.yml');
    const custom = parsePlan(every5, 'test.yml');

    // Assess
    expect(byDefault.readiness).toEqual({ scheduleMinutes: 15 });
    expect(custom.readiness).toEqual({ scheduleMinutes: 5 });
  });

  it('names readiness.scheduleMinutes when it is below the scheduler minimum', () => {
    // Prepare
    const plan = { ...mutable(examplePlan()), readiness: { scheduleMinutes: 0 } };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      {
        path: 'readiness.scheduleMinutes',
        message: 'readiness.scheduleMinutes must be at least 1 (EventBridge Scheduler runs at most once a minute)',
      },
    ]);
  });

  it('names budgets.rtoSeconds when the budget is negative', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.budgets.rtoSeconds = -900;

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'budgets.rtoSeconds', message: 'the RTO budget must be greater than 0 seconds (got -900)' },
    ]);
  });

  it('names budgets.rpoSeconds when the budget is not a whole number', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.budgets.rpoSeconds = '60s';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'budgets.rpoSeconds', message: 'expected the RPO budget as a whole number of seconds' },
    ]);
  });

  it('names the database kind when the kind is unknown', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const catalog = plan.databases[1];
    if (!catalog) throw new Error('the example plan has two databases');
    catalog.kind = 'dynamodb-global-table';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[1].kind',
        message: 'unknown database kind "dynamodb-global-table": expected "rds-read-replica" or "aurora-global"',
      },
    ]);
  });

  it('says "is required" when the database kind is missing', () => {
    // Prepare
    const plan = mutable(examplePlan());
    delete plan.databases[0]?.kind;

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'databases[0].kind', message: expect.stringMatching(/^is required/) }]);
  });

  it('reports an unknown field at its own path when a field is misspelt', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.trigger.alarm = 'orders-primary-health';
    plan.budget = { rtoSeconds: 1 };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues.map((issue) => issue.path).sort()).toEqual(['budget', 'trigger.alarm']);
    expect(issues[0]?.message).toMatch(/^unknown field/);
  });

  it('says "is required" when a whole section is missing', () => {
    // Prepare
    const plan = mutable(examplePlan());
    delete (plan as Fields).budgets;

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'budgets', message: 'is required' }]);
  });

  it('names regions.standby when the standby region is the primary region', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.regions.standby = 'us-east-1';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'regions.standby', message: 'the standby region must differ from the primary region (us-east-1)' },
    ]);
  });

  it('names the replica region when a database is not in the standby region', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const replica = plan.databases[0]?.replica as Record<string, unknown>;
    replica.region = 'eu-west-1';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[0].replica.region',
        message: "expected the plan's standby region us-west-2, got eu-west-1",
      },
    ]);
  });

  it('names the primary region when an Aurora primary cluster is not in the primary region', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const primary = plan.databases[1]?.primary as Record<string, unknown>;
    primary.region = 'us-east-2';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[1].primary.region',
        message: "expected the plan's primary region us-east-1, got us-east-2",
      },
    ]);
  });

  it.each([
    ['a Slack webhook URL', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'],
    ['a bot token', 'xoxb-1234-5678-abcdef'],
    ['an app-level token', 'xapp-1-A000-1234-abcdef'],
  ])('rejects the secret name when it is %s', (_what, secret) => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.notifications.slack.secret.name = secret;

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'notifications.slack.secret.name', message: expect.stringContaining('looks like the secret itself') },
    ]);
    expect(JSON.stringify(issues)).not.toContain(secret);
  });

  it('accepts an SSM parameter name when the secret is named, not given', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.notifications.slack.secret = { source: 'ssm', name: '/switchback/orders/slack-webhook' };

    // Act
    const parsed = parsePlan(plan, 'test.yml');

    // Assess
    expect(parsed.notifications.slack?.secret).toEqual({ source: 'ssm', name: '/switchback/orders/slack-webhook' });
  });

  it('names notifications.slack.channel when bot delivery has no channel', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.notifications.slack.delivery = 'bot';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'notifications.slack.channel', message: expect.stringContaining('channel') }]);
  });

  it('accepts bot delivery when a channel id is given', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.notifications.slack = {
      delivery: 'bot',
      channel: 'C0123ABCDEF',
      secret: { source: 'secretsmanager', name: 'switchback/orders/slack-bot' },
    };

    // Act
    const parsed = parsePlan(plan, 'test.yml');

    // Assess
    expect(parsed.notifications.slack?.channel).toBe('C0123ABCDEF');
  });

  it('names the second alarm when a plan lists the same alarm twice', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.trigger.alarms = ['orders-primary-health', 'orders-primary-health'];

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'trigger.alarms[1]', message: 'duplicate alarm "orders-primary-health"' }]);
  });

  it('names the second database when two databases share an id', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const catalog = plan.databases[1];
    if (!catalog) throw new Error('the example plan has two databases');
    catalog.id = 'orders-db';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'databases[1].id', message: 'duplicate database id "orders-db"' }]);
  });

  it('names the hosted zone id when it is not a Route 53 zone id', () => {
    // Prepare
    const plan = mutable(examplePlan());
    (plan.dns[0] as unknown as Record<string, unknown>).hostedZoneId = 'orders.example.com';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'dns[0].hostedZoneId', message: expect.stringContaining('not a hosted zone id') }]);
  });

  it('names the record type when it is not a DNS record type', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const record = plan.dns[0]?.records[1];
    if (!record) throw new Error('the example plan has two records');
    record.type = 'ALIAS';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'dns[0].records[1].type', message: expect.stringContaining('CNAME') }]);
  });

  it('names trigger.approval when the approval policy is unknown', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.trigger.approval = 'sometimes';

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'trigger.approval', message: 'expected "auto", "on-lag-over-rpo" or "always"' }]);
  });

  it('names trigger.alarms when no alarm is listed', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.trigger.alarms = [];

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'trigger.alarms', message: 'list at least one CloudWatch alarm name' }]);
  });
});

describe('backupMaxAgeSeconds', () => {
  it('defaults to the RPO budget when the budget is longer than what RDS can meet', () => {
    // Prepare
    const plan = mutable(examplePlan());
    plan.budgets.rpoSeconds = 1800;
    delete (plan as Fields).backups;

    // Act / Assess
    expect(backupMaxAgeSeconds(parsePlan(plan, 'test.yml'))).toBe(1800);
  });
});

describe('RDS identifiers', () => {
  const withReplica = (instance: string): Mutable => {
    const plan = mutable(examplePlan());
    (plan.databases[0] as Fields).replica = { instance, region: 'us-west-2' };
    return plan;
  };

  it.each([
    ['orders-db-', 'ends with a hyphen'],
    ['orders--db', 'has two hyphens in a row'],
    [`o${'r'.repeat(63)}`, 'is longer than 63 characters'],
    ['1orders', 'does not start with a letter'],
    ['orders_db', 'has characters other than letters, digits and hyphens'],
  ])('refuses %s, saying it %s', (instance, rule) => {
    // Act
    const issues = issuesOf(withReplica(instance));

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[0].replica.instance',
        message: expect.stringContaining(`"${instance}" is not an RDS identifier: it ${rule}`),
      },
    ]);
  });

  it('names every rule an identifier breaks', () => {
    expect(issuesOf(withReplica('9db--')).map((issue) => issue.message)[0]).toContain(
      'it does not start with a letter, and ends with a hyphen, and has two hyphens in a row',
    );
  });

  it('accepts 63 characters', () => {
    expect(parsePlan(withReplica(`o${'r'.repeat(62)}`), 'test.yml').databases[0]).toBeDefined();
  });

  it('stores identifiers with capitals in lower case, as RDS does', () => {
    // Prepare
    const plan = mutable(examplePlan());
    (plan.databases[0] as Fields).replica = { instance: 'Orders-DB-Replica', region: 'us-west-2' };
    (plan.databases[1] as Fields).globalCluster = 'Catalog-Global';

    // Act
    const parsed = parsePlan(plan, 'test.yml');

    // Assess
    expect(parsed.databases[0]).toMatchObject({ replica: { instance: 'orders-db-replica' } });
    expect(parsed.databases[1]).toMatchObject({ globalCluster: 'catalog-global' });
  });
});

describe('record pairs', () => {
  it('refuses a pair whose two set identifiers are equal, naming both fields', () => {
    // Prepare
    const plan = mutable(examplePlan());
    (plan.dns[0]?.records[0] as Fields).standbySetIdentifier = 'api-us-east-1';

    // Act / Assess
    expect(issuesOf(plan)).toEqual([
      {
        path: 'dns[0].records[0].standbySetIdentifier',
        message:
          'equals dns[0].records[0].primarySetIdentifier ("api-us-east-1"): the two records of a failover pair need different set identifiers',
      },
    ]);
  });

  it('refuses the same record named twice in a plan, naming where it was first', () => {
    // Prepare
    const plan = mutable(examplePlan());
    const records = plan.dns[0]?.records ?? [];
    records.push({ ...(records[0] as Fields), name: 'API.orders.example.com.' });

    // Act / Assess
    expect(issuesOf(plan)).toEqual([
      expect.objectContaining({
        path: 'dns[0].records[2].primarySetIdentifier',
        message: expect.stringContaining('is already named at dns[0].records[0].primarySetIdentifier'),
      }),
      expect.objectContaining({ path: 'dns[0].records[2].standbySetIdentifier' }),
    ]);
  });
});

describe('plan size', () => {
  /** The example grown to this size, with every identifier and name at its longest, its records in two zones. */
  const sized = (databases: number, records: number) =>
    planAtSize(parsePlan(examplePlan(), 'example.yml'), { databases, records, zones: 2 });

  it('accepts a plan at both limits with every identifier and name at its longest', () => {
    // Act
    const plan = parsePlan(sized(MAX_DATABASES_PER_PLAN, MAX_RECORDS_PER_PLAN), 'big.yml');

    // Assess
    expect(plan.databases).toHaveLength(MAX_DATABASES_PER_PLAN);
    expect(plan.dns.flatMap((zone) => zone.records)).toHaveLength(MAX_RECORDS_PER_PLAN);
  });

  it('refuses one database more, naming databases, the limit and the fix', () => {
    // Prepare
    const plan = sized(MAX_DATABASES_PER_PLAN + 1, MAX_RECORDS_PER_PLAN);

    // Act / Assess
    expect(issuesOf(plan)).toEqual([
      {
        path: 'databases',
        message: `${MAX_DATABASES_PER_PLAN + 1} databases, at most ${MAX_DATABASES_PER_PLAN} per plan: each runbook carries them in one Step Functions state of at most 256 KB; split the application into plans of at most ${MAX_DATABASES_PER_PLAN} databases`,
      },
    ]);
  });

  it('refuses one record pair more, counted across every hosted zone, naming dns, the limit and the fix', () => {
    // Prepare
    const plan = sized(MAX_DATABASES_PER_PLAN, MAX_RECORDS_PER_PLAN + 1);

    // Act / Assess
    expect(plan.dns.map((zone) => zone.records.length)).toEqual([11, 10]);
    expect(issuesOf(plan)).toEqual([
      {
        path: 'dns',
        message: `${MAX_RECORDS_PER_PLAN + 1} record pairs across dns[].records, at most ${MAX_RECORDS_PER_PLAN} per plan: each runbook carries them in one Step Functions state of at most 256 KB; split the application into plans of at most ${MAX_RECORDS_PER_PLAN} record pairs`,
      },
    ]);
  });
});
