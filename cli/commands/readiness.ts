import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { readDeployedTargets } from '../../shared/aws/deployed-targets';
import type { ReadinessTargets } from '../../shared/aws/readiness-adapters';
import type { ReadinessRunSummary } from '../../shared/aws/readiness-function';
import { foundAsRead } from '../../shared/domain/found-as-read';
import type { PlanReadiness } from '../../shared/domain/readiness';
import { SwitchbackError } from '../../shared/errors';
import { loadPlanDirectory, loadPlanFile, PlanRegistry } from '../../shared/plan/load';
import type { Plan } from '../../shared/plan/schema';
import { type CheckReadinessDeps, checkReadiness } from '../../shared/usecases/check-readiness';
import { describeError } from '../../shared/usecases/read-preflight';
import { type AwsTarget, type CliDeps, resolveTarget, type TargetOptions, UsageError } from '../context';
import { resolvePlanFile } from '../plan-arg';

/**
 * `switchback readiness`: would each plan recover within its budgets if its primary region died now? Against the
 * deployment's AWS account (the plans' resources, the ledger's run history) or, with `--local`, against the
 * simulator (no AWS account needed). Prints per plan `ready`, the findings and the projected RTO with its terms;
 * writes an HTML readiness report beside the drill reports. With `--record`, the deployed readiness function runs
 * each plan's check as its schedule does and keeps it in the ledger, where a failover's Assess reads it.
 */

export interface ReadinessCommandOptions extends TargetOptions {
  /** A plan name (looked up in `--plans`) or a plan file; every plan of `--plans` when absent. */
  plan?: string;
  plans: string;
  json?: boolean;
  local?: boolean;
  /** Run the check in the deployed readiness function, which keeps it in the ledger (as its schedule does). */
  record?: boolean;
  out: string;
  /** The deployed readiness function whose wiring and roles are checked (default `switchback-<stage>-readiness`). */
  function?: string;
}

const NO_TARGETS: ReadinessTargets = {
  wiring: { rules: [], stateMachineArns: [], deadLetterQueueUrls: [], schedules: [] },
  roles: {},
};

/**
 * The scheduled function's readings against AWS, on the wiring and roles the deployed function `functionName` is
 * given (its environment, read with GetFunctionConfiguration): the CLI checks what the schedule checks. When that
 * read fails, the other checks still run and the wiring and roles are one "could not check" finding, never a pass.
 */
export const awsReadinessDeps = async (
  target: AwsTarget,
  functionName: string,
  stores: Pick<CheckReadinessDeps, 'ledger' | 'restoreTests'>,
  readTargets?: typeof readDeployedTargets,
): Promise<Omit<CheckReadinessDeps, 'plans' | 'clock' | 'log'>> => {
  // Loaded here, not with the CLI: the adapters build a client of every service readiness reads (about 0.6 s of
  // CPU to load), which no other command needs.
  const { readinessAdapters } = await import('../../shared/aws/readiness-adapters');
  const read = readTargets ?? (await import('../../shared/aws/deployed-targets')).readDeployedTargets;
  try {
    return readinessAdapters(await read(functionName, target.region), stores, { region: target.region });
  } catch (error) {
    return {
      ...readinessAdapters(NO_TARGETS, stores, { region: target.region }),
      notRead: [
        {
          resource: `lambda:${target.region}:function:${functionName} (Switchback's wiring and the runbook roles it names)`,
          call: 'lambda:GetFunctionConfiguration',
          error: describeError(error),
        },
      ],
    };
  }
};

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** The plans the command checks: the file given, the plan of that name in the plans folder, or all of them. */
export const resolvePlans = (options: Pick<ReadinessCommandOptions, 'plan' | 'plans'>): Plan[] => {
  if (options.plan && (isFile(options.plan) || /\.ya?ml$/.test(options.plan))) {
    if (!isFile(options.plan)) {
      throw new UsageError(
        `plan file ${options.plan} does not exist: give --plan <file> or the name of a plan in ${options.plans}`,
      );
    }
    return [loadPlanFile(options.plan)];
  }
  if (!existsSync(options.plans)) {
    throw new UsageError(
      `plans folder ${options.plans} does not exist: give --plans <dir> (default plans) or --plan <file>`,
    );
  }
  const registry = loadPlanDirectory(options.plans);
  if (!options.plan) return registry.names.map((name) => registry.get(name));
  if (!registry.names.includes(options.plan)) {
    throw new UsageError(
      `no plan named "${options.plan}" in ${options.plans} (plans: ${registry.names.join(', ') || 'none'}): give --plan <name> or <file>`,
    );
  }
  return [registry.get(options.plan)];
};

