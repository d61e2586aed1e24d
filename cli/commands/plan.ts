import type { Command } from 'commander';
import { PlanValidationError } from '../../shared/errors';
import { planWarnings } from '../../shared/plan/advice';
import { loadPlanFile, PlanFileError, PlanRegistry } from '../../shared/plan/load';
import type { Plan } from '../../shared/plan/schema';
import type { CliIo } from '../context';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `orders (us-east-1 -> us-west-2), 2 databases, 2 records` */
export const describePlan = (plan: Plan): string => {
  const records = plan.dns.reduce((sum, zone) => sum + zone.records.length, 0);
  return (
    `${plan.app} (${plan.regions.primary} -> ${plan.regions.standby}), ` +
    `${plural(plan.databases.length, 'database')}, ${plural(records, 'record')}`
  );
};

const reportInvalid = (io: CliIo, subject: string, error: unknown): void => {
  if (error instanceof PlanValidationError) {
    io.err(`✗ ${subject}:`);
    for (const issue of error.issues) io.err(`  - ${issue.path || '(root)'}: ${issue.message}`);
    return;
  }
  if (error instanceof PlanFileError) {
    io.err(`✗ ${error.message}`);
    return;
  }
  io.err(`✗ ${subject}: ${error instanceof Error ? error.message : String(error)}`);
};

/**
 * Validates plan files one by one, then together (names and alarms must be unique across the plans of one
 * deployment). Prints a summary line per valid plan and every issue, with its field path, per invalid one.
 *
 * @returns the exit code: 0 when every plan is valid, 1 otherwise
 */
export const validatePlanFiles = (files: readonly string[], io: CliIo): number => {
  const plans: Plan[] = [];
  let invalid = 0;
  for (const file of files) {
    try {
      const plan = loadPlanFile(file);
      plans.push(plan);
      io.out(`✓ ${file}: ${describePlan(plan)}`);
      // Valid, but AWS cannot honour it: a warning, not a failure.
      for (const warning of planWarnings(plan)) io.err(`⚠ ${file}: ${warning.path}: ${warning.message}`);
    } catch (error) {
      invalid += 1;
      reportInvalid(io, file, error);
    }
  }
  try {
    new PlanRegistry(plans);
  } catch (error) {
    invalid += 1;
    reportInvalid(io, `plans together${error instanceof PlanValidationError ? ` (plan ${error.source})` : ''}`, error);
  }
  if (invalid > 0) io.err(`${plural(invalid, 'problem')} found; fix the fields named above.`);
  return invalid === 0 ? 0 : 1;
};

/** Registers `switchback plan validate <files...>`. */
export const registerPlan = (program: Command, io: CliIo): void => {
  const plan = program.command('plan').description('work with DR plans');
  plan
    .command('validate')
    .description('check plan files against the plan schema; exit 0 only if all are valid')
    .argument('<files...>', 'plan files (YAML), e.g. plans/*.yml')
    .action((files: string[]) => {
      process.exitCode = validatePlanFiles(files, io);
    });
};
