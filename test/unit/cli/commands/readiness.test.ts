import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { awsReadinessDeps, resolvePlans, runReadinessCommand } from '../../../../cli/commands/readiness';
import type { ReadinessTargets } from '../../../../shared/aws/readiness-adapters';
import { ReadinessFunctionError } from '../../../../shared/aws/readiness-function';
import type { PlanReadiness } from '../../../../shared/domain/readiness';
import { FakeLedger } from '../../../support/fakes';
import { ordersPlanInput } from '../../../support/plan-fixtures';
import { NOW, planReadiness, readinessWorld } from '../../../support/readiness-fixtures';
import { scratchFolders } from '../../../support/scratch';
import { fakeDeps } from '../support';

/**
 * A deployed readiness function as the ledger sees it: each run keeps `readiness` (at the run's time) in the ledger,
 * as functions/readiness.ts does, and answers its summary. Records the plans it was run for.
 */
const deployedReadiness = (ledger: FakeLedger, readiness: PlanReadiness, options: { keep?: boolean } = {}) => {
  const ran: string[] = [];
  return {
    ran,
    fn: {
      run: async (plan: string) => {
        ran.push(plan);
        if (options.keep !== false) await ledger.putReadiness({ ...readiness, plan });
        return { plan, at: readiness.at, ready: readiness.ready, findings: readiness.findings.length, changed: true };
      },
    },
  };
};

const newFolder = scratchFolders('switchback-readiness-cli-');

