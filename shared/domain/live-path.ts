import type { Plan } from '../plan/schema';
import { endpointOrder, ROUTE53_CONTROL_PLANE_REGION } from './dns-switch';

/**
 * The live path of a plan: every AWS call a failover makes, step by step, where it goes, whether it is a control
 * plane or a data plane call, and which region it cannot do without. `switchback plan audit` prints it and flags
 * the calls that depend on the region the failover leaves (the primary) or on us-east-1 (Route 53's control
 * plane, the HealthCheckStatus metric). It is the code's path written down (functions/, shared/aws/): the drill
 * test checks that every call the simulator sees in a drill is listed here.
 */

export type Plane = 'control' | 'data';

export interface LiveCall {
  /** The state machine step (or the detection before it). */
  step: string;
  /** The AWS service, as IAM names it (`rds`, `route53`, `route53-recovery-cluster`). */
  service: string;
  operation: string;
  /** Where the call goes. */
  region: string;
  plane: Plane;
  /** The region the call cannot do without (for ARC: the first endpoint tried; the others are fallbacks). */
  dependsOn: string;
  /** Other regions that can answer the same call when `dependsOn` does not (ARC's other cluster endpoints). */
  fallbacks?: string[];
  /**
   * Made after recovery is recorded and the lock released (the fence the failover starts, its retry): listed, never
   * a finding, since nothing of the recovery waits on it; a call that does not answer leaves the fence to the retry.
   */
  afterRecovery?: true;
}

/** A call of the live path that depends on the primary region or on us-east-1, with what to do instead. */
export interface AuditFinding {
  call: LiveCall;
  why: string;
  alternative: string;
}

export interface PlanAudit {
  plan: string;
  regions: { primary: string; standby: string };
  dnsSwitch: Plan['dnsSwitch']['method'];
  calls: LiveCall[];
  findings: AuditFinding[];
}

const ALTERNATIVE_DNS =
  "set dnsSwitch.method to arc-routing-control: ARC routing controls are switched on the cluster's regional " +
  'endpoints (data plane), none of which has to be us-east-1; or, without an ARC cluster, to alarm-health-check: ' +
  'a Route 53 health check on an alarm in the standby region, driven by PutMetricData there';
const ALTERNATIVE_DETECTION =
  "add a standby prober (trigger.prober): it probes the primary's health endpoints from the standby region and " +
  'raises its own alarm there; or start the failover from the standby region by hand (`switchback run --plan <app>`)';

/** The calls of one step, all in the standby region (the deployment's own region). */
const standbyCalls = (
  standby: string,
  step: string,
  calls: [service: string, operation: string, plane: Plane][],
): LiveCall[] =>
  calls.map(([service, operation, plane]) => ({
    step,
    service,
    operation,
    region: standby,
    plane,
    dependsOn: standby,
  }));

/**
 * The calls of `plan`'s failover, in order. The databases' calls all go to the standby region: the product reads and
 * promotes the standby side only (shared/aws/rds.ts; Aurora's global cluster API is served by the secondary's
 * region as well).
 */
