import { join } from 'node:path';
import { resolvePlanArg, resolvePlanFile } from '../../../cli/plan-arg';
import { PlanValidationError } from '../../../shared/errors';
import { PlanFileError } from '../../../shared/plan/load';

const root = join(__dirname, '..', '..', '..');
const plansDir = join(root, 'plans');
const example = join(plansDir, 'example.yml');

describe('resolvePlanArg', () => {
  it("takes a plan file's name from the file when --plan is a file", () => {
    expect(resolvePlanArg(example, plansDir)).toEqual({ app: 'orders', file: example });
  });

  it('finds the plan file by name in the plans folder when --plan is a name', () => {
    expect(resolvePlanArg('orders', plansDir)).toEqual({ app: 'orders', file: example });
  });

  it('keeps a name that no local file has (a deployed plan) when --plan is a name', () => {
    expect(resolvePlanArg('payments', plansDir)).toEqual({ app: 'payments' });
  });

  it('fails with the file named when --plan is a file that is not a valid plan', () => {
    expect(() => resolvePlanArg(join(root, 'test', 'fixtures', 'plans', 'bad-region.yml'), plansDir)).toThrow(
      PlanValidationError,
    );
  });
});

describe('resolvePlanFile', () => {
  it('gives the file of a plan named by its app', () => {
    expect(resolvePlanFile('orders', plansDir)).toBe(example);
  });

  it('names the plans it knows when no file and no plan has that name', () => {
    expect(() => resolvePlanFile('payments', plansDir)).toThrow(
      new PlanFileError(
        '"payments"',
        `does not exist, and no plan in ${plansDir}/ is named "payments" (plans there: ledger, storefront, orders): give a plan file or a plan's name`,
      ),
    );
  });

  it('says a folder is not a plan file when --plan is a folder', () => {
    expect(() => resolvePlanFile(plansDir, plansDir)).toThrow(/is a folder, not a plan file: give one file in it/);
  });
});
