import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatus, WorkflowPort } from '../domain/ports';
import { ApprovalNotPendingError, ConfigError } from '../errors';
import { type Clock, systemClock } from '../runtime/clock';
import { config } from '../runtime/config';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { sfnClient } from './sdk/sfn';

/** What Step Functions answers when a task token no longer waits for an answer. */
const NOT_PENDING_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/**
 * The ARN of a named execution of a state machine: `arn:…:stateMachine:<machine>` becomes
 * `arn:…:execution:<machine>:<name>`.
 */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * The executions of any state machine, read by ARN (DescribeExecution): what a function needs that only reads a run's
 * status (a lock holder's, a failed run's) and starts or answers nothing.
 */
export class StepFunctionsExecutions implements Pick<WorkflowPort, 'getExecutionStatus'> {
  readonly #client: SFNClient;

  constructor(options: { client?: SFNClient } = {}) {
    this.#client = options.client ?? sfnClient();
  }

  /** The execution's status (DescribeExecution); undefined when it does not exist. */
  async getExecutionStatus(executionArn: string): Promise<ExecutionStatus | undefined> {
    let result: DescribeExecutionCommandOutput;
    try {
      result = await this.#client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (awsErrorName(error) === 'ExecutionDoesNotExist') return undefined;
      throw toSwitchbackError('sfn', 'DescribeExecution', error);
    }
    const status: ExecutionStatus = {
      executionArn: result.executionArn ?? executionArn,
      status: String(result.status),
    };
    if (result.name) status.name = result.name;
    if (result.startDate) status.startedAt = result.startDate.toISOString();
    if (result.stopDate) status.stoppedAt = result.stopDate.toISOString();
    if (result.output) status.output = parseOutput(result.output);
    if (result.error) status.error = result.error;
    if (result.cause) status.cause = result.cause;
    if (result.redriveCount !== undefined) status.redriveCount = result.redriveCount;
    if (result.input) status.input = result.input;
    if (result.redriveStatus) status.redriveStatus = result.redriveStatus;
    if (result.redriveStatusReason) status.redriveStatusReason = result.redriveStatusReason;
    return status;
  }
}

/** The failover state machine on Step Functions: start runs, answer approvals, read a run's status. */
export class StepFunctionsWorkflow implements WorkflowPort {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;
  readonly #clock: Clock;
  readonly #executions: StepFunctionsExecutions;

  constructor(options: { client?: SFNClient; stateMachineArn?: string; clock?: Clock } = {}) {
    this.#client = options.client ?? sfnClient();
    this.#stateMachineArn = options.stateMachineArn ?? config().FAILOVER_STATE_MACHINE_ARN;
    this.#clock = options.clock ?? systemClock;
    this.#executions = new StepFunctionsExecutions({ client: this.#client });
  }

  /**
   * Starts the failover state machine with a deterministic execution name (the incident id). An execution of
   * that name that already exists is the same incident delivered twice, not an error: Standard executions are
   * unique by name for 90 days (aws-facts.md: Step Functions Developer Guide).
   *
   * @throws ConfigError when FAILOVER_STATE_MACHINE_ARN is not set
   */
  async startFailover(name: string, input: object): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    const stateMachineArn = this.#requireStateMachineArn();
    try {
      const result = await this.#client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: result.executionArn ?? executionArnOf(stateMachineArn, name), alreadyStarted: false };
    } catch (error) {
      if (awsErrorName(error) === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnOf(stateMachineArn, name), alreadyStarted: true };
      }
      throw toSwitchbackError('sfn', 'StartExecution', error);
    }
  }

  /**
   * Answers a paused "Request Approval" task (SendTaskSuccess); the state machine's "Approved?" choice reads
   * `approved`. `incidentId` only names the run in the error.
   *
   * @throws ApprovalNotPendingError when the task timed out, was already answered, or the token is not valid
   */
  async sendApproval(
    taskToken: string,
    answer: { approved: boolean; by: string; displayName?: string; comment?: string },
    incidentId?: string,
  ): Promise<void> {
    const output = {
      approved: answer.approved,
      by: answer.by,
      displayName: answer.displayName,
      comment: answer.comment,
      answeredAt: this.#clock.now().toISOString(),
    };
    try {
      await this.#client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    } catch (error) {
      if (NOT_PENDING_ERRORS.includes(awsErrorName(error))) {
        throw new ApprovalNotPendingError(incidentId ? `incident ${incidentId}` : 'this task token', error);
      }
      throw toSwitchbackError('sfn', 'SendTaskSuccess', error);
    }
  }

  /** The execution's status (DescribeExecution); undefined when it does not exist. */
  getExecutionStatus(executionArn: string): Promise<ExecutionStatus | undefined> {
    return this.#executions.getExecutionStatus(executionArn);
  }

  #requireStateMachineArn(): string {
    if (!this.#stateMachineArn) {
      throw new ConfigError(
        'FAILOVER_STATE_MACHINE_ARN is not set: set it to the failover state machine ARN (serverless.yml sets it ' +
          'on the functions that start runs).',
      );
    }
    return this.#stateMachineArn;
  }
}

const parseOutput = (output: string): unknown => {
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
};

/** One StepFunctionsWorkflow per runbook the game day starts as a leg, on the deployment's state machines. */
export const legWorkflows = (arns: Record<'failover' | 'fence' | 'reprotect' | 'failback', string>) => ({
  failover: new StepFunctionsWorkflow({ stateMachineArn: arns.failover }),
  fence: new StepFunctionsWorkflow({ stateMachineArn: arns.fence }),
  reprotect: new StepFunctionsWorkflow({ stateMachineArn: arns.reprotect }),
  failback: new StepFunctionsWorkflow({ stateMachineArn: arns.failback }),
});
