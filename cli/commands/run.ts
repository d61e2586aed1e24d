import type { Command } from 'commander';
import { ACTIONS, type RunInput, runInputSchema } from '../../shared/domain/run';
import { InvalidRunInputError } from '../../shared/errors';
import { toFieldIssues } from '../../shared/plan/load';
import { type CliDeps, resolveTarget, type TargetOptions, UsageError } from '../context';
import { resolvePlanArg } from '../plan-arg';

/** Step Functions execution names (and incident ids) hold at most 80 characters. */
const MAX_NAME_LENGTH = 80;

/** The option that sets each field of the runbook input, so that an error names what the user typed. */
const FLAGS: Record<string, string> = {
  plan: '--plan',
  action: '--action',
  mode: '--mode',
  reason: '--reason',
  requestedBy: '--requested-by',
};

export interface RunOptions extends TargetOptions {
  plan: string;
  /** The runbook: failover (default), fence or reprotect; each is its own state machine. */
  action?: string;
  reason: string;
  mode: string;
  requestedBy?: string;
}

/** `2026-11-25T18:05:00.123Z` -> `20261125T180500Z` */
const compactUtc = (at: Date): string => `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/**
 * The incident id (and execution name) of a manual run: `<plan>-<mode>-<yyyymmddThhmmssZ>`. A run started twice
 * in the same second with the same input is the same execution (StartExecution is idempotent for a name and
 * input, aws-facts.md: Step Functions Developer Guide).
 */
export const manualIncidentId = (plan: string, mode: string, now: Date): string => {
  // Only letters, digits, "-" and "_" may appear: a bad --mode is reported as such, not as a bad incident id.
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');
  const suffix = `-${safe(mode)}-${compactUtc(now)}`;
  return `${safe(plan).slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
};

/**
 * Builds and validates the documented runbook input before anything calls AWS.
 * Throws InvalidRunInputError naming the option to fix.
 */
export const buildRunInput = (options: RunOptions, user: string, now: Date): RunInput => {
  const action = options.action ?? 'failover';
  // Another runbook's incident id names it too, so that it never equals a failover's started in the same second.
  const idMode = action === 'failover' ? (options.mode ?? '') : `${action}-${options.mode ?? ''}`;
  const candidate = {
    plan: options.plan,
    action,
    mode: options.mode,
    reason: options.reason,
    requestedBy: options.requestedBy ?? user,
    incidentId: manualIncidentId(options.plan ?? '', idMode, now),
    trigger: { type: 'manual' },
  };
  const result = runInputSchema.safeParse(candidate);
  if (!result.success) {
    throw new InvalidRunInputError(
      toFieldIssues(result.error, candidate).map((issue) => ({ ...issue, path: FLAGS[issue.path] ?? issue.path })),
    );
  }
  return result.data;
};

/**
 * The state machine of `action`: the one given with --state-machine-arn, else the deployment's, derived from the
 * failover state machine's ARN (serverless.yml names each `<service>-<stage>-<runbook>`).
 */
export const runbookArn = (action: string, given: string | undefined, failoverArn: string | undefined): string => {
  if (given) return given;
  if (!failoverArn) {
    throw new UsageError(
      'no state machine: give --state-machine-arn <arn> or set SWITCHBACK_STATE_MACHINE_ARN ' +
        '(the FailoverStateMachineArn output of the deployment)',
    );
  }
  if (action === 'failover') return failoverArn;
  if (!/-failover$/.test(failoverArn)) {
    throw new UsageError(
      `--action ${action}: give its state machine with --state-machine-arn (the ${action[0]?.toUpperCase()}${action.slice(1)}StateMachineArn output); ` +
        `SWITCHBACK_STATE_MACHINE_ARN (${failoverArn}) does not end in "-failover", so it cannot be derived`,
    );
  }
  return failoverArn.replace(/-failover$/, `-${action}`);
};

/**
 * Starts a runbook (failover by default, or --action fence / reprotect) by hand in AWS: a real failover (live or game-day) or a dry run.
 *
 * @returns the exit code
 */
export const startRun = async (options: RunOptions, deps: CliDeps): Promise<number> => {
  const input = buildRunInput(options, deps.env.user, deps.clock.now());
  const resolved = resolveTarget(options, deps.env);
  const target = {
    ...resolved,
    stateMachineArn: runbookArn(input.action, options.stateMachineArn, resolved.stateMachineArn),
  };
  const name = input.incidentId ?? manualIncidentId(input.plan, input.mode, deps.clock.now());
  const started = await (await deps.workflow(target)).startFailover(name, input);
  deps.io.out(
    `${started.alreadyStarted ? '= already running' : '✓ started'}: ${input.action} of ${input.plan} ` +
      `(mode ${input.mode}) as incident ${name}`,
  );
  deps.io.out(`  execution: ${started.executionArn}`);
  deps.io.out(
    `  console:   https://${target.region}.console.aws.amazon.com/states/home?region=${target.region}` +
      `#/v2/executions/details/${started.executionArn}`,
  );
  return 0;
};

/** Registers `switchback run`. */
export const registerRun = (program: Command, deps: CliDeps): void => {
  program
    .command('run')
    .description(
      'start the failover runbook in AWS, on the deployment named by --state-machine-arn: live and game-day ' +
        'promote databases and flip DNS in production; dry-run changes nothing and records what it would do. ' +
        '(A local simulation that touches no AWS account is `switchback drill`.)',
    )
    .requiredOption(
      '--plan <file|name>',
      'the plan: a plan file, or a plan\'s name (its "app")',
      (value: string) => resolvePlanArg(value).app,
    )
    .requiredOption('--reason <text>', 'why: goes into the record and the incident channel')
    .option(
      '--mode <mode>',
      'live (fail over now) | game-day (fail over now, recorded as a planned game day) | dry-run (no change)',
      'live',
    )
    .option(
      '--action <action>',
      `the runbook: ${ACTIONS.join(' | ')} (fence, reprotect and failback follow a failover; each has its own state machine)`,
      'failover',
    )
    .option('--requested-by <who>', 'who asks for this run (default: the OS user)')
    .option('--state-machine-arn <arn>', 'the failover state machine (default: $SWITCHBACK_STATE_MACHINE_ARN)')
    .option('--region <region>', "Switchback's region (default: the state machine's, then $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .action(async (options: RunOptions) => {
      deps.setExitCode(await startRun(options, deps));
    });
};
