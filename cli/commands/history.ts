import type { Command } from 'commander';
import type { Budgeted, RunRecord } from '../../shared/domain/run';
import { type CliDeps, resolveTarget, type TargetOptions, UsageError } from '../context';
import { resolvePlanArg } from '../plan-arg';
import { table } from '../table';

/** DynamoDB returns at most 1 MB per query; 100 runs stay far below it and fit a terminal. */
const MAX_LIMIT = 100;

export interface HistoryOptions extends TargetOptions {
  plan: string;
  limit: string;
}

/** `45s`, `7m12s`, `1h02m` */
export const formatSeconds = (seconds: number): string => {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
};

/** `7m12s / 15m00s ✓`, or `-` when the run measured nothing (skipped, denied, failed early). */
export const formatBudgeted = (value: Budgeted | undefined): string =>
  value
    ? `${formatSeconds(value.actualSeconds)} / ${formatSeconds(value.budgetSeconds)} ${value.withinBudget ? '✓' : '✗ over'}`
    : '-';

/** A run's outcome; for a failed run, where it failed and, when recorded, how long that phase had run. */
const outcomeText = (record: RunRecord): string => {
  const { failure } = record;
  if (record.outcome !== 'failed' || !failure) return record.outcome;
  return `failed in ${failure.phase}${failure.seconds === undefined ? '' : ` after ${formatSeconds(failure.seconds)}`}`;
};

/** The history table: newest first, one row per run. */
export const formatHistory = (records: readonly RunRecord[]): string[] =>
  table([
    ['INCIDENT', 'MODE', 'OUTCOME', 'STARTED (UTC)', 'BY', 'RTO / BUDGET', 'RPO / BUDGET'],
    ...records.map((record) => [
      record.run.incidentId,
      record.run.mode,
      outcomeText(record),
      record.run.impactStartedAt.slice(0, 19).replace('T', ' '),
      record.run.requestedBy,
      formatBudgeted(record.rto),
      formatBudgeted(record.rpo),
    ]),
  ]);

const parseLimit = (text: string): number => {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit: expected a whole number from 1 to ${MAX_LIMIT}, got "${text}"`);
  }
  return limit;
};

/**
 * Prints a plan's runs from the ledger: incident, outcome, RTO and RPO against budget.
 *
 * @returns the exit code
 */
export const showHistory = async (options: HistoryOptions, deps: CliDeps): Promise<number> => {
  const limit = parseLimit(options.limit);
  const target = resolveTarget(options, deps.env);
  const records = await (await deps.ledger(target)).listRuns(options.plan, limit);
  if (records.length === 0) {
    deps.io.out(`No runs recorded for plan "${options.plan}" in ${target.tableName} (${target.region}).`);
    return 0;
  }
  for (const line of formatHistory(records)) deps.io.out(line);
  return 0;
};

/** Registers `switchback history`. */
export const registerHistory = (program: Command, deps: CliDeps): void => {
  program
    .command('history')
    .description("a plan's runs: incident, outcome, RTO and RPO against budget")
    .requiredOption(
      '--plan <file|name>',
      'the plan: a plan file, or a plan\'s name (its "app")',
      (value: string) => resolvePlanArg(value).app,
    )
    .option('--limit <n>', `how many runs, newest first (1-${MAX_LIMIT})`, '20')
    .option('--region <region>', "Switchback's region (default: $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .option('--table <name>', 'ledger table (default: switchback-<stage>-ledger)')
    .action(async (options: HistoryOptions) => {
      deps.setExitCode(await showHistory(options, deps));
    });
};