/** The readiness of a plan for a terminal. */
export const formatReadiness = (readiness: PlanReadiness): string => {
  const { projectedRto: rto } = readiness;
  const lines = [
    `${readiness.ready ? '✓' : '✗'} ${readiness.plan}: ${readiness.ready ? 'READY' : 'NOT READY'}`,
    `  projected RTO ${rto.seconds} s of ${rto.budgetSeconds} s budget${rto.withinBudget ? '' : ' OVER BUDGET'}`,
    ...Object.entries(rto.terms).map(
      ([name, term]) => `    ${name.padEnd(14)}${String(term.seconds).padStart(6)} s  ${term.source}`,
    ),
    `  replica lag now: ${readiness.replicaLagSeconds === null ? 'unknown' : `${readiness.replicaLagSeconds} s`}`,
  ];
  for (const finding of readiness.findings) {
    lines.push(
      `  ${finding.warning ? 'warning (not blocking)' : 'finding'}: ${finding.resource}: expected ${finding.expected}, found ${foundAsRead(finding)}`,
    );
    lines.push(`    fix: ${finding.fix}`);
  }
  return `${lines.join('\n')}\n`;
};

/** Readiness of each plan against the deployment's AWS account, with the CLI's AWS clients (read only). */
const checkAgainstAws = async (
  plans: Plan[],
  options: ReadinessCommandOptions,
  deps: CliDeps,
): Promise<PlanReadiness[]> => {
  const target = resolveTarget(options, deps.env);
  const adapters = await deps.readiness(target, options.function ?? `switchback-${options.stage}-readiness`);
  const registry = new PlanRegistry(plans);
  const results: PlanReadiness[] = [];
  for (const plan of plans) {
    results.push(await checkReadiness(plan, { ...adapters, plans: registry, clock: deps.clock, log: SILENT }));
  }
  return results;
};

/**
 * Each plan's readiness run by the deployed readiness function (`--record`), as its schedule runs it: checked with the
 * function's own role and kept in the ledger. What it kept is read back from the ledger and shown whole. A plan whose
 * run fails does not stop the others: its error is returned with theirs (thrown when no plan got through).
 */
const recordInDeployment = async (
  plans: Plan[],
  options: ReadinessCommandOptions,
  deps: CliDeps,
): Promise<{ results: PlanReadiness[]; runs: ReadinessRunSummary[]; failed: string[] }> => {
  const target = resolveTarget(options, deps.env);
  const functionName = options.function ?? `switchback-${options.stage}-readiness`;
  const fn = await deps.readinessFunction(target, functionName);
  const ledger = await deps.ledger(target);
  const results: PlanReadiness[] = [];
  const runs: ReadinessRunSummary[] = [];
  const errors: unknown[] = [];
  for (const plan of plans) {
    try {
      const run = await fn.run(plan.app);
      // The newest few: a schedule's run may have landed between this one and the read.
      const kept = (await ledger.listReadiness(plan.app, 5)).find((readiness) => readiness.at === run.at);
      if (!kept) {
        throw new SwitchbackError(
          `${functionName} ran plan "${plan.app}" at ${run.at} (${run.ready ? 'ready' : 'not ready'}), but the ledger ${target.tableName} in ${target.region} holds no readiness of that time: give the deployment's --region and --stage (or --table)`,
        );
      }
      results.push(kept);
      runs.push(run);
    } catch (error) {
      errors.push(error);
    }
  }
  if (results.length === 0 && errors.length > 0) throw errors[0];
  const failed = errors.map((error) => (error instanceof SwitchbackError ? error.message : describeError(error)));
  return { results, runs, failed };
};

