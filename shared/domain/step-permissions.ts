import type { Plan } from '../plan/schema';

/**
 * What each runbook step's function must be allowed to do on one plan's resources: the calls its handler makes on
 * them (test/integration/iam.test.ts records every call of every handler in the drills and fails unless this list
 * is exactly those calls, and the packaged roles exactly grant them). Readiness asks IAM's policy simulator whether
 * each deployed role still allows them (a permissions boundary, an SCP or a hand-edited policy can take a right away
 * after deployment). Pure: ARNs only.
 */

/** An IAM condition context value the simulation needs (the record-level keys of Route 53's ChangeResourceRecordSets). */
export interface ContextEntry {
  key: string;
  values: string[];
}

export interface StepPermission {
  /** The function whose role needs it (serverless.yml `functions.<name>`). */
  function: string;
  action: string;
  resource: string;
  context?: ContextEntry[];
}

/** The functions whose roles name the plans' own resources (the rest touch only the stack's). */
export const STEP_FUNCTIONS = [
  'assess',
  'promote-database',
  'check-promotion',
  'flip-dns',
  'verify-recovery',
  'fence-database',
] as const;
export type StepFunction = (typeof STEP_FUNCTIONS)[number];

/**
 * Route 53 compares record names in their normalized form: lower case, no trailing dot, other characters as octal
 * escapes (aws-facts.md: Route 53 Developer Guide, "Using IAM policy conditions for fine-grained access control");
 * the same normalization as scripts/plan-resources.js, which grants on these values.
 */
export const normalizeRecordName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/[^a-z0-9._-]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);

/** Every permission the steps of `plan` need, on its resources in `account`. */
export const stepPermissions = (plan: Plan, account: string, partition = 'aws'): StepPermission[] => {
  const found: StepPermission[] = [];
  const add = (fn: StepFunction, actions: readonly string[], resource: string, context?: ContextEntry[]) => {
    for (const action of actions) found.push({ function: fn, action, resource, ...(context ? { context } : {}) });
  };
  const rds = (region: string, type: string, id: string) => `arn:${partition}:rds:${region}:${account}:${type}:${id}`;
  for (const db of plan.databases) {
    if (db.kind === 'rds-read-replica') {
      const replica = rds(db.replica.region, 'db', db.replica.instance);
      // After a game day the copies are replicas reprotect made (shared/domain/reprotect.ts, reprotectName): the
      // writer in the primary region (`<replica>-rp-*`) and its standby back in the standby region
      // (`<replica>-rp-*-rp-*`). Their names are known only to the topology: here as the role's patterns.
      const made = rds(db.primary.region, 'db', `${db.replica.instance}-rp-*`);
      const madeBack = rds(db.replica.region, 'db', `${db.replica.instance}-rp-*-rp-*`);
      for (const standby of [replica, madeBack]) {
        for (const fn of ['assess', 'check-promotion', 'verify-recovery'] as const) {
          add(fn, ['rds:DescribeDBInstances'], standby);
        }
        add('promote-database', ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], standby);
      }
      // The old primary after a failover; the old writer (the plan's replica) after a failback; and after a game
      // day the replicas reprotect made, in either region.
      for (const old of [rds(db.primary.region, 'db', db.primary.instance), replica, made, madeBack]) {
        add('fence-database', ['rds:DescribeDBInstances', 'rds:StopDBInstance'], old);
      }
    } else {
      const secondary = rds(db.secondary.region, 'cluster', db.secondary.cluster);
      const global = `arn:${partition}:rds::${account}:global-cluster:${db.globalCluster}`;
      for (const fn of ['assess', 'check-promotion', 'verify-recovery'] as const) {
        add(fn, ['rds:DescribeDBClusters'], secondary);
        add(fn, ['rds:DescribeGlobalClusters'], global);
      }
      add('promote-database', ['rds:DescribeGlobalClusters'], global);
      // Both authorize on the global cluster and on the target member cluster.
      for (const resource of [global, secondary]) {
        add('promote-database', ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'], resource);
      }
      add('fence-database', ['rds:DescribeDBClusters'], rds(db.primary.region, 'cluster', db.primary.cluster));
      add('fence-database', ['rds:DescribeGlobalClusters'], global);
    }
  }
  if (plan.dnsSwitch.method === 'route53-records') {
    for (const zone of plan.dns) {
      const arn = `arn:${partition}:route53:::hostedzone/${zone.hostedZoneId.replace(/^\/hostedzone\//, '')}`;
      add('assess', ['route53:ListResourceRecordSets'], arn);
      add('flip-dns', ['route53:ListResourceRecordSets'], arn);
      add('flip-dns', ['route53:ChangeResourceRecordSets'], arn, [
        {
          key: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
          values: [...new Set(zone.records.map((record) => normalizeRecordName(record.name)))],
        },
        { key: 'route53:ChangeResourceRecordSetsRecordTypes', values: [...new Set(zone.records.map((r) => r.type))] },
        { key: 'route53:ChangeResourceRecordSetsActions', values: ['UPSERT'] },
      ]);
    }
  } else if (plan.dnsSwitch.method === 'alarm-health-check') {
    // PutMetricData names no resource (IAM authorizes it on "*", held to Switchback's namespace by a condition):
    // only the switch alarm's read is on the plan's own resources.
    add(
      'flip-dns',
      ['cloudwatch:DescribeAlarms'],
      `arn:${partition}:cloudwatch:${plan.regions.standby}:${account}:alarm:${plan.dnsSwitch.alarmName}`,
    );
  } else {
    for (const control of [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]) {
      add(
        'flip-dns',
        ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
        control,
      );
    }
  }
  return found;
};

