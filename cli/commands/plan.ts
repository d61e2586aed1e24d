import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { auditPlan, type PlanAudit } from '../../shared/domain/live-path';
import { overlapIssues, type PlanEntry, rtoFloorIssues } from '../../shared/domain/plan-checks';
import { PlanValidationError } from '../../shared/errors';
import { planWarnings } from '../../shared/plan/advice';
import { loadPlanFile, PlanFileError, PlanRegistry } from '../../shared/plan/load';
import type { Plan } from '../../shared/plan/schema';
import type { CliDeps, CliIo } from '../context';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `orders (us-east-1 -> us-west-2), 2 databases, 2 records` */
export const describePlan = (plan: Plan): string => {
  const records = plan.dns.reduce((sum, zone) => sum + zone.records.length, 0);
  return (
    `${plan.app} (${plan.regions.primary} -> ${plan.regions.standby}), ` +
    `${plural(plan.databases.length, 'database')}, ${plural(records, 'record')}`
  );
};

/** Prints why `subject` is invalid; returns how many problems it listed (one per field named, at least one). */
const reportInvalid = (io: CliIo, subject: string, error: unknown): number => {
  if (error instanceof PlanValidationError) {
    io.err(`✗ ${subject}:`);
    for (const issue of error.issues) io.err(`  - ${issue.path || '(root)'}: ${issue.message}`);
    return Math.max(1, error.issues.length);
  }
  if (error instanceof PlanFileError) {
    io.err(`✗ ${error.message}`);
    return 1;
  }
  io.err(`✗ ${subject}: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
};

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The plan files named: a folder stands for its `*.yml`/`*.yaml` files, in name order. */
export const expandPlanPaths = (paths: readonly string[]): string[] =>
  paths.flatMap((path) =>
    isFolder(path)
      ? readdirSync(path)
          .filter((file) => ['.yml', '.yaml'].includes(extname(file)))
          .sort()
          .map((file) => join(path, file))
      : [path],
  );

/**
 * Validates plan files (or the plan files of a folder) one by one, then together: names and alarms unique across
 * the plans, no database, record (zone, name, type, set identifier) or alarm named twice, each RTO budget at least
 * the plan's fastest possible recovery. Prints a summary line per valid plan and every issue, with its field path
 * (and, for a conflict, both places).
 *
 * @returns the exit code: 0 when every plan is valid, 1 otherwise
 */
export const validatePlanFiles = (paths: readonly string[], io: CliIo): number => {
  const files = expandPlanPaths(paths);
  const plans: Plan[] = [];
  const entries: PlanEntry[] = [];
  let invalid = 0;
  for (const file of files) {
    try {
      const plan = loadPlanFile(file);
      plans.push(plan);
      entries.push({ source: file, plan });
      io.out(`✓ ${file}: ${describePlan(plan)}`);
      // Valid, but AWS cannot honour it: a warning, not a failure.
      for (const warning of planWarnings(plan)) io.err(`⚠ ${file}: ${warning.path}: ${warning.message}`);
    } catch (error) {
      invalid += reportInvalid(io, file, error);
    }
  }
  if (files.length === 0) {
    invalid += 1;
    io.err(`✗ ${paths.join(', ')}: no plan file (*.yml, *.yaml) found`);
  }
  const together = [...overlapIssues(entries), ...rtoFloorIssues(entries)];
  for (const issue of together) {
    invalid += 1;
    io.err(`✗ ${issue.source}:`);
    io.err(`  - ${issue.path}: ${issue.message}`);
  }
  // The registry's own checks (plan names, alarms) would repeat an alarm conflict reported above with both places.
  if (together.length === 0) {
    try {
      new PlanRegistry(plans);
    } catch (error) {
      invalid += reportInvalid(
        io,
        `plans together${error instanceof PlanValidationError ? ` (plan ${error.source})` : ''}`,
        error,
      );
    }
  }
  if (invalid > 0) io.err(`${plural(invalid, 'problem')} found; fix the fields named above.`);
  return invalid === 0 ? 0 : 1;
};

/** The audit as a table, then the findings, for people. */
const ROUTE53_REGION = 'us-east-1';

const printAudit = (audit: PlanAudit, io: CliIo): void => {
  io.out(
    `Plan ${audit.plan} (${audit.regions.primary} -> ${audit.regions.standby}), DNS switch ${audit.dnsSwitch}: ` +
      'every AWS call of a failover',
  );
  const rows = audit.calls.map((call) => [
    call.afterRecovery ? `${call.step} (after recovery)` : call.step,
    call.service,
    call.operation,
    call.region,
    call.plane,
    call.fallbacks?.length ? `${call.dependsOn} (or ${call.fallbacks.join(', ')})` : call.dependsOn,
  ]);
  const header = ['STEP', 'SERVICE', 'OPERATION', 'REGION', 'PLANE', 'DEPENDS ON'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    io.out(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`);
  }
  if (
    audit.calls.some((call) => call.afterRecovery && call.service === 'route53' && call.dependsOn === ROUTE53_REGION)
  ) {
    io.out(
      "  (after recovery) the fence's record edits and health-check updates go through Route 53's control plane in us-east-1: while it is down the fence retry makes them later; recovery does not wait on them",
    );
  }
  if (audit.calls.some((call) => call.afterRecovery && call.service === 'route53-recovery-cluster')) {
    io.out(
      "  (after recovery) the fence keeps the old region's routing control Off on the ARC cluster's regional endpoints (data plane): it needs neither the old region nor us-east-1",
    );
  }
  if (audit.findings.length === 0) {
    io.out(`✓ no call of the live path depends on ${audit.regions.primary} (the primary) or on us-east-1`);
    return;
  }
  io.err(`✗ ${plural(audit.findings.length, 'call')} of the live path depend on the primary region or on us-east-1:`);
  for (const finding of audit.findings) {
    io.err(`  - ${finding.why}`);
    io.err(`    alternative: ${finding.alternative}`);
  }
};

