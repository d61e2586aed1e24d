import { DescribeRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseRuleTarget, type Reading } from '../domain/wiring';
import { awsErrorName } from './aws-errors';
import { eventbridgeClient } from './sdk/eventbridge';
import { schedulerClient } from './sdk/scheduler';
import { sfnClient } from './sdk/sfn';
import { sqsClient } from './sdk/sqs';

/** The error names each service answers for "no such resource" (the SDK's modelled exceptions). */
const NOT_FOUND = new Set(['ResourceNotFoundException', 'StateMachineDoesNotExist', 'QueueDoesNotExist']);

const read = async <T>(call: () => Promise<T | undefined>): Promise<Reading<T>> => {
  try {
    const found = await call();
    return found === undefined ? { missing: true } : { found };
  } catch (error) {
    const name = awsErrorName(error);
    if (NOT_FOUND.has(name)) return { missing: true };
    return { error: `${name}: ${error instanceof Error ? error.message : String(error)}` };
  }
};

/**
 * Switchback's own wiring as readiness reads it, in the deployment's region: an EventBridge rule's state, a state
 * machine's status, the dead-letter queue's depth. Each read answers found, missing, or the error that kept it
 * from answering (a "could not check" finding, never a crash of the readiness run).
 */
export class SwitchbackWiring {
  readonly #events: () => EventBridgeClient;
  readonly #sfn: () => SFNClient;
  readonly #sqs: () => SQSClient;
  readonly #scheduler: () => SchedulerClient;

  /** @param options - the clients; default to the shared ones of the deployment's region. */
  constructor(
    options: {
      events?: () => EventBridgeClient;
      sfn?: () => SFNClient;
      sqs?: () => SQSClient;
      scheduler?: () => SchedulerClient;
    } = {},
  ) {
    this.#events = options.events ?? eventbridgeClient;
    this.#sfn = options.sfn ?? sfnClient;
    this.#sqs = options.sqs ?? sqsClient;
    this.#scheduler = options.scheduler ?? schedulerClient;
  }

  /** An EventBridge Scheduler schedule of the default group: its State and its target's ARN. */
  readSchedule(name: string): Promise<Reading<{ state: string; targetArn: string }>> {
    return read(async () => {
      const out = await this.#scheduler().send(new GetScheduleCommand({ Name: name }));
      return { state: out.State ?? 'UNKNOWN', targetArn: out.Target?.Arn ?? 'none' };
    });
  }

  /** A rule (`name` on the default bus, or `bus|name`): its State (ENABLED, DISABLED, ...). */
  readRule(rule: string): Promise<Reading<{ state: string }>> {
    const { eventBusName, name } = parseRuleTarget(rule);
    return read(async () => {
      const out = await this.#events().send(
        new DescribeRuleCommand({ Name: name, ...(eventBusName === 'default' ? {} : { EventBusName: eventBusName }) }),
      );
      return { state: out.State ?? 'UNKNOWN' };
    });
  }

  /** A state machine: its status (ACTIVE, DELETING). */
  readStateMachine(arn: string): Promise<Reading<{ status: string }>> {
    return read(async () => {
      const out = await this.#sfn().send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      return { status: out.status ?? 'UNKNOWN' };
    });
  }

  /** A queue's ApproximateNumberOfMessages (messages available to receive; SQS says it is approximate). */
  readQueue(url: string): Promise<Reading<{ messages: number }>> {
    return read(async () => {
      const out = await this.#sqs().send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      const messages = Number(out.Attributes?.ApproximateNumberOfMessages);
      if (!Number.isFinite(messages)) throw new Error('no ApproximateNumberOfMessages in the answer');
      return { messages };
    });
  }
}
