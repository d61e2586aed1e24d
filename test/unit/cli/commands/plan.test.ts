import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describePlan, validatePlanFiles } from '../../../../cli/commands/plan';
import { loadPlanFile } from '../../../../shared/plan/load';
import { scratchFolders } from '../../../support/scratch';
import { captureIo } from '../support';

const root = join(__dirname, '..', '..', '..', '..');
const example = join(root, 'plans', 'example.yml');
const fixtures = join(root, 'test', 'fixtures', 'plans');
const scratch = scratchFolders('switchback-plan-validate-');

describe('describePlan', () => {
  it('counts databases and records over every hosted zone', () => {
    expect(describePlan(loadPlanFile(example))).toBe('orders (us-east-1 -> us-west-2), 2 databases, 2 records');
  });

  it('uses the singular when a plan has one database and one record', () => {
    expect(describePlan(loadPlanFile(join(fixtures, 'valid', 'payments.yml')))).toBe(
      'payments (eu-west-1 -> eu-central-1), 1 database, 1 record',
    );
  });
});

describe('validatePlanFiles', () => {
  it('returns 0 and warns, naming the field and the fix, when the backup age limit cannot be met', () => {
    // Prepare
    const { io, out, err } = captureIo();
    const file = join(fixtures, 'unmeetable-backup-age.yml');

    // Act
    const code = validatePlanFiles([file], io);

    // Assess
    expect(code).toBe(0);
    expect(out).toEqual([`✓ ${file}: refunds-backups (eu-west-1 -> eu-central-1), 1 database, 1 record`]);
    expect(err).toEqual([
      `⚠ ${file}: backups.maxAgeSeconds: 120 s cannot be met: RDS keeps LatestRestorableTime about 300 s behind ` +
        'now (aws-facts.md: RDS User Guide), so every run would warn; use at least 600, or leave it out ' +
        '(default: the larger of budgets.rpoSeconds and 600 s)',
    ]);
  });

  it('returns 0 and prints one line per plan when every plan is valid', () => {
    // Prepare
    const { io, out, err } = captureIo();

    // Act
    const code = validatePlanFiles([example, join(fixtures, 'valid', 'payments.yml')], io);

    // Assess
    expect(code).toBe(0);
    expect(out).toEqual([
      `✓ ${example}: orders (us-east-1 -> us-west-2), 2 databases, 2 records`,
      `✓ ${join(fixtures, 'valid', 'payments.yml')}: payments (eu-west-1 -> eu-central-1), 1 database, 1 record`,
    ]);
    expect(err).toEqual([]);
  });

  it('returns 1 and lists the field path when one plan of several is invalid', () => {
    // Prepare
    const { io, out, err } = captureIo();
    const bad = join(fixtures, 'negative-budget.yml');

    // Act
    const code = validatePlanFiles([example, bad], io);

    // Assess
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    expect(err).toEqual([
      `✗ ${bad}:`,
      '  - budgets.rtoSeconds: the RTO budget must be greater than 0 seconds (got -600)',
      '1 problem found; fix the fields named above.',
    ]);
  });

  it('counts every field it names: a plan missing five sections is five problems, not one', () => {
    // Prepare
    const { io, out, err } = captureIo();
    const file = join(scratch(), 'half-written.yml');
    writeFileSync(file, 'app: orders\nregions: { primary: us-east-1 }\n');

    // Act
    const code = validatePlanFiles([file], io);

    // Assess
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `✗ ${file}:`,
      '  - regions.standby: is required: expected an AWS region name such as "us-east-1"',
      '  - budgets: is required',
      '  - trigger: is required',
      '  - databases: is required',
      '  - dns: is required',
      '5 problems found; fix the fields named above.',
    ]);
  });

  it('returns 1 and says so when a file does not exist', () => {
    // Prepare
    const { io, err } = captureIo();

    // Act
    const code = validatePlanFiles(['plans/missing.yml'], io);

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toBe(
      '✗ plan file plans/missing.yml does not exist: give the path of a plan file, e.g. plans/example.yml',
    );
  });

  it('returns 1 and names both places when two valid plans share an alarm', () => {
    // Prepare
    const { io, out, err } = captureIo();
    const dir = join(fixtures, 'duplicate-alarm');

    // Act
    const code = validatePlanFiles([join(dir, 'payments.yml'), join(dir, 'refunds.yml')], io);

    // Assess
    expect(code).toBe(1);
    expect(out).toHaveLength(2);
    expect(err[0]).toBe(`✗ ${join(dir, 'refunds.yml')}:`);
    expect(err[1]).toBe(
      `  - trigger.alarms[0]: alarm payments-primary-health is also named at trigger.alarms[0] of plan payments (${join(dir, 'payments.yml')}): one resource belongs to one plan, once (two runs would act on it)`,
    );
  });

  it('validates every plan of a folder and names both places of a shared database and a shared record', () => {
    // Prepare
    const { io, out, err } = captureIo();
    const dir = join(fixtures, 'overlap');

    // Act
    const code = validatePlanFiles([dir], io);

    // Assess
    expect(code).toBe(1);
    expect(out).toHaveLength(2);
    const payments = join(dir, 'payments.yml');
    expect(err).toEqual([
      `✗ ${join(dir, 'settlements.yml')}:`,
      `  - databases[0].replica.instance: database ledger-db-replica (eu-central-1) is also named at databases[0].replica.instance of plan payments (${payments}): one resource belongs to one plan, once (two runs would act on it)`,
      `✗ ${join(dir, 'settlements.yml')}:`,
      `  - dns[0].records[0].primarySetIdentifier: record API.payments.example.com. A api-eu-west-1 in Z0PAYMENTS12345 is also named at dns[0].records[0].primarySetIdentifier of plan payments (${payments}): one resource belongs to one plan, once (two runs would act on it)`,
      '2 problems found; fix the fields named above.',
    ]);
  });

  it('refuses a record pair whose two set identifiers are equal, naming both fields', () => {
    // Prepare
    const { io, err } = captureIo();
    const file = join(fixtures, 'equal-set-identifiers.yml');

    // Act
    const code = validatePlanFiles([file], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toContain(
      '  - dns[0].records[0].standbySetIdentifier: equals dns[0].records[0].primarySetIdentifier ("api"): the two records of a failover pair need different set identifiers',
    );
  });

  it("refuses an RTO budget below the plan's own fastest possible recovery, with each term", () => {
    // Prepare
    const { io, err } = captureIo();
    const file = join(fixtures, 'rto-below-floor.yml');

    // Act
    const code = validatePlanFiles([file], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toContain(
      "  - budgets.rtoSeconds: 120 s is below this plan's fastest possible recovery, 240 s (detection 60 s + promotion 120 s + DNS 60 s, published AWS figures): raise the budget to at least that",
    );
  });

  it('says so when a folder holds no plan file', () => {
    // Prepare
    const { io, err } = captureIo();

    // Act
    const code = validatePlanFiles([join(fixtures, 'valid', '..', '..')], io);

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toContain('no plan file (*.yml, *.yaml) found');
  });
});