/** The use case logs for Lambda; on a terminal its result is the output. */
const SILENT = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Runs the command; returns the exit code: 0 when every plan is ready, 1 when one is not. */
export const runReadinessCommand = async (options: ReadinessCommandOptions, deps: CliDeps): Promise<number> => {
  let results: PlanReadiness[];
  let runs: ReadinessRunSummary[] = [];
  let failed: string[] = [];
  if (options.local && options.record) {
    throw new UsageError(
      '--record runs the deployed readiness function, which --local has none of: drop --local to record, or --record to check the simulator',
    );
  }
  if (options.record) {
    ({ results, runs, failed } = await recordInDeployment(resolvePlans(options), options, deps));
  } else if (options.local) {
    // A plan file or a plan's name (in --plans), as in every command; the example plan by default.
    const planFile = resolvePlanFile(options.plan ?? join('plans', 'example.yml'), options.plans);
    const { runLocalReadiness } = await import('../../sim/readiness');
    results = [await runLocalReadiness({ planFile })];
  } else {
    results = await checkAgainstAws(resolvePlans(options), options, deps);
  }
  const { renderReadinessHtml } = await import('../../sim/readiness-html');
  await mkdir(options.out, { recursive: true });
  const html = join(options.out, results.length === 1 ? `readiness-${results[0]?.plan}.html` : 'readiness.html');
  await writeFile(html, renderReadinessHtml(results));
  if (options.json) {
    deps.io.out(JSON.stringify(results, null, 2));
  } else {
    for (const readiness of results) deps.io.out(formatReadiness(readiness).trimEnd());
    for (const run of runs) {
      deps.io.out(
        `Recorded: ${run.plan}'s readiness of ${run.at} is in the ledger, where a failover's Assess reads it${run.changed ? " (readiness changed: the plan's Slack channel hears it)" : ''}`,
      );
    }
    deps.io.out(`Report: ${html}`);
  }
  // On stderr, so that --json stays the readiness JSON alone.
  for (const line of failed) deps.io.err(`not recorded: ${line}`);
  return failed.length === 0 && results.every((readiness) => readiness.ready) ? 0 : 1;
};

/** Registers `switchback readiness`. */
export const registerReadiness = (program: Command, deps: CliDeps): void => {
  program
    .command('readiness')
    .description('would each plan recover within its budgets if its primary region died now? (--local: simulator)')
    .option('--plan <name|file>', 'a plan name (in --plans) or a plan file (default: every plan in --plans)')
    .option('--plans <dir>', 'the folder of the deployed plans', 'plans')
    .option(
      '--local',
      'check one plan against the simulated two-region AWS (no AWS account needed; default plans/example.yml)',
    )
    .option(
      '--record',
      "run the check in the deployed readiness function, which keeps it in the ledger as its schedule does (what a failover's Assess reads)",
    )
    .option('--json', 'print only the readiness JSON on stdout')
    .option('--out <dir>', 'folder for the HTML readiness report', 'drill-reports')
    .option('--region <region>', "Switchback's region, for its ledger (default: $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .option('--table <name>', 'ledger table (default: switchback-<stage>-ledger)')
    .option(
      '--function <name>',
      'the deployed readiness function, whose wiring and roles are checked (default: switchback-<stage>-readiness)',
    )
    .action(async (options: ReadinessCommandOptions) => {
      deps.setExitCode(await runReadinessCommand(options, deps));
    });
};