/**
 * Audits one plan's live failover path (see shared/domain/live-path.ts).
 *
 * @returns the exit code: 0 when no call depends on the primary region or us-east-1, 1 otherwise or when the
 *   plan is not valid
 */
export const auditPlanFile = (file: string, options: { json?: boolean }, io: CliIo): number => {
  let plan: Plan;
  try {
    plan = loadPlanFile(file);
  } catch (error) {
    reportInvalid(io, file, error);
    return 1;
  }
  const audit = auditPlan(plan);
  if (options.json) io.out(JSON.stringify({ ...audit, ok: audit.findings.length === 0 }, null, 2));
  else printAudit(audit, io);
  return audit.findings.length === 0 ? 0 : 1;
};

/** Registers `switchback plan validate <files...>` and `switchback plan audit <file>`. */
export const registerPlan = (program: Command, deps: Pick<CliDeps, 'io' | 'setExitCode'>): void => {
  const { io } = deps;
  const plan = program.command('plan').description('work with DR plans');
  plan
    .command('validate')
    .description(
      'check plan files against the plan schema, and together (no resource named twice); exit 0 only if all are valid',
    )
    .argument('<files...>', 'plan files (YAML) or folders of them, e.g. plans/ or plans/*.yml')
    .action((files: string[]) => {
      deps.setExitCode(validatePlanFiles(files, io));
    });
  plan
    .command('audit')
    .description(
      'list every AWS call of the failover per step (service, region, control or data plane, region depended on); ' +
        'exit 1 when one depends on the primary region or us-east-1',
    )
    .argument('<file>', 'a plan file (YAML), e.g. plans/example.yml')
    .option('--json', 'print the audit as JSON')
    .action((file: string, options: { json?: boolean }) => {
      deps.setExitCode(auditPlanFile(file, options, io));
    });
};
