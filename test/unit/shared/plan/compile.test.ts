import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanValidationError } from '../../../../shared/errors';
import { compilePlans } from '../../../../shared/plan/compile';
import { loadPlanDirectory, loadPlanFile } from '../../../../shared/plan/load';
import { PlanRegistry } from '../../../../shared/plan/registry';
import { scratchFolders } from '../../../support/scratch';

const root = join(__dirname, '..', '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'plans');
const temp = scratchFolders('switchback-compile-');

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

describe('compilePlans', () => {
  it('writes one JSON file per plan that loads to the same plans as the YAML', () => {
    // Prepare
    const out = temp();

    // Act
    const written = compilePlans(join(root, 'plans'), out);

    // Assess
    expect(written).toEqual([
      join(out, 'example-alarm-dns.json'),
      join(out, 'example-arc.json'),
      join(out, 'example.json'),
    ]);
    const compiled = PlanRegistry.fromCompiledDirectory(out);
    const yaml = loadPlanDirectory(join(root, 'plans'));
    expect(compiled.names).toEqual(yaml.names);
    for (const name of yaml.names) expect(compiled.get(name)).toEqual(yaml.get(name));
  });

  it('fails with the file and the field-named errors of plan validate when a plan is invalid, writing nothing', () => {
    // Prepare
    const source = temp();
    const out = temp();
    copyFileSync(join(fixtures, 'valid', 'payments.yml'), join(source, 'payments.yml'));
    copyFileSync(join(fixtures, 'bad-region.yml'), join(source, 'bad-region.yml'));
    const expected = validationError(() => loadPlanFile(join(fixtures, 'bad-region.yml')));

    // Act
    const error = validationError(() => compilePlans(source, out));

    // Assess
    expect(error.source).toBe('bad-region.yml');
    expect(error.issues).toEqual(expected.issues);
    expect(readdirSync(out)).toEqual([]);
  });

  it('fails naming the alarm and the other plan when two plans name the same alarm', () => {
    // Act
    const error = validationError(() => compilePlans(join(fixtures, 'duplicate-alarm'), temp()));

    // Assess
    expect(error.issues[0]?.path).toBe('trigger.alarms[0]');
    expect(error.issues[0]?.message).toContain('is already named by plan "payments"');
  });

  it('removes compiled plans whose source is gone when it compiles again', () => {
    // Prepare
    const out = temp();
    writeFileSync(join(out, 'retired.json'), '{}');

    // Act
    compilePlans(join(root, 'plans'), out);

    // Assess
    expect(existsSync(join(out, 'retired.json'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['example-alarm-dns.json', 'example-arc.json', 'example.json']);
  });
});

describe('PlanRegistry.fromCompiledDirectory', () => {
  it('names the file and field when a compiled plan was edited into an invalid one', () => {
    // Prepare
    const out = temp();
    compilePlans(join(root, 'plans'), out);
    const compiled = JSON.parse(readFileSync(join(out, 'example.json'), 'utf8'));
    compiled.plan.regions.standby = 'mars-1';
    writeFileSync(join(out, 'example.json'), JSON.stringify(compiled));

    // Act
    const error = validationError(() => PlanRegistry.fromCompiledDirectory(out));

    // Assess
    expect(error.source).toBe('example.json');
    expect(error.issues).toEqual([
      { path: 'regions.standby', message: expect.stringContaining('was changed after the package step validated') },
    ]);
    expect(error.message).toContain('npm run package');
  });

  it('names a field added to or removed from a compiled plan after it was validated', () => {
    // Prepare
    const out = temp();
    compilePlans(join(root, 'plans'), out);
    const compiled = JSON.parse(readFileSync(join(out, 'example.json'), 'utf8'));
    compiled.plan.trigger.alarm = 'orders-health';
    delete compiled.plan.databases[0].replica;
    compiled.plan.fence = {};
    writeFileSync(join(out, 'example.json'), JSON.stringify(compiled));

    // Act
    const error = validationError(() => PlanRegistry.fromCompiledDirectory(out));

    // Assess
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
    expect(byPath['trigger.alarm']).toContain('is not in the plan as validated at package time');
    expect(byPath.fence).toContain('is not in the plan as validated at package time');
    expect(byPath['fence.duringFailover']).toContain('was removed after the package step validated the plan');
    expect(byPath['databases[0].replica.instance']).toContain('was removed');
    expect(byPath['databases[0].replica.region']).toContain('was removed');
  });

  it('refuses a compiled plan whose field digests were changed or dropped with it', () => {
    // Prepare
    const out = temp();
    compilePlans(join(root, 'plans'), out);
    const compiled = JSON.parse(readFileSync(join(out, 'example.json'), 'utf8'));
    compiled.plan.budgets.rtoSeconds = 1;
    compiled.fields['budgets.rtoSeconds'] = 'edited';
    writeFileSync(join(out, 'example.json'), JSON.stringify(compiled));
    writeFileSync(join(out, 'example-arc.json'), JSON.stringify({ ...compiled, fields: undefined }));

    // Act
    const error = validationError(() => PlanRegistry.fromCompiledDirectory(out));

    // Assess: the files load in name order, and the first refused is reported
    expect(error.source).toBe('example-arc.json');
    expect(error.issues).toEqual([{ path: '(fields)', message: expect.stringContaining('npm run package') }]);
    rmSync(join(out, 'example-arc.json'));
    const edited = validationError(() => PlanRegistry.fromCompiledDirectory(out));
    expect(edited.source).toBe('example.json');
    expect(edited.issues).toEqual([{ path: 'budgets.rtoSeconds', message: expect.stringContaining('was changed') }]);
  });

  it('refuses a file that is not a compiled plan of this format, such as an uncompiled plan document', () => {
    // Prepare
    const out = temp();
    compilePlans(join(root, 'plans'), out);
    const compiled = JSON.parse(readFileSync(join(out, 'example.json'), 'utf8'));
    writeFileSync(join(out, 'example.json'), JSON.stringify(compiled.plan));

    // Act
    const error = validationError(() => PlanRegistry.fromCompiledDirectory(out));

    // Assess
    expect(error.issues).toEqual([
      { path: '(root)', message: expect.stringContaining('not a compiled plan of this Switchback') },
    ]);
  });

  it('says to package again when a compiled plan is not JSON', () => {
    // Prepare
    const out = temp();
    writeFileSync(join(out, 'orders.json'), '{ "app": ');

    // Act
    const error = validationError(() => PlanRegistry.fromCompiledDirectory(out));

    // Assess
    expect(error.issues).toEqual([
      { path: '(json)', message: expect.stringContaining('package again with npm run package') },
    ]);
  });
});
