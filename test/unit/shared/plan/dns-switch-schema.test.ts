import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';

const PLANS = join(__dirname, '..', '..', '..', '..', 'plans');
const read = (name: string): Record<string, unknown> =>
  parse(readFileSync(join(PLANS, name), 'utf8')) as Record<string, unknown>;

const issuesOf = (plan: unknown): { path: string; message: string }[] => {
  try {
    parsePlan(plan, 'test.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the plan to be rejected, but it was accepted');
};

describe('planSchema dnsSwitch', () => {
  it('defaults to route53-records when a plan names no DNS switch', () => {
    // Act
    const plan = parsePlan(read('example.yml'), 'example.yml');

    // Assess
    expect(plan.dnsSwitch).toEqual({ method: 'route53-records' });
  });

  it('accepts the ARC example plan with its endpoints and routing controls', () => {
    // Act
    const plan = parsePlan(read('example-arc.yml'), 'example-arc.yml');

    // Assess
    expect(plan.dnsSwitch).toMatchObject({ method: 'arc-routing-control', clusterEndpoints: expect.any(Array) });
  });

  it('names the field and the three methods when the method is unknown', () => {
    // Prepare
    const plan = { ...read('example.yml'), dnsSwitch: { method: 'carrier-pigeon' } };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      {
        path: 'dnsSwitch.method',
        message: expect.stringContaining('"route53-records", "arc-routing-control" or "alarm-health-check"'),
      },
    ]);
  });

  it('names the routing control that is not an ARN when an ARC plan has a bad one', () => {
    // Prepare
    const arc = read('example-arc.yml');
    const dnsSwitch = arc.dnsSwitch as { routingControls: Record<string, string> };
    dnsSwitch.routingControls.standby = 'west';

    // Act
    const issues = issuesOf(arc);

    // Assess
    expect(issues).toEqual([
      { path: 'dnsSwitch.routingControls.standby', message: expect.stringContaining('is not a routing control ARN') },
    ]);
  });

  it('accepts the alarm example plan with the name of its switch alarm', () => {
    // Act
    const plan = parsePlan(read('example-alarm-dns.yml'), 'example-alarm-dns.yml');

    // Assess
    expect(plan.dnsSwitch).toEqual({ method: 'alarm-health-check', alarmName: 'ledger-primary-out' });
  });

  it('names dnsSwitch.alarmName when an alarm-health-check plan gives none', () => {
    // Prepare
    const plan = { ...read('example-alarm-dns.yml'), dnsSwitch: { method: 'alarm-health-check' } };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'dnsSwitch.alarmName', message: expect.stringContaining('expected the name of the CloudWatch alarm') },
    ]);
  });

  it('refuses an alarm name that an IAM policy cannot name, saying which characters are allowed', () => {
    // Prepare
    const plan = { ...read('example-alarm-dns.yml'), dnsSwitch: { method: 'alarm-health-check', alarmName: 'a:b*' } };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([{ path: 'dnsSwitch.alarmName', message: expect.stringContaining('no "*", "?" or ":"') }]);
  });

  it('refuses a switch alarm that is also a trigger alarm, naming dnsSwitch.alarmName', () => {
    // Prepare
    const source = read('example-alarm-dns.yml');
    const trigger = source.trigger as { alarms: string[] };
    const plan = { ...source, trigger: { ...trigger, alarms: [...trigger.alarms, 'ledger-primary-out'] } };

    // Act
    const issues = issuesOf(plan);

    // Assess
    expect(issues).toEqual([
      { path: 'dnsSwitch.alarmName', message: expect.stringContaining('is also in trigger.alarms') },
    ]);
  });
});
