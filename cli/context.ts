import type { ReadinessRunSummary } from '../shared/aws/readiness-function';
import type { IdentityPort, LedgerPort, WorkflowPort } from '../shared/domain/ports';
import type { Clock } from '../shared/runtime/clock';
import type { CheckReadinessDeps } from '../shared/usecases/check-readiness';

/**
 * What the `switchback` commands touch, passed in so that each command can be tested with fakes and so that a
 * command that needs no AWS (`plan validate`) never builds a client.
 */

/** Where the CLI writes: results to `out`, problems to `err`. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The deployment a command talks to: its region, ledger table and failover state machine. */
export interface AwsTarget {
  region: string;
  tableName: string;
  stateMachineArn?: string;
}

/** The CLI's own environment, read once by cli/program.ts (`main`). */
export interface CliEnv {
  /** Default for `--state-machine-arn`. */
  stateMachineArn?: string;
  /** Default for `--region` (AWS_REGION, else AWS_DEFAULT_REGION). */
  region?: string;
  /** Who runs the command, for `requestedBy` and approvals (the OS user). */
  user: string;
}

export interface CliDeps {
  io: CliIo;
  /** What `io.out` writes to, for output that redraws itself on a terminal (a drill's progress). */
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: CliEnv;
  clock: Clock;
  /**
   * The ports to the deployment, built when a command first needs one: only the commands that call AWS load the AWS
   * SDK (cli/program.ts), so that `plan validate`, `drill` and `--help` start without it.
   */
  ledger(target: AwsTarget): Promise<LedgerPort>;
  workflow(target: AwsTarget): Promise<WorkflowPort>;
  /** Who the caller's AWS credentials belong to (STS), for approvals. */
  identity(target: AwsTarget): Promise<IdentityPort>;
  /**
   * The readings readiness takes, the scheduled function's own (the plans' resources in their regions, the alarms,
   * the ledger's history, and the wiring and roles that `functionName`, the deployed readiness function, is given).
   */
  readiness(target: AwsTarget, functionName: string): Promise<Omit<CheckReadinessDeps, 'plans' | 'clock' | 'log'>>;
  /**
   * The deployed readiness function `functionName`, which runs a plan's readiness as its schedule does and keeps it
   * in the ledger (`switchback readiness --record`).
   */
  readinessFunction(target: AwsTarget, functionName: string): Promise<ReadinessFunctionPort>;
  /** Records the command's exit code (`main` in cli/program.ts returns it). */
  setExitCode(code: number): void;
}

/** Runs a plan's readiness in the deployed readiness function (shared/aws/readiness-function.ts). */
export interface ReadinessFunctionPort {
  run(plan: string): Promise<ReadinessRunSummary>;
}

/** A mistake in how the command was called (a missing or malformed option): exit code 2, like commander's. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options shared by the commands that reach the deployment. */
export interface TargetOptions {
  region?: string;
  stage: string;
  table?: string;
  stateMachineArn?: string;
}

/** The region named in an ARN (`arn:aws:states:us-west-2:…`), if it is one. */
export const regionOfArn = (arn: string | undefined): string | undefined => arn?.split(':')[3] || undefined;

/**
 * Resolves the deployment from the options, the environment and the ARN. The region matters: Switchback runs in
 * the plans' standby region, and a task token can only be answered in the region of its state machine.
 */
export const resolveTarget = (options: TargetOptions, env: CliEnv): AwsTarget => {
  const stateMachineArn = options.stateMachineArn ?? env.stateMachineArn;
  const region = options.region ?? regionOfArn(stateMachineArn) ?? env.region;
  if (!region) {
    throw new UsageError(
      'no AWS region: give --region <region> (where Switchback is deployed: the standby region) or set AWS_REGION',
    );
  }
  return {
    region,
    // The table serverless.yml creates: `${self:service}-${sls:stage}-ledger`.
    tableName: options.table ?? `switchback-${options.stage}-ledger`,
    ...(stateMachineArn ? { stateMachineArn } : {}),
  };
};