export const livePathCalls = (plan: Plan): LiveCall[] => {
  const { standby } = plan.regions;
  const us = ROUTE53_CONTROL_PLANE_REGION;
  const dnsSwitch = plan.dnsSwitch;
  const slack = plan.notifications.slack?.secret.source;
  const hasRds = plan.databases.some((db) => db.kind === 'rds-read-replica');
  const hasAurora = plan.databases.some((db) => db.kind === 'aurora-global');
  const rdsReads: [string, string, Plane][] = [
    ...(hasRds ? [['rds', 'DescribeDBInstances', 'control'] as [string, string, Plane]] : []),
    ...(hasAurora
      ? [
          ['rds', 'DescribeGlobalClusters', 'control'] as [string, string, Plane],
          ['rds', 'DescribeDBClusters', 'control'] as [string, string, Plane],
        ]
      : []),
  ];

  // The standby prober (trigger.prober): scheduled, run and alarmed in the standby region. Its requests go to the
  // primary's health endpoints, but they are what it measures, not a dependency: no answer is the signal.
  const prober: LiveCall[] = plan.trigger.prober
    ? standbyCalls(standby, 'Detect (prober)', [
        ['scheduler', 'invoke probe-primary on its schedule', 'data'],
        ['cloudwatch', 'PutMetricData', 'data'],
        ['cloudwatch', 'PrimaryReachable alarm', 'data'],
        ['events', 'alarm state change to on-health-alarm', 'data'],
      ])
    : [];
  const detection: LiveCall[] = [
    ...prober,
    // Route 53 Developer Guide, "Monitoring health checks using CloudWatch": HealthCheckStatus is in us-east-1 only.
    {
      step: 'Detect',
      service: 'cloudwatch',
      operation: 'HealthCheckStatus alarm',
      region: us,
      plane: 'data',
      dependsOn: us,
    },
    {
      step: 'Detect',
      service: 'events',
      operation: 'forward the alarm event to the standby region',
      region: us,
      plane: 'data',
      dependsOn: us,
    },
    ...standbyCalls(standby, 'Start Run', [
      ['dynamodb', 'UpdateItem', 'data'],
      // When the plan's lock is held: does its holder's execution still run (shared/usecases/orphaned-lock.ts)?
      ['states', 'DescribeExecution', 'data'],
      ['states', 'StartExecution', 'data'],
    ]),
  ];

  let dnsCheck: LiveCall[];
  let dnsFlip: LiveCall[];
  if (dnsSwitch.method === 'arc-routing-control') {
    const [first, ...rest] = endpointOrder(dnsSwitch.clusterEndpoints, plan.regions).map((e) => e.region);
    const arc = (step: string, operation: string): LiveCall => ({
      step,
      service: 'route53-recovery-cluster',
      operation,
      region: first ?? standby,
      plane: 'data',
      dependsOn: first ?? standby,
      fallbacks: rest,
    });
    dnsCheck = [arc('Check DNS Switch', 'GetRoutingControlState')];
    dnsFlip = [arc('Flip DNS', 'GetRoutingControlState'), arc('Flip DNS', 'UpdateRoutingControlStates')];
  } else if (dnsSwitch.method === 'alarm-health-check') {
    // The switch alarm and its metric live in the standby region; Route 53's health checkers read the alarm's data
    // stream there (a data plane, no call of ours), and DNS answers follow.
    dnsCheck = standbyCalls(standby, 'Check DNS Switch', [['cloudwatch', 'DescribeAlarms', 'control']]);
    dnsFlip = [
      ...standbyCalls(standby, 'Flip DNS', [
        ['cloudwatch', 'DescribeAlarms', 'control'],
        ['cloudwatch', 'PutMetricData', 'data'],
      ]),
      ...standbyCalls(standby, 'Check DNS Sync', [
        ['cloudwatch', 'DescribeAlarms', 'control'],
        ['route53', 'health check reads the switch alarm (CLOUDWATCH_METRIC)', 'data'],
      ]),
    ];
  } else {
    const route53 = (step: string, operation: string): LiveCall => ({
      step,
      service: 'route53',
      operation,
      region: us,
      plane: 'control',
      dependsOn: us,
    });
    // Assess's preflight reads the record pairs too (skipped with a warning when Route 53's API does not answer).
    dnsCheck = [
      route53('Assess Failover', 'ListResourceRecordSets'),
      route53('Check DNS Switch', 'ListResourceRecordSets'),
    ];
    // Verify Recovery reads the records and the serving record's health check to judge what DNS answers (it asks
    // the zone's name servers too: Route 53's DNS, no API, answered from every region); a read that fails is a warning.
    dnsFlip = [
      route53('Flip DNS', 'ListResourceRecordSets'),
      route53('Flip DNS', 'ChangeResourceRecordSets'),
      route53('Check DNS Sync', 'GetChange'),
      route53('Verify Recovery', 'ListResourceRecordSets'),
      route53('Verify Recovery', 'GetHealthCheckStatus'),
    ];
  }

  return [...detection, ...recoveryCalls(), ...fenceCalls(plan)];

  function recoveryCalls(): LiveCall[] {
    return [
      ...standbyCalls(standby, 'Assess Failover', [
        ['dynamodb', 'UpdateItem', 'data'],
        ['states', 'DescribeExecution', 'data'],
        ...rdsReads,
        ['cloudwatch', 'GetMetricData', 'data'],
        ...(hasRds ? [['rds', 'DescribeDBInstanceAutomatedBackups', 'control'] as [string, string, Plane]] : []),
      ]),
      ...dnsCheck,
      ...standbyCalls(standby, 'Promote Databases', [
        ...(hasRds ? [['rds', 'PromoteReadReplica', 'control'] as [string, string, Plane]] : []),
        // A run started by a person tries a switchover (RPO 0) first, then the failover.
        ...(hasAurora
          ? [
              ['rds', 'SwitchoverGlobalCluster', 'control'] as [string, string, Plane],
              ['rds', 'FailoverGlobalCluster', 'control'] as [string, string, Plane],
            ]
          : []),
        ...rdsReads,
      ]),
      ...dnsFlip,
      ...standbyCalls(standby, 'Verify Recovery', [
        ...rdsReads,
        ...(hasRds ? [['rds', 'DescribeDBInstanceAutomatedBackups', 'control'] as [string, string, Plane]] : []),
      ]),
      ...standbyCalls(standby, 'Record Recovery', [
        ['dynamodb', 'UpdateItem', 'data'],
        ['events', 'PutEvents', 'data'],
        // Recovery metrics are EMF log lines (shared/aws/metrics.ts): no PutMetricData call.
        ['logs', 'EMF metrics in the function log', 'data'],
      ]),
      // Every step publishes its phase on the bus; the notifier reads the Slack secret. Neither is waited on.
      ...standbyCalls(standby, 'Notify', [
        ['events', 'PutEvents', 'data'],
        ...(slack
          ? [[slack, slack === 'ssm' ? 'GetParameter' : 'GetSecretValue', 'data'] as [string, string, Plane]]
          : []),
      ]),
    ];
  }
};

