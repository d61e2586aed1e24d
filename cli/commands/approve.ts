import type { Command } from 'commander';
import { ApprovalNotPendingError } from '../../shared/errors';
import { type CliDeps, resolveTarget, type TargetOptions } from '../context';

export interface ApprovalOptions extends TargetOptions {
  comment?: string;
  by?: string;
}

/**
 * Answers a failover that waits for approval: finds the task token the paused run left in the ledger and sends
 * the answer to Step Functions.
 *
 * @returns the exit code
 */
export const answerApproval = async (
  incidentId: string,
  approved: boolean,
  options: ApprovalOptions,
  deps: CliDeps,
): Promise<number> => {
  const target = resolveTarget(options, deps.env);
  const pending = await deps.ledger(target).getApprovalToken(incidentId);
  if (!pending) throw new ApprovalNotPendingError(`incident ${incidentId}`);
  const by = options.by ?? deps.env.user;
  await deps
    .workflow(target)
    .sendApproval(
      pending.taskToken,
      { approved, by, ...(options.comment ? { comment: options.comment } : {}) },
      incidentId,
    );
  deps.io.out(`✓ ${approved ? 'approved' : 'denied'}: failover of ${pending.plan} (incident ${incidentId}) by ${by}`);
  return 0;
};

const register = (program: Command, deps: CliDeps, name: 'approve' | 'deny'): void => {
  program
    .command(name)
    .description(`${name} a failover that waits for approval`)
    .argument('<incidentId>', 'the incident id (the execution name), as shown in Slack or `switchback history`')
    .option('--comment <text>', 'why: goes into the record')
    .option('--by <who>', 'who answers (default: the OS user)')
    .option('--region <region>', "Switchback's region (default: $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .option('--table <name>', 'ledger table (default: switchback-<stage>-ledger)')
    .action(async (incidentId: string, options: ApprovalOptions) => {
      process.exitCode = await answerApproval(incidentId, name === 'approve', options, deps);
    });
};

/** Registers `switchback approve` and `switchback deny`. */
export const registerApprove = (program: Command, deps: CliDeps): void => {
  register(program, deps, 'approve');
  register(program, deps, 'deny');
};
