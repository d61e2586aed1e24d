import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { resolvePlans, runReadinessCommand } from '../../../../cli/commands/readiness';
import type { PlanReadiness } from '../../../../shared/domain/readiness';
import { FakeLedger } from '../../../support/fakes';
import { ordersPlanInput } from '../../../support/plan-fixtures';
import { NOW, readinessWorld } from '../../../support/readiness-fixtures';
import { fakeDeps } from '../support';

/** A plans folder with the orders plan, as a deployment has it. */
const plansFolder = (): { dir: string; file: string; out: string } => {
  const root = mkdtempSync(join(tmpdir(), 'switchback-readiness-cli-'));
  const dir = join(root, 'plans');
  mkdirSync(dir);
  const file = join(dir, 'orders.yml');
  writeFileSync(file, stringify(ordersPlanInput()));
  return { dir, file, out: join(root, 'reports') };
};

describe('switchback readiness (against AWS)', () => {
  it('checks the plan named by --plan with the AWS adapters of the deployment region and prints its readiness JSON', async () => {
    // Prepare
    const { dir, out } = plansFolder();
    const world = readinessWorld();
    const {
      deps,
      out: printed,
      targets,
    } = fakeDeps({
      readiness: { ...world, ledger: new FakeLedger() },
      env: { region: 'us-west-2' },
      now: new Date(NOW),
    });

    // Act
    const code = await runReadinessCommand({ plan: 'orders', plans: dir, json: true, out, stage: 'prod' }, deps);

    // Assess
    expect(code).toBe(0);
    expect(targets).toEqual([{ region: 'us-west-2', tableName: 'switchback-prod-ledger' }]);
    const [readiness] = JSON.parse(printed.join('\n')) as PlanReadiness[];
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, findings: [], at: NOW });
    expect(readiness?.projectedRto.terms.detection.source).toBe('health check 30 s x 3 + alarm 60 s x 1');
  });

  it('exits 1 with the finding and its fix when the plan is not ready, the plan given as a file', async () => {
    // Prepare
    const { file, dir, out } = plansFolder();
    const world = readinessWorld();
    world.rds.instances.delete('us-west-2/orders-db-replica');
    const { deps, out: printed } = fakeDeps({
      readiness: { ...world, ledger: new FakeLedger() },
      env: { region: 'us-west-2' },
      now: new Date(NOW),
    });

    // Act
    const code = await runReadinessCommand({ plan: file, plans: dir, out, stage: 'dev' }, deps);

    // Assess
    expect(code).toBe(1);
    const text = printed.join('\n');
    expect(text).toContain('✗ orders: NOT READY');
    expect(text).toContain('rds:us-west-2:orders-db-replica');
    expect(text).toMatch(/fix: .*orders-db-replica/);
  });

  it('names the plans it has when --plan names none of them', () => {
    // Prepare
    const { dir } = plansFolder();

    // Act
    const act = () => resolvePlans({ plan: 'payments', plans: dir });

    // Assess
    expect(act).toThrow(`no plan named "payments" in ${dir} (plans: orders): give --plan <name> or <file>`);
  });

  it('refuses to run without a region, saying how to give one', async () => {
    // Prepare
    const { dir, out } = plansFolder();
    const { deps } = fakeDeps({ readiness: { ...readinessWorld(), ledger: new FakeLedger() } });

    // Act
    const run = runReadinessCommand({ plan: 'orders', plans: dir, out, stage: 'dev' }, deps);

    // Assess
    await expect(run).rejects.toThrow('no AWS region: give --region <region>');
  });
});