/** What IAM's policy simulator said about one step's role (or why it could not say). */
export interface PermissionReading {
  function: string;
  roleArn: string;
  /** One per action and resource simulated. */
  decisions?: {
    action: string;
    resource: string;
    decision: string;
    allowedByOrganizations?: boolean;
    allowedByBoundary?: boolean;
  }[];
  /** The simulation failed (IAM unreachable, throttled, the role gone): could not check. */
  error?: string;
}

export interface PermissionFinding {
  check: 'role-permission' | 'could-not-check';
  resource: string;
  expected: string;
  found: string;
  fix: string;
}

/** One finding per denied action and resource, naming the role, the step, the action and the fix. */
export const permissionChecks = (plan: Plan, readings: readonly PermissionReading[]): PermissionFinding[] =>
  readings.flatMap((reading): PermissionFinding[] => {
    const resource = `iam:${reading.roleArn}`;
    if (reading.error !== undefined) {
      return [
        {
          check: 'could-not-check',
          resource,
          expected: `an answer to iam:SimulatePrincipalPolicy for the ${reading.function} role`,
          found: reading.error,
          fix: 'check that the readiness role may call iam:SimulatePrincipalPolicy on it and that IAM (us-east-1) answers; the next run checks again',
        },
      ];
    }
    return (reading.decisions ?? [])
      .filter((decision) => decision.decision !== 'allowed')
      .map((decision) => {
        const byOrganizations = decision.allowedByOrganizations === false;
        const byBoundary = decision.allowedByBoundary === false;
        return {
          check: 'role-permission' as const,
          resource,
          expected: `${decision.action} allowed on ${decision.resource} (the ${reading.function} step of plan ${plan.app})`,
          found: `${decision.decision}${byOrganizations ? " by the organization's SCPs" : byBoundary ? ' by the permissions boundary' : ''}`,
          fix: byOrganizations
            ? `have the organization's administrators exempt this role from the SCP that denies ${decision.action}`
            : byBoundary
              ? `allow ${decision.action} in the role's permissions boundary`
              : `deploy again with this plan in plans/ (npm run package, then npx serverless deploy): the ${reading.function} role is then granted ${decision.action}`,
        };
      });
  });
