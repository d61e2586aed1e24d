import {
  buildRestoreTestRecord,
  checkRestoreTests,
  RESTORE_PREFIX,
  type RestoreTestRecord,
  restoreIdentifier,
} from '../../../../shared/domain/restore-test';
import { PlanValidationError } from '../../../../shared/errors';
import { ordersPlan } from '../../../support/plan-fixtures';

const SETTINGS = { subnetGroup: 'orders-restore-tests', securityGroup: 'sg-0a1b2c3d4e5f60789', maxAgeDays: 7 };
const plan = () => ordersPlan({ backups: { restoreTest: SETTINGS } });

describe('restoreIdentifier', () => {
  it('is the same for the same test and database and differs otherwise', () => {
    const a = restoreIdentifier('orders-restore-1', 'orders-db');
    expect(restoreIdentifier('orders-restore-1', 'orders-db')).toBe(a);
    expect(restoreIdentifier('orders-restore-2', 'orders-db')).not.toBe(a);
    expect(restoreIdentifier('orders-restore-1', 'catalog')).not.toBe(a);
  });

  it('is a valid RDS identifier with the restore prefix, even for a 63-character database id', () => {
    const id = restoreIdentifier('t', `a${'b-'.repeat(31)}`);
    expect(id.startsWith(RESTORE_PREFIX)).toBe(true);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(id).not.toMatch(/--/);
  });
});

describe('buildRestoreTestRecord', () => {
  it('measures the restore point age, the time to available, the instance-hours and the RTO comparison', () => {
    const record = buildRestoreTestRecord({
      plan: plan(),
      testId: 't1',
      database: { id: 'orders-db', kind: 'rds-read-replica' },
      identifier: 'sbrt-orders-db-x',
      region: 'us-west-2',
      requestedBy: 'schedule',
      startedAt: '2026-01-15T03:00:00Z',
      restorePointTime: '2026-01-15T02:55:00Z',
      requestedAt: '2026-01-15T03:00:10Z',
      availableAt: '2026-01-15T03:15:10Z',
      validation: { hook: 'h', passed: true },
      cleanedUpAt: '2026-01-15T03:30:10Z',
      recordedAt: '2026-01-15T03:30:11Z',
    });
    expect(record).toMatchObject({
      restorePointAgeSeconds: 300,
      secondsToAvailable: 900,
      instanceHours: 0.5,
      rtoBudgetSeconds: 900,
      withinRto: true,
      passed: true,
    });
  });

  it('fails a test whose hook said no, or that failed, or never became available', () => {
    const base = {
      plan: plan(),
      testId: 't1',
      database: { id: 'orders-db', kind: 'rds-read-replica' as const },
      identifier: 'sbrt-x',
      region: 'us-west-2',
      requestedBy: 'schedule',
      startedAt: '2026-01-15T03:00:00Z',
      recordedAt: '2026-01-15T04:00:00Z',
    };
    const available = { availableAt: '2026-01-15T03:20:00Z' };
    expect(buildRestoreTestRecord({ ...base, ...available, validation: { passed: false } }).passed).toBe(false);
    expect(
      buildRestoreTestRecord({ ...base, ...available, failure: { error: 'RestoreFailedError', cause: 'x' } }).passed,
    ).toBe(false);
    expect(buildRestoreTestRecord(base).passed).toBe(false);
    expect(buildRestoreTestRecord({ ...base, ...available }).passed).toBe(true);
  });
});

