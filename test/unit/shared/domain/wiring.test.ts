import {
  parseRuleTarget,
  parseScheduleTargets,
  type WiringReadings,
  wiringChecks,
} from '../../../../shared/domain/wiring';

const RULE = 'switchback-prod-on-health-alarm-rule-1';
const BUS_RULE = 'switchback-prod|switchback-prod-notify-rule-1';
const MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-prod-failover';
const QUEUE = 'https://sqs.us-west-2.amazonaws.com/123456789012/switchback-prod-dlq';
const READINESS_FUNCTION = 'arn:aws:lambda:us-west-2:123456789012:function:switchback-prod-readiness';
const SCHEDULE = { name: 'switchback-prod-readiness-orders', targetArn: READINESS_FUNCTION };
const RESTORE_SCHEDULE = {
  name: 'switchback-prod-restore-test-orders',
  targetArn: 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-prod-restore-test',
};

const healthy = (): WiringReadings => ({
  rules: [
    { rule: RULE, reading: { found: { state: 'ENABLED' } } },
    { rule: BUS_RULE, reading: { found: { state: 'ENABLED' } } },
  ],
  stateMachines: [{ arn: MACHINE, reading: { found: { status: 'ACTIVE' } } }],
  queues: [{ url: QUEUE, reading: { found: { messages: 0 } } }],
  schedules: [
    { schedule: SCHEDULE, reading: { found: { state: 'ENABLED', targetArn: SCHEDULE.targetArn } } },
    { schedule: RESTORE_SCHEDULE, reading: { found: { state: 'ENABLED', targetArn: RESTORE_SCHEDULE.targetArn } } },
  ],
});

describe('parseScheduleTargets', () => {
  it('reads `name=targetArn` pairs, as the readiness function is given them', () => {
    expect(parseScheduleTargets([`${SCHEDULE.name}=${SCHEDULE.targetArn}`, 'no-target'])).toEqual([SCHEDULE]);
  });
});

describe('parseRuleTarget', () => {
  it('reads `bus|name` as CloudFormation gives a custom bus rule, and a bare name as the default bus', () => {
    expect(parseRuleTarget(BUS_RULE)).toEqual({
      eventBusName: 'switchback-prod',
      name: 'switchback-prod-notify-rule-1',
    });
    expect(parseRuleTarget(RULE)).toEqual({ eventBusName: 'default', name: RULE });
  });
});

describe('wiringChecks: schedules', () => {
  it('names a disabled schedule, one that targets something else, and a missing one, each with its fix', () => {
    // Prepare
    const readings = healthy();
    readings.schedules = [
      { schedule: SCHEDULE, reading: { found: { state: 'DISABLED', targetArn: SCHEDULE.targetArn } } },
      { schedule: RESTORE_SCHEDULE, reading: { found: { state: 'ENABLED', targetArn: READINESS_FUNCTION } } },
      {
        schedule: { name: 'switchback-prod-readiness-billing', targetArn: READINESS_FUNCTION },
        reading: { missing: true },
      },
    ];

    // Act
    const findings = wiringChecks(readings);

    // Assess
    expect(findings.map((finding) => [finding.check, finding.resource, finding.found])).toEqual([
      ['schedule-enabled', 'scheduler:schedule/default/switchback-prod-readiness-orders', 'state DISABLED'],
      [
        'schedule-enabled',
        'scheduler:schedule/default/switchback-prod-restore-test-orders',
        `target ${READINESS_FUNCTION}`,
      ],
      ['schedule-enabled', 'scheduler:schedule/default/switchback-prod-readiness-billing', 'no such schedule'],
    ]);
    expect(findings[0]?.expected).toBe(`the schedule Switchback deployed, ENABLED, targeting ${READINESS_FUNCTION}`);
    expect(findings[0]?.fix).toMatch(/^enable it/);
    expect(findings[1]?.fix).toMatch(/^deploy the stack again/);
    expect(findings[2]?.fix).toMatch(/^deploy the stack again/);
  });

  it("is 'could not check' when Scheduler does not answer, naming the schedule and the error", () => {
    // Prepare
    const readings = healthy();
    readings.schedules = [{ schedule: SCHEDULE, reading: { error: 'ThrottlingException: Rate exceeded' } }];

    // Act
    const findings = wiringChecks(readings);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'scheduler:schedule/default/switchback-prod-readiness-orders',
        expected: 'an answer to scheduler:GetSchedule',
        found: 'ThrottlingException: Rate exceeded',
      }),
    ]);
  });
});

describe('wiringChecks', () => {
  it('finds nothing when every rule is enabled, every state machine active and the queue empty', () => {
    expect(wiringChecks(healthy())).toEqual([]);
  });

  it('names a disabled rule with the command that enables it, and a missing one with the redeploy', () => {
    // Prepare
    const readings = healthy();
    readings.rules = [
      { rule: RULE, reading: { found: { state: 'DISABLED' } } },
      { rule: BUS_RULE, reading: { missing: true } },
    ];

    // Act
    const findings = wiringChecks(readings);

    // Assess
    expect(findings).toEqual([
      {
        check: 'rule-enabled',
        resource: `events:rule/default/${RULE}`,
        expected: 'the rule Switchback deployed, ENABLED',
        found: 'state DISABLED',
        fix: `enable it: aws events enable-rule --name ${RULE}`,
      },
      expect.objectContaining({
        check: 'rule-enabled',
        resource: 'events:rule/switchback-prod/switchback-prod-notify-rule-1',
        found: 'no such rule',
        fix: expect.stringContaining('deploy the stack again'),
      }),
    ]);
  });

  it('names a missing or deleting state machine', () => {
    // Prepare
    const readings = healthy();
    readings.stateMachines = [
      { arn: MACHINE, reading: { missing: true } },
      { arn: `${MACHINE}-2`, reading: { found: { status: 'DELETING' } } },
    ];

    // Act
    const findings = wiringChecks(readings);

    // Assess
    expect(findings.map((finding) => [finding.check, finding.resource, finding.found])).toEqual([
      ['state-machine-present', `states:${MACHINE}`, 'no such state machine'],
      ['state-machine-present', `states:${MACHINE}-2`, 'status DELETING'],
    ]);
  });

  it('names a dead-letter queue with messages, with how many and what to do', () => {
    // Prepare
    const readings = healthy();
    readings.queues = [{ url: QUEUE, reading: { found: { messages: 3 } } }];

    // Act
    const [finding, ...rest] = wiringChecks(readings);

    // Assess
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      check: 'dead-letter-queue-empty',
      resource: `sqs:${QUEUE}`,
      found: 'about 3 message(s) waiting',
      fix: expect.stringContaining('purge'),
    });
  });

  it('says "could not check" with the error for each reading that failed, never a pass', () => {
    // Prepare
    const readings = healthy();
    readings.rules = [{ rule: RULE, reading: { error: 'AccessDeniedException: not authorized' } }];
    readings.queues = [{ url: QUEUE, reading: { error: 'TimeoutError: no answer' } }];

    // Act
    const findings = wiringChecks(readings);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: `events:rule/default/${RULE}`,
        expected: 'an answer to events:DescribeRule',
        found: 'AccessDeniedException: not authorized',
      }),
      expect.objectContaining({ check: 'could-not-check', resource: `sqs:${QUEUE}`, found: 'TimeoutError: no answer' }),
    ]);
  });
});
