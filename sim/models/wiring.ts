import type { WiringTargets } from '../../shared/domain/wiring';
import { parseRuleTarget } from '../../shared/domain/wiring';
import { awsError } from '../errors';

/**
 * Switchback's own wiring in the simulated standby region, as readiness reads it: the EventBridge rules the stack
 * deploys (DescribeRule), its state machines (DescribeStateMachine) and its dead-letter queue
 * (GetQueueAttributes ApproximateNumberOfMessages). Each is regional, as in AWS: asked in another region, it does
 * not exist there. Drift turns a rule off, removes a state machine or leaves messages in the queue.
 */

/** How the drill's deployment is named (the drill's state machines are `switchback-drill-<runbook>`). */
const PREFIX = 'switchback-drill';

/** The wiring of the drill's deployment in `region`: the names the readiness function is given. */
export const simWiringTargets = (region: string, account: string): WiringTargets => ({
  rules: [`${PREFIX}-on-health-alarm-rule-1`, `${PREFIX}-on-run-failed-rule-1`, `${PREFIX}|${PREFIX}-notify-rule-1`],
  stateMachineArns: ['failover', 'fence', 'reprotect', 'failback', 'restore-test'].map(
    (runbook) => `arn:aws:states:${region}:${account}:stateMachine:${PREFIX}-${runbook}`,
  ),
  deadLetterQueueUrls: [`https://sqs.${region}.amazonaws.com/${account}/${PREFIX}-dlq`],
});

/** The readiness function's environment for `targets`, as serverless.yml writes it (shared/runtime/config.ts). */
export const wiringEnvironment = (targets: WiringTargets): Record<string, string> => ({
  WIRING_RULES: targets.rules.join(','),
  WIRING_STATE_MACHINE_ARNS: targets.stateMachineArns.join(','),
  WIRING_DEAD_LETTER_QUEUE_URLS: targets.deadLetterQueueUrls.join(','),
});

/** Drift of the wiring: the first rule DISABLED, the first state machine deleted, messages left in the DLQ. */
export interface WiringDrift {
  ruleDisabled?: boolean;
  stateMachineMissing?: boolean;
  deadLetters?: number;
}

export class WiringModel {
  readonly #region: string;
  readonly #account: string;
  readonly #rules = new Map<string, string>();
  readonly #stateMachines = new Set<string>();
  readonly #queues = new Map<string, number>();

  constructor(region: string, account: string, drift: WiringDrift = {}) {
    this.#region = region;
    this.#account = account;
    const targets = simWiringTargets(region, account);
    targets.rules.forEach((rule, index) => {
      const { eventBusName, name } = parseRuleTarget(rule);
      this.#rules.set(`${eventBusName}|${name}`, drift.ruleDisabled && index === 0 ? 'DISABLED' : 'ENABLED');
    });
    targets.stateMachineArns.forEach((arn, index) => {
      if (!(drift.stateMachineMissing && index === 0)) this.#stateMachines.add(arn);
    });
    for (const url of targets.deadLetterQueueUrls) this.#queues.set(url, drift.deadLetters ?? 0);
  }

  /** EventBridge DescribeRule: a rule of this region's bus (`default` unless named). */
  describeRule(region: string, name: string, eventBusName = 'default') {
    const state = region === this.#region ? this.#rules.get(`${eventBusName}|${name}`) : undefined;
    if (state === undefined) {
      throw awsError('EventBridgeClient', {
        code: 'ResourceNotFoundException',
        message: `Rule ${name} does not exist on EventBus ${eventBusName}.`,
      });
    }
    const busPart = eventBusName === 'default' ? '' : `${eventBusName}/`;
    return {
      Name: name,
      Arn: `arn:aws:events:${region}:${this.#account}:rule/${busPart}${name}`,
      State: state,
      EventBusName: eventBusName,
    };
  }

  /** Step Functions DescribeStateMachine: ACTIVE when it exists in the region its ARN names. */
  describeStateMachine(region: string, arn: string) {
    if (!arn.startsWith(`arn:aws:states:${region}:`) || !this.#stateMachines.has(arn)) {
      throw awsError('SFNClient', {
        code: 'StateMachineDoesNotExist',
        message: `State Machine Does Not Exist: '${arn}'`,
      });
    }
    return { stateMachineArn: arn, name: arn.split(':').at(-1), status: 'ACTIVE', type: 'STANDARD' };
  }

  /** SQS GetQueueAttributes: the queue's approximate depth, as a string like SQS sends it. */
  getQueueAttributes(region: string, url: string, attributeNames: readonly string[] = []) {
    const depth = url.startsWith(`https://sqs.${region}.`) ? this.#queues.get(url) : undefined;
    if (depth === undefined) {
      throw awsError('SQSClient', { code: 'QueueDoesNotExist', message: 'The specified queue does not exist.' });
    }
    const wanted = attributeNames.includes('All') || attributeNames.includes('ApproximateNumberOfMessages');
    return { Attributes: wanted ? { ApproximateNumberOfMessages: String(depth) } : {} };
  }
}
