import type { PreflightFinding } from './preflight';

/**
 * Switchback's own wiring, as readiness checks it: the EventBridge rules it deploys are enabled (a disabled alarm
 * rule means no failover starts), its state machines exist, its EventBridge Scheduler schedules (each plan's
 * readiness and restore test) are enabled and target what they should, and its dead-letter queue is empty (a message
 * there is an alarm, a schedule or a notification that was never handled). Pure: the readiness use case gathers the
 * readings.
 */

/** A check readiness could not make (the service did not answer): not a pass, and it says which call failed. */
export const COULD_NOT_CHECK = 'could-not-check';

export type WiringCheck =
  | 'rule-enabled'
  | 'state-machine-present'
  | 'schedule-enabled'
  | 'dead-letter-queue-empty'
  | typeof COULD_NOT_CHECK;

export interface WiringFinding extends Omit<PreflightFinding, 'check'> {
  check: WiringCheck;
}

/** The wiring a deployment has: the names the readiness function is given (serverless.yml, its environment). */
export interface WiringTargets {
  /** EventBridge rules, each `name` (default bus) or `bus|name` (the form CloudFormation's Ref gives). */
  rules: readonly string[];
  stateMachineArns: readonly string[];
  deadLetterQueueUrls: readonly string[];
  /** EventBridge Scheduler schedules (group `default`) and the ARN each must target. */
  schedules: readonly ScheduleTarget[];
}

export interface ScheduleTarget {
  name: string;
  targetArn: string;
}

/** `name=targetArn` pairs, as the readiness function's WIRING_SCHEDULES gives them (serverless.yml). */
export const parseScheduleTargets = (pairs: readonly string[]): ScheduleTarget[] =>
  pairs.flatMap((pair) => {
    const separator = pair.indexOf('=');
    return separator > 0 ? [{ name: pair.slice(0, separator), targetArn: pair.slice(separator + 1) }] : [];
  });

/** A reading: what the service said, or the error that kept it from saying (`error`: could not check). */
export type Reading<T> = { found: T } | { missing: true } | { error: string };

export interface WiringReadings {
  rules: { rule: string; reading: Reading<{ state: string }> }[];
  stateMachines: { arn: string; reading: Reading<{ status: string }> }[];
  queues: { url: string; reading: Reading<{ messages: number }> }[];
  schedules: { schedule: ScheduleTarget; reading: Reading<{ state: string; targetArn: string }> }[];
}

/** `bus|name` or `name` (the default bus), as CloudFormation's Ref of an AWS::Events::Rule gives it. */
export const parseRuleTarget = (rule: string): { eventBusName: string; name: string } => {
  const separator = rule.indexOf('|');
  return separator < 0
    ? { eventBusName: 'default', name: rule }
    : { eventBusName: rule.slice(0, separator), name: rule.slice(separator + 1) };
};

/**
 * The finding for a read that failed: it names the resource, the call and the error, and it is never a pass (a
 * plan with one is not ready). Every readiness reading that can fail ends here, so one rule holds for all.
 */
export const couldNotCheck = (
  resource: string,
  call: string,
  error: string,
): { check: typeof COULD_NOT_CHECK; resource: string; expected: string; found: string; fix: string } => ({
  check: COULD_NOT_CHECK,
  resource,
  expected: `an answer to ${call}`,
  found: error,
  fix: `check that the readiness role may call ${call} and that the service answers (the error says which); the next run checks again`,
});

/** One finding per rule not enabled, state machine absent or not active, queue with messages, or reading that failed. */
export const wiringChecks = (readings: WiringReadings): WiringFinding[] => {
  const findings: WiringFinding[] = [];
  for (const { rule, reading } of readings.rules) {
    const { eventBusName, name } = parseRuleTarget(rule);
    const resource = `events:rule/${eventBusName}/${name}`;
    if ('error' in reading) findings.push(couldNotCheck(resource, 'events:DescribeRule', reading.error));
    else if ('missing' in reading || reading.found.state !== 'ENABLED') {
      findings.push({
        check: 'rule-enabled',
        resource,
        expected: 'the rule Switchback deployed, ENABLED',
        found: 'missing' in reading ? 'no such rule' : `state ${reading.found.state}`,
        fix:
          'missing' in reading
            ? 'deploy the stack again (npx serverless deploy): it creates the rule'
            : `enable it: aws events enable-rule --name ${name}${eventBusName === 'default' ? '' : ` --event-bus-name ${eventBusName}`}`,
      });
    }
  }
  for (const { arn, reading } of readings.stateMachines) {
    const resource = `states:${arn}`;
    if ('error' in reading) findings.push(couldNotCheck(resource, 'states:DescribeStateMachine', reading.error));
    else if ('missing' in reading || reading.found.status !== 'ACTIVE') {
      findings.push({
        check: 'state-machine-present',
        resource,
        expected: 'the state machine Switchback deployed, ACTIVE',
        found: 'missing' in reading ? 'no such state machine' : `status ${reading.found.status}`,
        fix: 'deploy the stack again (npx serverless deploy): it creates the state machine',
      });
    }
  }
  for (const { schedule, reading } of readings.schedules) {
    const resource = `scheduler:schedule/default/${schedule.name}`;
    if ('error' in reading) {
      findings.push(couldNotCheck(resource, 'scheduler:GetSchedule', reading.error));
      continue;
    }
    const problems =
      'missing' in reading
        ? ['no such schedule']
        : [
            ...(reading.found.state === 'ENABLED' ? [] : [`state ${reading.found.state}`]),
            ...(reading.found.targetArn === schedule.targetArn ? [] : [`target ${reading.found.targetArn}`]),
          ];
    if (problems.length === 0) continue;
    findings.push({
      check: 'schedule-enabled',
      resource,
      expected: `the schedule Switchback deployed, ENABLED, targeting ${schedule.targetArn}`,
      found: problems.join(', '),
      fix:
        'missing' in reading || reading.found.targetArn !== schedule.targetArn
          ? 'deploy the stack again (npx serverless deploy): it creates the schedule with its target'
          : 'enable it (EventBridge Scheduler console, or deploy the stack again: the template sets State ENABLED)',
    });
  }
  for (const { url, reading } of readings.queues) {
    const resource = `sqs:${url}`;
    if ('error' in reading) findings.push(couldNotCheck(resource, 'sqs:GetQueueAttributes', reading.error));
    else if ('missing' in reading || reading.found.messages > 0) {
      findings.push({
        check: 'dead-letter-queue-empty',
        resource,
        expected: 'an empty dead-letter queue',
        found: 'missing' in reading ? 'no such queue' : `about ${reading.found.messages} message(s) waiting`,
        fix:
          'missing' in reading
            ? 'deploy the stack again (npx serverless deploy): it creates the queue'
            : 'read them (aws sqs receive-message): each is an alarm, schedule or notification never handled; act on it, then purge the queue',
      });
    }
  }
  return findings;
};
