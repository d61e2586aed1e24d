import type { Command } from 'commander';
import { type CliDeps, resolveTarget, type TargetOptions, UsageError } from '../context';
import { drillExitCode } from '../drill-exit-codes';
import { resolvePlanFile } from '../plan-arg';

/**
 * `switchback restore-test`: start a restore test of a plan's backups in AWS (the restore-test state machine), or
 * with `--local` run it on the simulator and print the evidence (no AWS account needed).
 */

export interface RestoreTestOptions extends TargetOptions {
  plan: string;
  database?: string;
  json?: boolean;
  local?: boolean;
  requestedBy?: string;
}

/** `2026-11-25T18:05:00.123Z` -> `20261125T180500Z` */
const compactUtc = (at: Date): string => `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/** The execution name (the test id): `<plan>-restore-test-<yyyymmddThhmmssZ>`, at most 80 characters. */
export const restoreTestName = (plan: string, now: Date): string => {
  const suffix = `-restore-test-${compactUtc(now)}`;
  return `${plan.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80 - suffix.length)}${suffix}`;
};

/** Starts (or, with --local, runs) the restore test. Returns the exit code: 0 when started; --local: see runLocal. */
export const startRestoreTest = async (options: RestoreTestOptions, deps: CliDeps): Promise<number> => {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(options.plan) && !options.local) {
    throw new UsageError(`--plan "${options.plan}" is not a plan name (its "app", e.g. orders)`);
  }
  if (options.local) return runLocal(options, deps);
  const target = resolveTarget(options, deps.env);
  if (!target.stateMachineArn) {
    throw new UsageError(
      'no state machine: give --state-machine-arn <arn> (the RestoreTestStateMachine of the deployment, ' +
        '…:stateMachine:switchback-<stage>-restore-test)',
    );
  }
  const name = restoreTestName(options.plan, deps.clock.now());
  const input = {
    plan: options.plan,
    action: 'restore-test',
    requestedBy: options.requestedBy ?? deps.env.user,
    ...(options.database ? { database: options.database } : {}),
  };
  const started = await (await deps.workflow(target)).startFailover(name, input);
  if (options.json) {
    deps.io.out(
      JSON.stringify({ testId: name, executionArn: started.executionArn, alreadyStarted: started.alreadyStarted }),
    );
    return 0;
  }
  deps.io.out(
    `${started.alreadyStarted ? '= already running' : '✓ started'}: restore test of ${options.plan}` +
      `${options.database ? ` (database ${options.database})` : ''} as ${name}`,
  );
  deps.io.out(`  execution: ${started.executionArn}`);
  return 0;
};

/**
 * `--local`: the restore-test runbook on the simulator, with the input the deployment would get (`--database`
 * included). Exits as `switchback drill` does for a restore test: 0 when every database restored within the RTO
 * budget, 3 when one restored but took longer, 4 when one failed or none was tested.
 */
const runLocal = async (options: RestoreTestOptions, deps: CliDeps): Promise<number> => {
  // A plan file or a plan's name (in plans/), as in every command.
  const planFile = resolvePlanFile(options.plan);
  if (options.database !== undefined) {
    const [{ loadPlanFile }, { databasesToTest }] = await Promise.all([
      import('../../shared/plan/load'),
      import('../../shared/domain/restore-test'),
    ]);
    try {
      databasesToTest(loadPlanFile(planFile), options.database);
    } catch (error) {
      throw new UsageError(`--database: ${(error as Error).message}`);
    }
  }
  const { runDrill } = await import('../../sim/drill');
  const { report } = await runDrill({
    planFile,
    scenario: 'restore-test',
    slackPreview: false,
    ...(options.database ? { restoreDatabase: options.database } : {}),
  });
  const tests = report.restoreTests ?? [];
  if (options.json) {
    deps.io.out(JSON.stringify({ testId: report.incidentId, restoreTests: tests, warnings: report.warnings }, null, 2));
  } else {
    deps.io.out(`Restore test of ${report.plan} on the simulator (virtual time), test ${report.incidentId}`);
    for (const t of tests) {
      const available =
        t.secondsToAvailable === undefined ? 'never available' : `available after ${t.secondsToAvailable} s`;
      deps.io.out(
        `  ${t.passed ? '✓' : '✗'} ${t.databaseId}: ${available} (RTO budget ${t.rtoBudgetSeconds} s${t.withinRto === false ? ', OVER' : ''}), restore point ` +
          `${t.restorePointAgeSeconds ?? '?'} s old, ${validationText(t.validation)}, ` +
          `deleted ${t.cleanedUpAt ?? 'NOT'}, ${t.instanceHours ?? 0} instance-hours` +
          `${t.failure ? `: ${t.failure.error}: ${t.failure.cause}` : ''}`,
      );
    }
    for (const warning of report.warnings) deps.io.out(`  warning: ${warning}`);
  }
  return drillExitCode(report);
};

/** What the validation hook said: `validation passed (orders-restore-check)`, or that no hook is set. */
const validationText = (validation: { hook?: string; passed: boolean | null }): string =>
  validation.hook
    ? `validation ${validation.passed === null ? 'not run' : validation.passed ? 'passed' : 'FAILED'} (${validation.hook})`
    : 'no validation hook';

/** Registers `switchback restore-test`. */
export const registerRestoreTest = (program: Command, deps: CliDeps): void => {
  program
    .command('restore-test')
    .description(
      "restore each database's newest backup in the standby region into a throwaway, validate it, delete it, and " +
        'record the backup tier RPO and RTO (in AWS; --local runs it on the simulator)',
    )
    .requiredOption('--plan <name>', 'the plan (its "app"); with --local also a plan file')
    .option('--database <id>', 'test only this database of the plan')
    .option('--json', 'print JSON')
    .option('--local', 'run on the local simulator (virtual time, no AWS account)')
    .option('--requested-by <who>', 'who asks for this test (default: the OS user)')
    .option('--state-machine-arn <arn>', 'the restore-test state machine of the deployment')
    .option('--region <region>', "Switchback's region (default: the state machine's, then $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .action(async (options: RestoreTestOptions) => {
      deps.setExitCode(await startRestoreTest(options, deps));
    });
};