/**
 * The fence the failover starts once it recovered (and the fence retry, every 5 minutes, repeats): the old
 * primaries are read and stopped in the region the failover left, and the old region's records are kept out of DNS
 * by the plan's `dns[].records[].fence.method`: a record edit (maintenance-target) or a health check inverted
 * (health-check-inverted), both through Route 53's control plane in us-east-1; or the old region's routing control
 * kept Off (routing-control-off) on ARC's regional endpoints, the data plane, which needs neither. None of it is on
 * the recovery's path.
 */
const fenceCalls = (plan: Plan): LiveCall[] => {
  const { primary, standby } = plan.regions;
  const at = (step: string, service: string, operation: string, region: string, plane: Plane): LiveCall => ({
    step,
    service,
    operation,
    region,
    plane,
    dependsOn: region,
    afterRecovery: true,
  });
  const hasRds = plan.databases.some((db) => db.kind === 'rds-read-replica');
  const hasAurora = plan.databases.some((db) => db.kind === 'aurora-global');
  const fences = (method: string) =>
    plan.dns.some((zone) => zone.records.some((record) => record.fence?.method === method));
  const us = ROUTE53_CONTROL_PLANE_REGION;
  const dnsSwitch = plan.dnsSwitch;
  // The fence after a failover turns the primary region's control Off: its endpoint and us-east-1's are tried last.
  const [first, ...rest] =
    dnsSwitch.method === 'arc-routing-control'
      ? endpointOrder(dnsSwitch.clusterEndpoints, plan.regions).map((endpoint) => endpoint.region)
      : [];
  const arc = (operation: string): LiveCall => ({
    ...at('Fence Record Batch', 'route53-recovery-cluster', operation, first ?? standby, 'data'),
    fallbacks: rest,
  });
  return [
    at('Start Fence', 'states', 'StartExecution', standby, 'data'),
    at('Assess Fence', 'events', 'PutEvents', standby, 'data'),
    ...(hasRds
      ? [
          at('Fence Database', 'rds', 'DescribeDBInstances', primary, 'control'),
          at('Fence Database', 'rds', 'StopDBInstance', primary, 'control'),
        ]
      : []),
    ...(hasAurora
      ? [
          at('Fence Database', 'rds', 'DescribeGlobalClusters', standby, 'control'),
          at('Fence Database', 'rds', 'DescribeDBClusters', primary, 'control'),
        ]
      : []),
    ...(fences('maintenance-target') || fences('health-check-inverted')
      ? [at('Fence Record Batch', 'route53', 'ListResourceRecordSets', us, 'control')]
      : []),
    ...(fences('maintenance-target')
      ? [
          at('Fence Record Batch', 'route53', 'ChangeResourceRecordSets', us, 'control'),
          at('Fence Record Batch', 'route53', 'GetChange', us, 'control'),
        ]
      : []),
    ...(fences('health-check-inverted')
      ? [
          at('Fence Record Batch', 'route53', 'GetHealthCheck', us, 'control'),
          at('Fence Record Batch', 'route53', 'UpdateHealthCheck', us, 'control'),
        ]
      : []),
    ...(fences('routing-control-off') && first
      ? [arc('GetRoutingControlState'), arc('UpdateRoutingControlStates')]
      : []),
    at('Record Fence', 'events', 'PutEvents', standby, 'data'),
  ];
};

