import type { ScheduleTarget, WiringTargets } from '../../shared/domain/wiring';
import { parseRuleTarget } from '../../shared/domain/wiring';
import type { Plan } from '../../shared/plan/schema';
import { awsError } from '../errors';

/**
 * Switchback's own wiring in the simulated standby region, as readiness reads it: the EventBridge rules the stack
 * deploys (DescribeRule), its state machines (DescribeStateMachine), its EventBridge Scheduler schedules
 * (GetSchedule: each plan's readiness and restore test) and its dead-letter queue (GetQueueAttributes
 * ApproximateNumberOfMessages). Each is regional, as in AWS: asked in another region, it does not exist there.
 * Drift turns a rule or a schedule off, removes a state machine or leaves messages in the queue.
 */

/** How the drill's deployment is named (the drill's state machines are `switchback-drill-<runbook>`). */
const PREFIX = 'switchback-drill';

const stateMachineArn = (region: string, account: string, runbook: string) =>
  `arn:aws:states:${region}:${account}:stateMachine:${PREFIX}-${runbook}`;

/**
 * The schedules of the drill's deployment for `plans`, named and targeted as scripts/plan-resources.js names them:
 * per plan its readiness schedule (the readiness function), with backups.restoreTest its restore test, with
 * trigger.prober its prober; and the stack's fence retry.
 */
const simSchedules = (region: string, account: string, plans: readonly Plan[]): ScheduleTarget[] => {
  const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${PREFIX}-${name}`;
  return [
    ...plans.flatMap((plan) => [
      { name: `${PREFIX}-readiness-${plan.app}`, targetArn: functionArn('readiness') },
      ...(plan.backups.restoreTest
        ? [{ name: `${PREFIX}-restore-test-${plan.app}`, targetArn: stateMachineArn(region, account, 'restore-test') }]
        : []),
      ...(plan.trigger.prober
        ? [{ name: `${PREFIX}-prober-${plan.app}`, targetArn: functionArn('probe-primary') }]
        : []),
    ]),
    { name: `${PREFIX}-fence-retry`, targetArn: functionArn('start-fence') },
  ];
};

/** The wiring of the drill's deployment of `plans` in `region`: the names the readiness function is given. */
export const simWiringTargets = (region: string, account: string, plans: readonly Plan[] = []): WiringTargets => ({
  rules: [`${PREFIX}-on-health-alarm-rule-1`, `${PREFIX}-on-run-failed-rule-1`, `${PREFIX}|${PREFIX}-notify-rule-1`],
  stateMachineArns: ['failover', 'fence', 'reprotect', 'failback', 'game-day', 'restore-test'].map((runbook) =>
    stateMachineArn(region, account, runbook),
  ),
  deadLetterQueueUrls: [`https://sqs.${region}.amazonaws.com/${account}/${PREFIX}-dlq`],
  schedules: simSchedules(region, account, plans),
});

/** The readiness function's environment for `targets`, as serverless.yml writes it (shared/runtime/config.ts). */
export const wiringEnvironment = (targets: WiringTargets): Record<string, string> => ({
  WIRING_RULES: targets.rules.join(','),
  WIRING_STATE_MACHINE_ARNS: targets.stateMachineArns.join(','),
  WIRING_DEAD_LETTER_QUEUE_URLS: targets.deadLetterQueueUrls.join(','),
  WIRING_SCHEDULES: targets.schedules.map((schedule) => `${schedule.name}=${schedule.targetArn}`).join(','),
});

/**
 * Drift of the wiring: the first rule DISABLED, the first state machine deleted, messages left in the DLQ, the first
 * schedule DISABLED.
 */
export interface WiringDrift {
  ruleDisabled?: boolean;
  scheduleDisabled?: boolean;
  stateMachineMissing?: boolean;
  deadLetters?: number;
}

export class WiringModel {
  readonly #region: string;
  readonly #account: string;
  readonly #rules = new Map<string, string>();
  readonly #stateMachines = new Set<string>();
  readonly #queues = new Map<string, number>();
  readonly #schedules = new Map<string, { state: string; targetArn: string }>();

  constructor(region: string, account: string, drift: WiringDrift = {}, plans: readonly Plan[] = []) {
    this.#region = region;
    this.#account = account;
    const targets = simWiringTargets(region, account, plans);
    targets.schedules.forEach(({ name, targetArn }, index) => {
      this.#schedules.set(name, { state: drift.scheduleDisabled && index === 0 ? 'DISABLED' : 'ENABLED', targetArn });
    });
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

  /** EventBridge Scheduler GetSchedule: a schedule of this region (group `default`), its State and Target. */
  getSchedule(region: string, name: string, groupName = 'default') {
    const schedule = region === this.#region && groupName === 'default' ? this.#schedules.get(name) : undefined;
    if (!schedule) {
      throw awsError('SchedulerClient', {
        code: 'ResourceNotFoundException',
        message: `Schedule ${name} does not exist.`,
        status: 404,
      });
    }
    return {
      Name: name,
      GroupName: groupName,
      Arn: `arn:aws:scheduler:${region}:${this.#account}:schedule/${groupName}/${name}`,
      State: schedule.state,
      Target: { Arn: schedule.targetArn, RoleArn: `arn:aws:iam::${this.#account}:role/${PREFIX}-scheduler` },
    };
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