/** A plans folder with the orders plan, as a deployment has it. */
const plansFolder = (): { dir: string; file: string; out: string } => {
  const root = newFolder();
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
      readinessFunctions,
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
    expect(readinessFunctions).toEqual(['switchback-prod-readiness']);
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

  it('checks the wiring and the roles of the readiness function named by --function', async () => {
    // Prepare
    const { dir, out } = plansFolder();
    const { deps, readinessFunctions } = fakeDeps({
      readiness: { ...readinessWorld(), ledger: new FakeLedger() },
      env: { region: 'us-west-2' },
      now: new Date(NOW),
    });

    // Act
    await runReadinessCommand({ plans: dir, out, stage: 'dev', json: true, function: 'dr-readiness' }, deps);

    // Assess
    expect(readinessFunctions).toEqual(['dr-readiness']);
  });

  it("builds the scheduled function's readings on the wiring and roles the deployed function is given", async () => {
    // Prepare
    const deployed: ReadinessTargets = {
      wiring: {
        rules: ['switchback-dev-on-health-alarm-rule-1'],
        stateMachineArns: ['arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover'],
        deadLetterQueueUrls: ['https://sqs.us-west-2.amazonaws.com/123456789012/switchback-dev-dlq'],
        schedules: [],
      },
      roles: { assess: 'arn:aws:iam::123456789012:role/switchback-dev-assess' },
    };
    const asked: [string, string][] = [];

    // Act
    const readings = await awsReadinessDeps(
      { region: 'us-west-2', tableName: 'switchback-dev-ledger' },
      'switchback-dev-readiness',
      { ledger: new FakeLedger() },
      async (name, region) => {
        asked.push([name, region]);
        return deployed;
      },
    );

    // Assess
    expect(asked).toEqual([['switchback-dev-readiness', 'us-west-2']]);
    expect(readings.wiring?.targets).toEqual(deployed.wiring);
    expect(readings.permissions?.roles).toEqual(deployed.roles);
    expect(readings.notRead).toBeUndefined();
  });

  it("reports the deployment's targets it could not read as 'could not check', and checks the rest", async () => {
    // Act
    const readings = await awsReadinessDeps(
      { region: 'us-west-2', tableName: 'switchback-dev-ledger' },
      'switchback-dev-readiness',
      { ledger: new FakeLedger() },
      async () => {
        throw Object.assign(new Error('Function not found: switchback-dev-readiness'), {
          name: 'ResourceNotFoundException',
        });
      },
    );

    // Assess
    expect(readings.notRead).toEqual([
      {
        resource:
          "lambda:us-west-2:function:switchback-dev-readiness (Switchback's wiring and the runbook roles it names)",
        call: 'lambda:GetFunctionConfiguration',
        error: 'ResourceNotFoundException: Function not found: switchback-dev-readiness',
      },
    ]);
    expect(readings.wiring?.targets).toEqual({
      rules: [],
      stateMachineArns: [],
      deadLetterQueueUrls: [],
      schedules: [],
    });
    expect(readings.permissions).toBeUndefined();
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

describe('switchback readiness --record', () => {
  const NOT_READY = planReadiness({
    at: NOW,
    ready: false,
    findings: [
      {
        check: 'record-exists',
        resource: 'route53:Z0ORDERS:api.orders.example.com CNAME api-us-west-2',
        expected: "the standby region's failover record",
        found: 'no such record',
        fix: "create the standby region's failover record api-us-west-2",
      },
    ],
  });

  it('runs the check in the deployed readiness function, shows what it kept in the ledger and says Assess reads it', async () => {
    // Prepare: an older readiness of the plan in the ledger, from the schedule
    const { dir, out } = plansFolder();
    const ledger = new FakeLedger();
    await ledger.putReadiness(planReadiness({ at: '2026-11-25T02:45:00.000Z', ready: true }));
    const deployed = deployedReadiness(ledger, NOT_READY);
    const {
      deps,
      out: printed,
      targets,
      readinessFunctions,
    } = fakeDeps({ ledger, readinessFunction: deployed.fn, env: { region: 'us-west-2' } });

    // Act
    const code = await runReadinessCommand({ plan: 'orders', plans: dir, record: true, out, stage: 'prod' }, deps);

    // Assess: exit 1 (not ready), the kept readiness shown whole, not the older one
    expect(code).toBe(1);
    expect(deployed.ran).toEqual(['orders']);
    expect(readinessFunctions).toEqual(['switchback-prod-readiness']);
    expect(targets.map((target) => target.region)).toEqual(['us-west-2', 'us-west-2']);
    const text = printed.join('\n');
    expect(text).toContain('✗ orders: NOT READY');
    expect(text).toContain('finding: route53:Z0ORDERS:api.orders.example.com CNAME api-us-west-2');
    expect(text).toContain("fix: create the standby region's failover record api-us-west-2");
    expect(text).toContain(
      `Recorded: orders's readiness of ${NOW} is in the ledger, where a failover's Assess reads it (readiness changed: the plan's Slack channel hears it)`,
    );
    expect((await ledger.listReadiness('orders', 1))[0]?.at).toBe(NOW);
  });

  it('prints only the kept readiness as JSON with --json, and runs every plan of --plans without --plan', async () => {
    // Prepare
    const { dir, out } = plansFolder();
    const ledger = new FakeLedger();
    const deployed = deployedReadiness(ledger, planReadiness({ at: NOW, ready: true }));
    const { deps, out: printed } = fakeDeps({ ledger, readinessFunction: deployed.fn, env: { region: 'us-west-2' } });

    // Act
    const code = await runReadinessCommand({ plans: dir, record: true, json: true, out, stage: 'dev' }, deps);

    // Assess
    expect(code).toBe(0);
    expect(deployed.ran).toEqual(['orders']);
    expect(JSON.parse(printed.join('\n'))).toEqual([planReadiness({ at: NOW, ready: true })]);
  });

  it('says which ledger it read when the run it started is not there (another region or stage)', async () => {
    // Prepare: the function kept its run in its own ledger, not the one the command reads
    const { dir, out } = plansFolder();
    const ledger = new FakeLedger();
    const deployed = deployedReadiness(ledger, NOT_READY, { keep: false });
    const { deps } = fakeDeps({ ledger, readinessFunction: deployed.fn, env: { region: 'us-east-2' } });

    // Act
    const run = runReadinessCommand({ plan: 'orders', plans: dir, record: true, out, stage: 'dev' }, deps);

    // Assess
    await expect(run).rejects.toThrow(
      `switchback-dev-readiness ran plan "orders" at ${NOW} (not ready), but the ledger switchback-dev-ledger in us-east-2 holds no readiness of that time: give the deployment's --region and --stage (or --table)`,
    );
  });

  it('records the other plans when one fails, says which on stderr, and exits 1', async () => {
    // Prepare: two plans in the folder, orders and the alarm-health-check example's ledger; the deployment knows only
    // orders
    const { dir, out } = plansFolder();
    copyFileSync(join(__dirname, '..', '..', '..', '..', 'plans', 'example-alarm-dns.yml'), join(dir, 'ledger.yml'));
    const ledger = new FakeLedger();
    const deployed = deployedReadiness(ledger, planReadiness({ at: NOW, ready: true }));
    const fn = {
      run: async (plan: string) => {
        if (plan === 'ledger') {
          throw new ReadinessFunctionError(
            'the readiness function switchback-dev-readiness failed for plan "ledger": PlanNotFoundError: No plan named "ledger"',
          );
        }
        return deployed.fn.run(plan);
      },
    };
    const { deps, out: printed, err } = fakeDeps({ ledger, readinessFunction: fn, env: { region: 'us-west-2' } });

    // Act
    const code = await runReadinessCommand({ plans: dir, record: true, out, stage: 'dev' }, deps);

    // Assess: orders recorded and shown, ledger named with its error, exit 1 although orders is ready
    expect(code).toBe(1);
    expect(deployed.ran).toEqual(['orders']);
    expect(printed.join('\n')).toContain(`Recorded: orders's readiness of ${NOW} is in the ledger`);
    expect(err).toEqual([
      'not recorded: the readiness function switchback-dev-readiness failed for plan "ledger": PlanNotFoundError: No plan named "ledger"',
    ]);
  });

  it('refuses --record with --local, before running anything', async () => {
    // Prepare
    const { dir, out } = plansFolder();
    const ledger = new FakeLedger();
    const deployed = deployedReadiness(ledger, NOT_READY);
    const { deps } = fakeDeps({ ledger, readinessFunction: deployed.fn, env: { region: 'us-west-2' } });

    // Act
    const run = runReadinessCommand({ plans: dir, record: true, local: true, out, stage: 'dev' }, deps);

    // Assess
    await expect(run).rejects.toThrow('--record runs the deployed readiness function, which --local has none of');
    expect(deployed.ran).toEqual([]);
  });
});