/**
 * The plan's live path and the calls on it that depend on the primary region or on us-east-1. A plan whose primary
 * is us-east-1 counts both once. An ARC call is flagged only when every cluster endpoint is in those regions.
 */
export const auditPlan = (plan: Plan): PlanAudit => {
  const risky = new Set([plan.regions.primary, ROUTE53_CONTROL_PLANE_REGION]);
  const calls = livePathCalls(plan);
  const findings: AuditFinding[] = [];
  // The Route 53 alarm's path is not the only detection when the plan has a prober whose signal alone can start a
  // failover (no quorum, or a quorum the signals outside those regions meet): then it is one signal among others.
  const proberDetects = plan.trigger.prober !== undefined && (plan.trigger.quorum ?? 1) <= 1;
  for (const call of calls) {
    if (call.afterRecovery) continue;
    if (call.step === 'Detect' && proberDetects) continue;
    const regions = [call.dependsOn, ...(call.fallbacks ?? [])];
    if (!regions.every((region) => risky.has(region))) continue;
    const which =
      call.dependsOn === plan.regions.primary && call.dependsOn === ROUTE53_CONTROL_PLANE_REGION
        ? `${call.dependsOn}, the primary region and the home of Route 53's control plane`
        : call.dependsOn === plan.regions.primary
          ? `${call.dependsOn}, the primary region`
          : `${call.dependsOn} (Route 53's control plane and the HealthCheckStatus metric live there only)`;
    findings.push({
      call,
      why: `${call.service} ${call.operation} in step "${call.step}" depends on ${which}`,
      alternative:
        call.step === 'Detect'
          ? ALTERNATIVE_DETECTION
          : call.service === 'route53-recovery-cluster'
            ? "list the cluster's endpoints in the other regions too (a cluster has five)"
            : ALTERNATIVE_DNS,
    });
  }
  return { plan: plan.app, regions: plan.regions, dnsSwitch: plan.dnsSwitch.method, calls, findings };
};
