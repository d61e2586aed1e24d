import { join } from 'node:path';
import { auditPlan, livePathCalls } from '../../../../shared/domain/live-path';
import { loadPlanFile } from '../../../../shared/plan/load';
import type { Plan } from '../../../../shared/plan/schema';
import { ordersPlan } from '../../../support/plan-fixtures';

const PLANS = join(__dirname, '..', '..', '..', '..', 'plans');
const recordsPlan = (): Plan => loadPlanFile(join(PLANS, 'example.yml'));
const arcPlan = (): Plan => loadPlanFile(join(PLANS, 'example-arc.yml'));

const named = (audit: ReturnType<typeof auditPlan>) =>
  audit.findings.map((finding) => `${finding.call.step}: ${finding.call.operation}`);

describe('auditPlan', () => {
  it('names ChangeResourceRecordSets and the ARC alternative when a route53-records plan fails over from us-east-1', () => {
    // Act
    const audit = auditPlan(recordsPlan());

    // Assess
    expect(named(audit)).toEqual([
      'Detect: HealthCheckStatus alarm',
      'Detect: forward the alarm event to the standby region',
      'Assess Failover: ListResourceRecordSets',
      'Check DNS Switch: ListResourceRecordSets',
      'Flip DNS: ListResourceRecordSets',
      'Flip DNS: ChangeResourceRecordSets',
      'Check DNS Sync: GetChange',
      'Verify Recovery: ListResourceRecordSets',
      'Verify Recovery: GetHealthCheckStatus',
    ]);
    const change = audit.findings.find((finding) => finding.call.operation === 'ChangeResourceRecordSets');
    expect(change).toMatchObject({
      call: { service: 'route53', region: 'us-east-1', plane: 'control', dependsOn: 'us-east-1' },
      alternative: expect.stringContaining('dnsSwitch.method to arc-routing-control'),
    });
  });

  it('flags only detection when the plan switches DNS with ARC routing controls but has no prober', () => {
    // Prepare
    const plan = arcPlan();
    const { prober: _prober, ...trigger } = plan.trigger;

    // Act
    const audit = auditPlan({ ...plan, trigger });

    // Assess
    expect(named(audit)).toEqual([
      'Detect: HealthCheckStatus alarm',
      'Detect: forward the alarm event to the standby region',
    ]);
    expect(audit.findings[0]?.alternative).toContain('trigger.prober');
  });

  it("flags nothing when the ARC plan's standby prober detects alone, and lists the prober's calls in the standby region", () => {
    // Act
    const audit = auditPlan(arcPlan());

    // Assess
    expect(named(audit)).toEqual([]);
    expect(audit.calls.filter((call) => call.step === 'Detect (prober)')).toEqual(
      [
        'invoke probe-primary on its schedule',
        'PutMetricData',
        'PrimaryReachable alarm',
        'alarm state change to on-health-alarm',
      ].map((operation) =>
        expect.objectContaining({ operation, region: 'us-west-2', plane: 'data', dependsOn: 'us-west-2' }),
      ),
    );
  });

  it('flags the Route 53 alarm again when a quorum needs more than the prober', () => {
    // Prepare
    const plan = arcPlan();

    // Act
    const audit = auditPlan({ ...plan, trigger: { ...plan.trigger, quorum: 2 } });

    // Assess
    expect(named(audit)).toContain('Detect: HealthCheckStatus alarm');
  });

  it('lists the ARC calls in the standby region with the other endpoints as fallbacks', () => {
    // Act
    const audit = auditPlan(arcPlan());

    // Assess
    expect(audit.calls.filter((call) => call.service === 'route53')).toEqual([]);
    expect(audit.calls.find((call) => call.operation === 'UpdateRoutingControlStates')).toMatchObject({
      region: 'us-west-2',
      plane: 'data',
      fallbacks: ['eu-west-1', 'ap-southeast-2', 'ap-northeast-1', 'us-east-1'],
    });
  });

  it('flags only detection when the plan switches DNS with a health check on an alarm in the standby region', () => {
    // Act
    const audit = auditPlan(loadPlanFile(join(PLANS, 'example-alarm-dns.yml')));

    // Assess
    expect(named(audit)).toEqual([
      'Detect: HealthCheckStatus alarm',
      'Detect: forward the alarm event to the standby region',
    ]);
    // The fence runbook reaches for the old region on purpose, after recovery: not on the live path.
    expect(
      audit.calls.filter((call) => call.region === 'us-east-1' && call.step !== 'Detect' && !call.afterRecovery),
    ).toEqual([]);
    expect(
      audit.calls
        .filter((call) => call.service === 'cloudwatch' && /DNS/.test(call.step))
        .map((call) => [call.step, call.operation, call.region, call.plane]),
    ).toEqual([
      ['Check DNS Switch', 'DescribeAlarms', 'us-west-2', 'control'],
      ['Flip DNS', 'DescribeAlarms', 'us-west-2', 'control'],
      ['Flip DNS', 'PutMetricData', 'us-west-2', 'data'],
      ['Check DNS Sync', 'DescribeAlarms', 'us-west-2', 'control'],
    ]);
  });

  it('names both data-plane alternatives for a route53-records plan', () => {
    // Act
    const audit = auditPlan(recordsPlan());

    // Assess
    expect(
      audit.findings.find((finding) => finding.call.operation === 'ChangeResourceRecordSets')?.alternative,
    ).toMatch(/arc-routing-control.*alarm-health-check/);
  });

  it('still flags the Route 53 edits in us-east-1 when neither plan region is us-east-1', () => {
    // Prepare
    const plan = loadPlanFile(join(__dirname, '..', '..', '..', 'fixtures', 'plans', 'valid', 'payments.yml'));

    // Act
    const audit = auditPlan(plan);

    // Assess
    expect(plan.regions.primary).not.toBe('us-east-1');
    expect(audit.findings.map((finding) => finding.call.operation)).toContain('ChangeResourceRecordSets');
    expect(audit.findings.every((finding) => finding.why.includes('us-east-1'))).toBe(true);
  });

  it('flags the ARC calls when every cluster endpoint the plan lists is in the primary region or us-east-1', () => {
    // Prepare
    const plan = ordersPlan({
      regions: { primary: 'eu-west-1', standby: 'eu-central-1' },
      databases: [
        {
          id: 'orders-db',
          kind: 'rds-read-replica',
          primary: { instance: 'orders-db', region: 'eu-west-1' },
          replica: { instance: 'orders-db-replica', region: 'eu-central-1' },
        },
      ],
      dnsSwitch: {
        method: 'arc-routing-control',
        clusterEndpoints: ['eu-west-1', 'us-east-1'].map((region) => ({
          region,
          url: `https://host-aaaaaa.${region}.example.aws/v1`,
        })),
        routingControls: {
          primary: 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b/routingcontrol/east1',
          standby: 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b/routingcontrol/west1',
        },
      },
    });

    // Act
    const audit = auditPlan(plan);

    // Assess
    const arc = audit.findings.filter((finding) => finding.call.service === 'route53-recovery-cluster');
    expect(arc).toHaveLength(3);
    expect(arc[0]?.alternative).toContain("list the cluster's endpoints in the other regions");
  });
});

describe('livePathCalls', () => {
  it('lists no call to the primary region, since every database call goes to the standby side', () => {
    // Act
    const calls = livePathCalls(recordsPlan());

    // Assess
    expect(calls.filter((call) => call.service === 'rds').map((call) => call.region)).toEqual(
      expect.arrayContaining(['us-west-2']),
    );
    expect(
      calls.filter((call) => call.service === 'rds' && call.region !== 'us-west-2' && !call.afterRecovery),
    ).toEqual([]);
  });

  it("lists the fence's calls after recovery, and never as a finding", () => {
    // Act
    const audit = auditPlan(recordsPlan());
    const after = audit.calls.filter((call) => call.afterRecovery);

    // Assess: the old primaries are read and stopped in the region the failover left
    expect(after.map((call) => `${call.step} ${call.operation} ${call.region}`)).toEqual(
      expect.arrayContaining([
        'Start Fence StartExecution us-west-2',
        'Fence Database StopDBInstance us-east-1',
        'Fence Database DescribeDBInstances us-east-1',
        'Fence Record Batch ChangeResourceRecordSets us-east-1',
      ]),
    );
    expect(audit.findings.filter((finding) => finding.call.afterRecovery)).toEqual([]);
  });
});