describe('checkRestoreTests', () => {
  const now = new Date('2026-01-20T00:00:00Z');
  const passing = (databaseId: string, startedAt: string, secondsToAvailable = 600): RestoreTestRecord =>
    ({ plan: 'orders', databaseId, startedAt, passed: true, secondsToAvailable }) as RestoreTestRecord;

  it('is ready when every database passed a test within maxAgeDays, within the RTO budget', () => {
    const result = checkRestoreTests(
      plan(),
      [passing('orders-db', '2026-01-19T00:00:00Z'), passing('catalog', '2026-01-18T00:00:00Z')],
      now,
    );
    expect(result).toEqual({ ok: true, findings: [], untested: [] });
  });

  it('flags a database whose newest passing test is too old, missing, or slower than the RTO budget', () => {
    const result = checkRestoreTests(
      plan(),
      [passing('orders-db', '2026-01-10T00:00:00Z'), passing('catalog', '2026-01-19T00:00:00Z', 1200)],
      now,
    );
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([
      'orders-db: no passing restore test within 7 days (newest 2026-01-10T00:00:00Z, 10 days old)',
      'catalog: restoring from backup took 1200 s, over the RTO budget of 900 s',
    ]);
  });

  it('flags a database whose latest test failed, with its age and failure, even when an older one passed', () => {
    // Prepare
    const failed = {
      ...passing('orders-db', '2026-01-17T00:00:00Z'),
      passed: false,
      failure: { error: 'RestoreFailedError', cause: 'no replicated automated backup' },
    } as RestoreTestRecord;

    // Act
    const result = checkRestoreTests(
      plan(),
      [failed, passing('orders-db', '2026-01-15T00:00:00Z'), passing('catalog', '2026-01-19T00:00:00Z')],
      now,
    );

    // Assess
    expect(result).toEqual({
      ok: false,
      findings: [
        'orders-db: the latest restore test (2026-01-17T00:00:00Z, 3 days ago) failed: RestoreFailedError: no replicated automated backup',
      ],
      untested: [],
    });
  });

  it('flags a plan without restore tests', () => {
    expect(checkRestoreTests(ordersPlan(), [], now)).toEqual({
      ok: false,
      findings: ['orders: no backups.restoreTest: its backups have never been restored'],
      untested: [],
    });
  });

  it('lists a database with no test on record at all as untested, not as a finding', () => {
    const result = checkRestoreTests(plan(), [passing('catalog', '2026-01-19T00:00:00Z')], now);
    expect(result).toEqual({ ok: true, findings: [], untested: ['orders-db'] });
  });
});

describe('backups.restoreTest in the plan schema', () => {
  const issues = (restoreTest: unknown): string[] => {
    try {
      ordersPlan({ backups: { restoreTest } as never });
      return [];
    } catch (error) {
      if (!(error instanceof PlanValidationError)) throw error;
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  };

  it('applies the defaults: weekly, 7 days, 240 minutes', () => {
    expect(ordersPlan({ backups: { restoreTest: SETTINGS } }).backups.restoreTest).toMatchObject({
      schedule: 'rate(7 days)',
      maxAgeDays: 7,
      timeoutMinutes: 240,
    });
  });

  it('names the field and the fix for each bad value', () => {
    expect(
      issues({
        ...SETTINGS,
        schedule: 'weekly',
        securityGroup: 'open',
        instanceClass: 't4g.micro',
        maxAgeDays: 30,
        validationHook: 'https://x',
      }),
    ).toEqual([
      'backups.restoreTest.schedule: "weekly" is not a schedule expression (expected e.g. "rate(7 days)" or "cron(0 3 ? * SUN *)")',
      'backups.restoreTest.instanceClass: "t4g.micro" is not a DB instance class (expected e.g. "db.t4g.micro")',
      'backups.restoreTest.securityGroup: "open" is not a security group id (expected e.g. "sg-0123456789abcdef0")',
      'backups.restoreTest.validationHook: "https://x" is not a Lambda function name or ARN',
      'backups.restoreTest.maxAgeDays: maxAgeDays must be at most 7 days (the alarm that watches it looks back at most 7 days)',
    ]);
    expect(issues({ securityGroup: 'sg-0a1b2c3d4e5f60789' })).toEqual([
      'backups.restoreTest.subnetGroup: is required: expected the name of a DB subnet group in the standby region',
    ]);
  });
});
