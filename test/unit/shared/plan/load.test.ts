import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanNotFoundError, PlanValidationError } from '../../../../shared/errors';
import {
  formatPath,
  loadPlanDirectory,
  loadPlanFile,
  PlanFileError,
  PlanRegistry,
  parsePlan,
  parsePlanYaml,
} from '../../../../shared/plan/load';
import type { Plan } from '../../../../shared/plan/schema';

const root = join(__dirname, '..', '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'plans');

/** Runs `act` and returns the PlanValidationError it throws, failing the test otherwise. */
const validationError = (act: () => unknown): PlanValidationError => {
  try {
    act();
  } catch (error) {
    if (error instanceof PlanValidationError) return error;
    throw error;
  }
  throw new Error('expected a PlanValidationError, but nothing was thrown');
};

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets when the path mixes both', () => {
    // Act
    const path = formatPath(['databases', 1, 'replica', 'region']);

    // Assess
    expect(path).toBe('databases[1].replica.region');
  });

  it('returns an empty string when the path is the root', () => {
    expect(formatPath([])).toBe('');
  });
});

describe('parsePlanYaml', () => {
  it('reports the line and column when the YAML does not parse', () => {
    // Act
    const error = validationError(() => parsePlanYaml('app: orders\nregions: [us-east-1\nbudgets: {}\n', 'broken.yml'));

    // Assess
    expect(error.source).toBe('broken.yml');
    expect(error.issues[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(error.issues[0]?.message).toMatch(/^YAML does not parse: /);
    expect(error.message).toContain('Plan broken.yml is not valid');
  });

  it('rejects a key given twice when the YAML repeats it', () => {
    // Act
    const error = validationError(() => parsePlanYaml('app: orders\napp: payments\n', 'twice.yml'));

    // Assess
    expect(error.issues).toEqual([{ path: 'line 2, column 1', message: expect.stringContaining('unique') }]);
  });

  it.each([
    ['is empty', '', 'an empty document'],
    ['is a list', '- app: orders\n', 'a list'],
    ['is a scalar', 'orders\n', 'string'],
  ])('explains what a plan is when the document %s', (_what, text, got) => {
    // Act
    const error = validationError(() => parsePlanYaml(text, 'odd.yml'));

    // Assess
    expect(error.issues).toEqual([{ path: '(root)', message: expect.stringContaining(`got ${got}`) }]);
  });
});

describe('loadPlanFile', () => {
  it('loads the shipped example when it is valid', () => {
    // Act
    const plan = loadPlanFile(join(root, 'plans', 'example.yml'));

    // Assess
    expect(plan.app).toBe('orders');
    expect(plan.databases.map((db) => db.kind)).toEqual(['rds-read-replica', 'aurora-global']);
  });

  it.each([
    ['bad-region.yml', 'regions.primary'],
    ['negative-budget.yml', 'budgets.rtoSeconds'],
    ['unknown-kind.yml', 'databases[0].kind'],
    ['unknown-field.yml', 'budget'],
    ['webhook-secret.yml', 'notifications.slack.secret.name'],
    ['bad-yaml.txt', 'line 4, column 1'],
  ])('names the file and the field when %s is loaded', (file, path) => {
    // Act
    const error = validationError(() => loadPlanFile(join(fixtures, file)));

    // Assess
    expect(error.source).toBe(file);
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });
});

describe('loadPlanFile errors a person can act on', () => {
  /** Runs `act` and returns what it throws. */
  const thrown = (act: () => unknown): unknown => {
    try {
      act();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error, but nothing was thrown');
  };

  it('says the path is a folder and names a file to give when the plan path is a folder', () => {
    // Act
    const error = thrown(() => loadPlanFile(join(root, 'plans')));

    // Assess
    expect(error).toBeInstanceOf(PlanFileError);
    expect((error as Error).message).toBe(
      `plan file ${join(root, 'plans')} is a folder, not a plan file: give one file in it, e.g. ${join(root, 'plans', 'example.yml')}`,
    );
    expect((error as Error).message).not.toMatch(/EISDIR|\n/);
  });

  it('says the file does not exist and what to give when the plan path is missing', () => {
    // Act
    const error = thrown(() => loadPlanFile('plans/missing.yml'));

    // Assess
    expect(error).toBeInstanceOf(PlanFileError);
    expect((error as Error).message).toBe(
      'plan file plans/missing.yml does not exist: give the path of a plan file, e.g. plans/example.yml',
    );
  });

  it('refuses a YAML alias bomb with one line naming the file and the fix', () => {
    // Act
    const error = validationError(() => loadPlanFile(join(fixtures, 'alias-bomb.yml')));

    // Assess
    expect(error.source).toBe('alias-bomb.yml');
    expect(error.issues).toEqual([
      {
        path: '(yaml)',
        message:
          'YAML aliases expand too far (more than 100 alias nodes): write the values out instead of repeating anchors',
      },
    ]);
    expect(error.message).not.toMatch(/ReferenceError|Excessive/);
  });

  it('still reads a plan that uses a few anchors and aliases', () => {
    // Prepare
    const text = `${readFileSync(join(root, 'plans', 'example.yml'), 'utf8')}\nx-common: &region us-west-2\n`;

    // Act
    const error = validationError(() => parsePlanYaml(`${text}x-again: *region\n`, 'anchors.yml'));

    // Assess: only the two unknown fields are wrong; the aliases themselves are fine.
    expect(error.issues.map((issue) => issue.path)).toEqual(['x-common', 'x-again']);
  });
});

describe('PlanRegistry', () => {
  const orders = (): Plan => loadPlanFile(join(root, 'plans', 'example.yml'));
  const payments = (): Plan => loadPlanFile(join(fixtures, 'valid', 'payments.yml'));

  it('finds a plan by name and by alarm when several plans are loaded', () => {
    // Prepare
    const registry = new PlanRegistry([orders(), payments()]);

    // Act
    const byName = registry.get('payments');
    const byAlarm = registry.findByAlarm('orders-primary-health');

    // Assess
    expect(byName.app).toBe('payments');
    expect(byAlarm?.app).toBe('orders');
    expect(registry.names).toEqual(['orders', 'payments']);
  });

  it('returns undefined when no plan names the alarm', () => {
    expect(new PlanRegistry([orders()]).findByAlarm('someone-elses-alarm')).toBeUndefined();
  });

  it('throws PlanNotFoundError listing the known plans when the name is unknown', () => {
    // Prepare
    const registry = new PlanRegistry([orders(), payments()]);

    // Act
    const act = () => registry.get('ordrs');

    // Assess
    expect(act).toThrow(PlanNotFoundError);
    expect(act).toThrow('Known plans: orders, payments');
  });

  it('rejects two plans with the same app name', () => {
    // Act
    const error = validationError(() => new PlanRegistry([orders(), orders()]));

    // Assess
    expect(error.issues).toEqual([{ path: 'app', message: 'two plans are named "orders"' }]);
  });

  it('names the alarm and the other plan when two plans name the same alarm', () => {
    // Act
    const error = validationError(() => loadPlanDirectory(join(fixtures, 'duplicate-alarm')));

    // Assess
    expect(error.source).toBe('refunds');
    expect(error.issues).toEqual([
      {
        path: 'trigger.alarms[0]',
        message: expect.stringContaining('alarm "payments-primary-health" is already named by plan "payments"'),
      },
    ]);
  });

  it('loads every plan of a folder when all are valid', () => {
    // Act
    const registry = loadPlanDirectory(join(root, 'plans'));

    // Assess
    expect(registry.names).toContain('orders');
  });

  it('fails the whole load when one plan of the folder is invalid', () => {
    // Act
    const act = () => loadPlanDirectory(fixtures);

    // Assess
    expect(act).toThrow(PlanValidationError);
  });

  it('validates an object the same way as YAML when given a parsed plan', () => {
    // Act
    const error = validationError(() => parsePlan({ app: 'Orders' }, 'inline'));

    // Assess
    expect(error.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['app', 'regions', 'budgets', 'trigger', 'databases', 'dns']),
    );
  });
});
