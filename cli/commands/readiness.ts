import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { PlanReadiness } from '../../shared/domain/readiness';
import { UsageError } from '../context';

/**
 * `switchback readiness --local`: would this plan recover within its budgets if its primary region died now? Runs
 * the readiness check against the simulator (no AWS account needed) and prints per plan `ready`, the findings and
 * the projected RTO with its terms; writes an HTML readiness report beside the drill reports.
 */

export interface ReadinessCommandOptions {
  plan: string;
  json?: boolean;
  local?: boolean;
  out: string;
}

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
    lines.push(`  finding: ${finding.resource}: expected ${finding.expected}, found ${finding.found}`);
    lines.push(`    fix: ${finding.fix}`);
  }
  return `${lines.join('\n')}\n`;
};

/** Runs the command; returns the exit code: 0 when the plan is ready, 1 when it is not. */
export const runReadinessCommand = async (options: ReadinessCommandOptions): Promise<number> => {
  if (!options.local) {
    throw new UsageError(
      'only --local is available: switchback readiness --local [--plan FILE] checks a plan against the simulator',
    );
  }
  if (!existsSync(options.plan)) {
    throw new UsageError(`plan file ${options.plan} does not exist: give --plan <file> (default plans/example.yml)`);
  }
  const [{ runLocalReadiness }, { renderReadinessHtml }] = await Promise.all([
    import('../../sim/readiness'),
    import('../../sim/readiness-html'),
  ]);
  const readiness = await runLocalReadiness({ planFile: options.plan });
  await mkdir(options.out, { recursive: true });
  const html = join(options.out, `readiness-${readiness.plan}.html`);
  await writeFile(html, renderReadinessHtml([readiness]));
  if (options.json) {
    process.stdout.write(`${JSON.stringify([readiness], null, 2)}\n`);
  } else {
    process.stdout.write(formatReadiness(readiness));
    process.stdout.write(`Report: ${html}\n`);
  }
  return readiness.ready ? 0 : 1;
};

/** Registers `switchback readiness`. */
export const registerReadiness = (program: Command): void => {
  program.addCommand(
    new Command('readiness')
      .description('would each plan recover within its budgets if its primary region died now? (--local: simulator)')
      .option('--plan <file>', 'the DR plan to check', 'plans/example.yml')
      .option('--local', 'check against the simulated two-region AWS (no AWS account needed)')
      .option('--json', 'print only the readiness JSON on stdout')
      .option('--out <dir>', 'folder for the HTML readiness report', 'drill-reports')
      .action(async (options: ReadinessCommandOptions) => {
        process.exitCode = await runReadinessCommand(options);
      }),
  );
};
