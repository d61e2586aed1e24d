import { runSwitchback, runSwitchbackInProcess } from '../../support/cli';

const fixtures = 'test/fixtures/plans';

/** In-process: cli/program.ts as the process runs it; the process itself is tested in `the switchback process`. */
const switchback = (...args: string[]) => runSwitchbackInProcess(args);

// In-process commands take milliseconds; each spawn starts node and tsx: a second or more on a loaded machine.
jest.setTimeout(45_000);

describe('switchback', () => {
  it('exits 0 and prints the summary when plan validate is given the example plan', async () => {
    // Act
    const result = await switchback('plan', 'validate', 'plans/example.yml');

    // Assess
    expect(result.stdout).toBe('✓ plans/example.yml: orders (us-east-1 -> us-west-2), 2 databases, 2 records\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 1 and names the alarm when two plans share it', async () => {
    // Act
    const result = await switchback(
      'plan',
      'validate',
      `${fixtures}/duplicate-alarm/payments.yml`,
      `${fixtures}/duplicate-alarm/refunds.yml`,
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'trigger.alarms[0]: alarm payments-primary-health is also named at trigger.alarms[0]',
    );
  });

  it('exits 2 when plan validate is given no file', async () => {
    // Act
    const result = await switchback('plan', 'validate');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'files'");
  });

  it('says in run --help that live and game-day act on production and that the local simulation is drill', async () => {
    // Act
    const result = await switchback('run', '--help');

    // Assess
    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('live and game-day promote databases and flip DNS in production');
    expect(help).toContain('dry-run changes nothing');
    expect(help).toContain('touches no AWS account is `switchback drill`');
    expect(help).not.toMatch(/live \| dry-run \| drill/);
  });

  it('refuses --mode drill for run, naming the modes there are', async () => {
    // Act
    const result = await switchback(
      'run',
      '--plan',
      'orders',
      '--reason',
      'test',
      '--mode',
      'drill',
      '--region',
      'us-west-2',
    );

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('switchback: invalid input: --mode: expected one of: live, dry-run, game-day\n');
  });

  it('exits 2 when the command is unknown', async () => {
    // Act
    const result = await switchback('failover-now');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'failover-now'");
  });

  it("returns the exit code and writes to the given streams, leaving the process's exit code and output alone", async () => {
    // Prepare
    const before = process.exitCode;
    const stdoutWrite = jest.spyOn(process.stdout, 'write');
    const stderrWrite = jest.spyOn(process.stderr, 'write');

    // Act
    const failed = await switchback('run', '--plan', 'orders', '--reason', 'test', '--mode', 'fast');
    const help = await switchback('drill', '--help');

    // Assess
    expect([failed.code, help.code]).toEqual([2, 0]);
    expect(help.stdout).toContain('Exit codes:');
    expect(process.exitCode).toBe(before);
    expect(stdoutWrite).not.toHaveBeenCalled();
    expect(stderrWrite).not.toHaveBeenCalled();
    stdoutWrite.mockRestore();
    stderrWrite.mockRestore();
  });

  it('exits 2 naming --mode, before any AWS call, when run is given a bad mode', async () => {
    // Act
    const result = await switchback('run', '--plan', 'orders', '--reason', 'game day', '--mode', 'fast');

    // Assess: no region and no credentials are set, so only local validation can have produced this
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('switchback: invalid input: --mode: expected one of: live, dry-run, game-day\n');
  });

  it('exits 2 naming --region when approve cannot tell where Switchback runs', async () => {
    // Act
    const result = await switchback('approve', 'orders-20261125T180000Z-abcd1234');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--region');
  });

  it('exits 0 when help is asked for', async () => {
    // Act
    const result = await switchback('--help');

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plan');
    expect(result.stdout).toContain('history');
  });

  it('prints the version from package.json when --version is given', async () => {
    const result = await switchback('--version');
    expect(result.stdout).toBe(`${require('../../../package.json').version}\n`);
    expect(result.code).toBe(0);
  });

  it('lists every scenario with one line of what goes wrong when drill --list is given', async () => {
    const result = await switchback('drill', '--list');
    const names = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual([
      'region-outage',
      'lagging-replica',
      'promotion-fails',
      'stale-backups',
      'dns-throttled',
      'route53-api-busy',
      'arc-cluster-busy',
      'rds-api-busy',
      'flapping-health',
      'standby-missing',
      'record-missing',
      'record-not-failover',
      'standby-unhealthy',
      'replica-backing-up',
      'equal-set-identifiers',
      'us-east-1-outage',
      'old-primary-returns',
      'reprotect',
      'failback',
      'failback-lagging',
      'game-day',
      'game-day-twice',
      'restore-test',
      'restore-fails',
    ]);
    expect(result.stdout).toMatch(/^old-primary-returns\s+the old primary region returns after the failover/m);
    expect(result.stdout).toMatch(
      /^lagging-replica\s+the primary goes down while the RDS replica lags past the RPO budget/m,
    );
    expect(result.code).toBe(0);
  });

  it('lists every scenario and the exit codes when drill --help is given', async () => {
    const result = await switchback('drill', '--help');
    for (const name of [
      'region-outage',
      'lagging-replica',
      'promotion-fails',
      'stale-backups',
      'dns-throttled',
      'flapping-health',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
    }
    expect(result.stdout).toMatch(/^ {2}3 {2}recovered, but over the RTO or RPO budget$/m);
    expect(result.code).toBe(0);
  });

  it('exits 1 with one line naming the folder and a file to give when --plan is a folder', async () => {
    const result = await switchback('drill', '--plan', 'plans');
    expect(result.stderr).toBe(
      'switchback: plan file plans is a folder, not a plan file: give one file in it, e.g. plans/example.yml\n',
    );
    expect(result.code).toBe(1);
  });

  it('exits 1 with one line, no class name and no stack, when a plan is a YAML alias bomb', async () => {
    const result = await switchback('history', '--plan', `${fixtures}/alias-bomb.yml`, '--region', 'us-west-2');
    expect(result.stderr).toBe(
      'switchback: Plan alias-bomb.yml is not valid: - (yaml): YAML aliases expand too far (more than 100 alias nodes): write the values out instead of repeating anchors\n',
    );
    expect(result.code).toBe(1);
  });

  it('exits 1 naming the path and the fix when drill --out is a file', async () => {
    const result = await switchback('drill', '--json', '--out', 'package.json');
    expect(result.stderr).toBe(
      'switchback: cannot use package.json: a file of that name is in the way; give a folder\n',
    );
    expect(result.code).toBe(1);
  });
});

/** What only the process shows: its exit status, stdout apart from stderr, no credentials in its environment. */
describe('the switchback process', () => {
  it('exits 1 and names each bad field when plan validate is given bad plans', () => {
    // Act
    const result = runSwitchback(
      [
        'plan',
        'validate',
        'plans/example.yml',
        `${fixtures}/bad-region.yml`,
        `${fixtures}/unknown-kind.yml`,
        `${fixtures}/bad-yaml.txt`,
      ],
      40_000,
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✓ plans/example.yml');
    expect(result.stderr).toContain(
      `✗ ${fixtures}/bad-region.yml:\n  - regions.primary: "euwest1" is not an AWS region`,
    );
    expect(result.stderr).toContain('  - databases[0].kind: unknown database kind "dynamodb-global-table"');
    expect(result.stderr).toContain('  - line 4, column 1: YAML does not parse');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('prints one line and exits 1, without a stack, when AWS cannot be reached for lack of credentials', () => {
    // Act
    const result = runSwitchback(['history', '--plan', 'orders', '--region', 'us-west-2'], 40_000);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^switchback: no AWS credentials: .*\n$/);
  });
});
