import type { Command } from 'commander';
import { answerApproval as sendAnswer } from '../../shared/usecases/answer-approval';
import { type CliDeps, resolveTarget, type TargetOptions } from '../context';

export interface ApprovalOptions extends TargetOptions {
  comment?: string;
  by?: string;
}

/**
 * Answers a failover that waits for approval: finds the task token the paused run left in the ledger and sends
 * the answer to Step Functions, recording the caller's IAM identity (STS GetCallerIdentity) as who answered;
 * `--by` is only a display name beside it.
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
  const sent = await sendAnswer(
    {
      incidentId,
      approved,
      ...(options.by ? { displayName: options.by } : {}),
      ...(options.comment ? { comment: options.comment } : {}),
    },
    { ledger: await deps.ledger(target), workflow: await deps.workflow(target), identity: await deps.identity(target) },
  );
  const as = sent.displayName ? ` (as ${sent.displayName})` : '';
  deps.io.out(
    `✓ ${approved ? 'approved' : 'denied'}: failover of ${sent.plan} (incident ${incidentId}) by ${sent.by}${as}`,
  );
  return 0;
};

const register = (program: Command, deps: CliDeps, name: 'approve' | 'deny'): void => {
  program
    .command(name)
    .description(
      `${name} a failover that waits for approval (in AWS: reads the ledger, calls STS GetCallerIdentity and ` +
        'Step Functions SendTaskSuccess; your IAM identity is recorded as who answered)',
    )
    .argument('<incidentId>', 'the incident id (the execution name), as shown in Slack or `switchback history`')
    .option('--comment <text>', 'why: goes into the record')
    .option('--by <name>', 'a display name kept beside your IAM identity, which is what the record names as approver')
    .option('--region <region>', "Switchback's region (default: $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .option('--table <name>', 'ledger table (default: switchback-<stage>-ledger)')
    .action(async (incidentId: string, options: ApprovalOptions) => {
      deps.setExitCode(await answerApproval(incidentId, name === 'approve', options, deps));
    });
};

/** Registers `switchback approve` and `switchback deny`. */
export const registerApprove = (program: Command, deps: CliDeps): void => {
  register(program, deps, 'approve');
  register(program, deps, 'deny');
};
