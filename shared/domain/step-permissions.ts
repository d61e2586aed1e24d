import type { Plan } from '../plan/schema';
import { copyPattern, snapshotPattern } from './copy-names';
import { SWITCH_METRIC } from './dns-switch';
import { PROBER_METRIC } from './prober';

/**
 * What each runbook step's function must be allowed to do on one plan's resources: the calls its handler makes on
 * them (the IAM check in test/integration/drill-scenarios.test.ts records every call of every handler in the drills and
 * fails unless this list
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

/**
 * The functions whose roles act: on the plans' own resources, on every runbook (failover, fence, reprotect, failback,
 * restore test) and the notifier; and those that start or follow a runbook or put a metric that moves traffic or
 * starts one (the alarm intake, the fence start, the reprotect a failback starts, the game day's legs, the prober), or
 * read a runbook's execution (the alarm intake and every Assess: the plan's lock holder's; on-run-failed: whether it
 * can be redriven). The rest touch only the ledger and Switchback's bus. One list: readiness's FUNCTION_ROLE_NAMES
 * and its iam:SimulatePrincipalPolicy grant are made from it (scripts/plan-resources.js), and the IAM test fails
 * unless it names exactly the functions the drills see making those calls.
 */
export const STEP_FUNCTIONS = [
  'assess',
  'assess-fence',
  'assess-failback',
  'assess-game-day',
  'promote-database',
  'check-promotion',
  'flip-dns',
  'check-dns-sync',
  'verify-recovery',
  'fence-database',
  'fence-record',
  'assess-reprotect',
  'reprotect-database',
  'set-write-pause',
  'check-failback-lag',
  'fail-back-database',
  'verify-failback',
  'plan-restore-test',
  'start-restore',
  'check-restore',
  'clean-up-restore',
  'notify',
  'on-health-alarm',
  'on-run-failed',
  'start-fence',
  'start-reprotect-back',
  'start-game-day-leg',
  'check-game-day-leg',
  'probe-primary',
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

/** The prefix of the restore test's throwaways (shared/domain/restore-test.ts RESTORE_PREFIX). */
const THROWAWAY = 'sbrt-*';

/** The stack's own resources that steps act on: its state machines (readiness's WIRING_STATE_MACHINE_ARNS). */
export interface StackTargets {
  stateMachineArns: readonly string[];
}

/** The runbooks a step starts or follows, by the state machine's name (`<stack>-<runbook>`, serverless.yml). */
const RUNBOOKS = ['failover', 'fence', 'reprotect', 'failback'] as const;

/**
 * The steps that read a runbook's execution: the alarm intake, every Assess and the fence retry (the plan's lock
 * holder's), and on-run-failed (whether Step Functions would redrive the failed one).
 */
const EXECUTION_READERS = [
  'on-health-alarm',
  'start-fence',
  'on-run-failed',
  'assess',
  'assess-fence',
  'assess-reprotect',
  'assess-failback',
  'assess-game-day',
] as const;

/**
 * Every permission the steps of `plan` need, on its resources in `account`, and, given the stack's state machines,
 * the runbook starts: the alarm intake starts the failover, start-fence the fence, the game day starts each leg's
 * runbook and follows its execution.
 */
export const stepPermissions = (
  plan: Plan,
  account: string,
  partition = 'aws',
  stack?: StackTargets,
): StepPermission[] => {
  const found: StepPermission[] = [];
  const add = (fn: StepFunction, actions: readonly string[], resource: string, context?: ContextEntry[]) => {
    for (const action of actions) found.push({ function: fn, action, resource, ...(context ? { context } : {}) });
  };
  const rds = (region: string, type: string, id: string) => `arn:${partition}:rds:${region}:${account}:${type}:${id}`;
  const restore = plan.backups.restoreTest;
  const standby = plan.regions.standby;
  if (restore) {
    add('plan-restore-test', ['rds:DeleteDBInstance'], rds(standby, 'db', THROWAWAY));
    add('plan-restore-test', ['rds:DeleteDBCluster'], rds(standby, 'cluster', THROWAWAY));
    // Its sweep for throwaways left behind lists every instance and cluster: a list authorizes on all of them.
    add('plan-restore-test', ['rds:DescribeDBInstances'], rds(standby, 'db', '*'));
    add('plan-restore-test', ['rds:DescribeDBClusters'], rds(standby, 'cluster', '*'));
    add('clean-up-restore', ['rds:DescribeDBClusters', 'rds:DeleteDBCluster'], rds(standby, 'cluster', THROWAWAY));
    add('clean-up-restore', ['rds:DescribeDBInstances', 'rds:DeleteDBInstance'], rds(standby, 'db', THROWAWAY));
    add('check-restore', ['rds:DescribeDBInstances'], rds(standby, 'db', THROWAWAY));
  }
  const subnetGroup = restore ? [rds(standby, 'subgrp', restore.subnetGroup)] : [];
  for (const db of plan.databases) {
    // Reprotect after a failover: the writer is the plan's standby copy, the old primary is the plan's primary.
    const reprotectTarget = db.reprotect?.region ?? db.primary.region;
    if (db.kind === 'rds-read-replica') {
      const replica = rds(db.replica.region, 'db', db.replica.instance);
      // The copies reprotect makes (shared/domain/copy-names.ts): every generation, in either region, is
      // `<replica>-rp-<6 hex>`, one pattern. After a failback the writer is such a copy in the primary region and
      // its standby another in the standby region; a later game day runs on those copies (the topology names them).
      const copies = copyPattern(db.replica.instance, 'rp');
      const made = rds(db.primary.region, 'db', copies);
      const madeBack = rds(db.replica.region, 'db', copies);
      // Reprotect after a failover: the writer is the plan's replica (or a copy), the old primary the plan's primary
      // (or a copy); after a failback the writer is a copy and the old writer the plan's replica (or a copy).
      const directions = [
        {
          writers: [db.replica.instance, copies],
          writerRegion: db.replica.region,
          olds: [db.primary.instance, copies],
          oldRegion: db.primary.region,
          copy: rds(reprotectTarget, 'db', copies),
        },
        {
          writers: [copies],
          writerRegion: reprotectTarget,
          olds: [db.replica.instance, copies],
          oldRegion: db.replica.region,
          copy: rds(db.replica.region, 'db', copies),
        },
      ];
      for (const { writers, writerRegion, olds, oldRegion, copy } of directions) {
        for (const resource of [...writers.map((writer) => rds(writerRegion, 'db', writer)), copy]) {
          add('reprotect-database', ['rds:DescribeDBInstances', 'rds:CreateDBInstanceReadReplica'], resource);
        }
        for (const writer of writers)
          add('assess-reprotect', ['rds:DescribeDBInstances'], rds(writerRegion, 'db', writer));
        for (const old of olds) {
          const oldArn = rds(oldRegion, 'db', old);
          const snapshot = (role: 'pre' | 'final') => rds(oldRegion, 'snapshot', snapshotPattern(old, role));
          add('assess-reprotect', ['rds:DescribeDBInstances'], oldArn);
          add('reprotect-database', ['rds:DescribeDBInstances'], oldArn);
          add('reprotect-database', ['rds:DescribeDBSnapshots'], snapshot('pre'));
          for (const resource of [oldArn, snapshot('pre')])
            add('reprotect-database', ['rds:CreateDBSnapshot'], resource);
          if (db.reprotect?.deleteOldPrimary) {
            for (const resource of [oldArn, snapshot('final')]) {
              add('reprotect-database', ['rds:DeleteDBInstance'], resource);
            }
          }
        }
      }
      // Failback: the standby in the primary region, a copy reprotect made there or one named after the plan's
      // primary with a suffix (e.g. `orders-db-standby`, made beside the old primary it replaces).
      for (const failbackStandby of [rds(db.primary.region, 'db', `${db.primary.instance}-*`), made]) {
        add('fail-back-database', ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], failbackStandby);
        add('verify-failback', ['rds:DescribeDBInstances'], failbackStandby);
        // Check Failback Lag reads it when no minute since the pause has a ReplicaLag datapoint yet (promoted?).
        add('check-failback-lag', ['rds:DescribeDBInstances'], failbackStandby);
      }
      if (restore) {
        for (const resource of [rds(standby, 'db', THROWAWAY), rds(standby, 'auto-backup', '*'), ...subnetGroup]) {
          add('start-restore', ['rds:RestoreDBInstanceToPointInTime'], resource);
        }
        // A redriven Start Restore that finds its throwaway already made reads its restore-point tag.
        add('start-restore', ['rds:DescribeDBInstances'], rds(standby, 'db', THROWAWAY));
      }
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
      // Reprotect: a new secondary cluster (and its instance) joins the global cluster where the old primary cannot.
      const primaryCluster = rds(db.primary.region, 'cluster', db.primary.cluster);
      const newCluster = rds(reprotectTarget, 'cluster', copyPattern(db.secondary.cluster, 'sc'));
      const newInstance = rds(reprotectTarget, 'db', copyPattern(db.secondary.cluster, 'sc'));
      for (const resource of [secondary, primaryCluster]) add('assess-reprotect', ['rds:DescribeDBClusters'], resource);
      add('assess-reprotect', ['rds:DescribeGlobalClusters'], global);
      add('reprotect-database', ['rds:DescribeGlobalClusters'], global);
      for (const resource of [secondary, primaryCluster, newCluster]) {
        add('reprotect-database', ['rds:DescribeDBClusters'], resource);
      }
      for (const resource of [newCluster, global]) add('reprotect-database', ['rds:CreateDBCluster'], resource);
      for (const resource of [newCluster, newInstance]) add('reprotect-database', ['rds:CreateDBInstance'], resource);
      add('reprotect-database', ['rds:DescribeDBInstances'], newInstance);
      // Failback: a switchover back to the plan's primary cluster.
      add('check-failback-lag', ['rds:DescribeGlobalClusters'], global);
      add('fail-back-database', ['rds:DescribeDBClusters'], primaryCluster);
      add('fail-back-database', ['rds:DescribeGlobalClusters'], global);
      for (const resource of [global, primaryCluster])
        add('fail-back-database', ['rds:SwitchoverGlobalCluster'], resource);
      add('verify-failback', ['rds:DescribeGlobalClusters'], global);
      if (restore) {
        const throwaway = rds(standby, 'cluster', THROWAWAY);
        for (const resource of [secondary, throwaway]) add('start-restore', ['rds:DescribeDBClusters'], resource);
        for (const resource of [throwaway, secondary, ...subnetGroup]) {
          add('start-restore', ['rds:RestoreDBClusterToPointInTime'], resource);
        }
        add('check-restore', ['rds:DescribeDBClusters'], throwaway);
        for (const resource of [rds(standby, 'db', THROWAWAY), throwaway]) {
          add('check-restore', ['rds:CreateDBInstance'], resource);
        }
      }
    }
  }
  const zoneArn = (id: string) => `arn:${partition}:route53:::hostedzone/${id.replace(/^\/hostedzone\//, '')}`;
  const recordContext = (records: readonly { name: string; type: string }[]): ContextEntry[] => [
    {
      key: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
      values: [...new Set(records.map((record) => normalizeRecordName(record.name)))],
    },
    { key: 'route53:ChangeResourceRecordSetsRecordTypes', values: [...new Set(records.map((r) => r.type))] },
    { key: 'route53:ChangeResourceRecordSetsActions', values: ['UPSERT'] },
  ];
  // The fence moves the old region's fenced records, whatever the plan's DNS switch.
  // By method: a maintenance target is a record edit; an inverted health check reads the record and updates the
  // health checks the plan names (and flip-dns puts them back); a routing control is ARC's data plane.
  for (const zone of plan.dns) {
    const byMethod = (method: string) => zone.records.filter((record) => record.fence?.method === method);
    const edited = byMethod('maintenance-target');
    const inverted = byMethod('health-check-inverted');
    if (edited.length > 0 || inverted.length > 0) {
      add('fence-record', ['route53:ListResourceRecordSets'], zoneArn(zone.hostedZoneId));
    }
    if (edited.length > 0) {
      add('fence-record', ['route53:ChangeResourceRecordSets'], zoneArn(zone.hostedZoneId), recordContext(edited));
    }
    for (const record of inverted) {
      if (record.fence?.method !== 'health-check-inverted') continue;
      for (const id of [record.fence.primaryHealthCheckId, record.fence.standbyHealthCheckId]) {
        const check = `arn:${partition}:route53:::healthcheck/${id}`;
        add('fence-record', ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'], check);
        add('flip-dns', ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'], check);
      }
    }
    if (plan.dnsSwitch.method === 'arc-routing-control' && byMethod('routing-control-off').length > 0) {
      for (const control of [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]) {
        add(
          'fence-record',
          ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
          control,
        );
      }
    }
  }
  const pause = plan.failback.writePause;
  if (pause) {
    const parameter = `arn:${partition}:ssm:${pause.region ?? standby}:${account}:parameter/${pause.ssmParameter.replace(/^\//, '')}`;
    add('set-write-pause', ['ssm:GetParameter', 'ssm:PutParameter'], parameter);
  }
  const secret = plan.notifications.slack?.secret;
  if (secret?.source === 'secretsmanager') {
    // Secrets Manager appends "-" and 6 random characters to a secret's name in its ARN.
    add(
      'notify',
      ['secretsmanager:GetSecretValue'],
      secret.name.startsWith('arn:')
        ? secret.name
        : `arn:${partition}:secretsmanager:${standby}:${account}:secret:${secret.name}-??????`,
    );
  } else if (secret?.source === 'ssm') {
    add(
      'notify',
      ['ssm:GetParameter'],
      secret.name.startsWith('arn:')
        ? secret.name
        : `arn:${partition}:ssm:${standby}:${account}:parameter/${secret.name.replace(/^\//, '')}`,
    );
  }
  if (plan.dnsSwitch.method === 'route53-records') {
    for (const zone of plan.dns) {
      const arn = zoneArn(zone.hostedZoneId);
      for (const fn of ['assess', 'verify-recovery', 'verify-failback', 'flip-dns'] as const) {
        add(fn, ['route53:ListResourceRecordSets'], arn);
      }
      add('flip-dns', ['route53:ChangeResourceRecordSets'], arn, recordContext(zone.records));
    }
    // The serving record's health check, whatever its id (the records name it, not the plan): what DNS answers.
    for (const fn of ['verify-recovery', 'verify-failback'] as const) {
      add(fn, ['route53:GetHealthCheckStatus'], `arn:${partition}:route53:::healthcheck/*`);
    }
  } else {
    // A failback gives the primary region's records the fence pointed at maintenance their values back (flip-dns's
    // restoreFencedRecords), and Verify Failback reads them back: their failover never edits a record.
    for (const zone of plan.dns) {
      const edited = zone.records.filter((record) => record.fence?.method === 'maintenance-target');
      if (edited.length === 0) continue;
      const arn = zoneArn(zone.hostedZoneId);
      for (const fn of ['flip-dns', 'verify-failback'] as const) add(fn, ['route53:ListResourceRecordSets'], arn);
      add('flip-dns', ['route53:ChangeResourceRecordSets'], arn, recordContext(edited));
    }
  }
  if (plan.dnsSwitch.method === 'alarm-health-check') {
    // PutMetricData names no resource (IAM authorizes it on "*", held to Switchback's namespace by a condition):
    // only the switch alarm's read is on the plan's own resources.
    const alarm = `arn:${partition}:cloudwatch:${plan.regions.standby}:${account}:alarm:${plan.dnsSwitch.alarmName}`;
    add('flip-dns', ['cloudwatch:DescribeAlarms'], alarm);
    add('check-dns-sync', ['cloudwatch:DescribeAlarms'], alarm);
  } else if (plan.dnsSwitch.method === 'arc-routing-control') {
    for (const control of [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]) {
      add(
        'flip-dns',
        ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
        control,
      );
    }
  }
  // PutMetricData names no resource: IAM authorizes it on "*", held to a namespace by the role's condition.
  const metric = (namespace: string): ContextEntry[] => [{ key: 'cloudwatch:namespace', values: [namespace] }];
  if (plan.dnsSwitch.method === 'alarm-health-check') {
    add('flip-dns', ['cloudwatch:PutMetricData'], '*', metric(SWITCH_METRIC.namespace));
  }
  if (plan.trigger.prober) add('probe-primary', ['cloudwatch:PutMetricData'], '*', metric(PROBER_METRIC.namespace));
  const machines = new Map(
    RUNBOOKS.flatMap((runbook) => {
      const arn = stack?.stateMachineArns.find((each) => each.endsWith(`-${runbook}`));
      return arn ? [[runbook, arn] as const] : [];
    }),
  );
  const machine = (runbook: (typeof RUNBOOKS)[number]) => machines.get(runbook);
  const failover = machine('failover');
  if (failover) add('on-health-alarm', ['states:StartExecution'], failover);
  // Whether the plan's lock holder still runs (any runbook may hold it): the intake, Assess and the fence retry read
  // its execution.
  for (const arn of machines.values()) {
    const executions = `${arn.replace(':stateMachine:', ':execution:')}:*`;
    for (const fn of EXECUTION_READERS) add(fn, ['states:DescribeExecution'], executions);
  }
  const fence = machine('fence');
  if (fence) add('start-fence', ['states:StartExecution'], fence);
  const reprotect = machine('reprotect');
  if (fence && reprotect) {
    // After a standalone failback: wait for the fence it started, then start the reprotect the other way.
    add('start-reprotect-back', ['states:DescribeExecution'], `${fence.replace(':stateMachine:', ':execution:')}:*`);
    add('start-reprotect-back', ['states:StartExecution'], reprotect);
  }
  for (const arn of machines.values()) {
    add('start-game-day-leg', ['states:StartExecution'], arn);
    // DescribeExecution authorizes on the execution: `...:execution:<state machine name>:<execution name>`.
    add('check-game-day-leg', ['states:DescribeExecution'], `${arn.replace(':stateMachine:', ':execution:')}:*`);
  }
  // The reads a handler makes for the whole plan at once go to RDS as one request per Region (shared/aws/rds.ts):
  // with two or more databases of a kind, a filter (or, for global clusters, a list of all), which IAM authorizes on
  // every resource of that type in the Region.
  const allOf = (type: string, region: string) =>
    type === 'global-cluster' ? `arn:${partition}:rds::${account}:global-cluster:*` : rds(region, type, '*');
  const several = (kind: Plan['databases'][number]['kind']) =>
    plan.databases.filter((db) => db.kind === kind).length >= 2;
  if (several('rds-read-replica')) {
    for (const fn of ['assess', 'check-promotion', 'verify-recovery'] as const) {
      add(fn, ['rds:DescribeDBInstances'], allOf('db', standby));
    }
    add('check-failback-lag', ['rds:DescribeDBInstances'], allOf('db', plan.regions.primary));
  }
  if (several('aurora-global')) {
    for (const fn of ['assess', 'check-promotion', 'verify-recovery'] as const) {
      add(fn, ['rds:DescribeDBClusters'], allOf('cluster', standby));
      add(fn, ['rds:DescribeGlobalClusters'], allOf('global-cluster', standby));
    }
    add('check-failback-lag', ['rds:DescribeGlobalClusters'], allOf('global-cluster', plan.regions.primary));
  }
  // Once each: several databases of a plan share a zone, a global cluster or the throwaways' patterns.
  const seen = new Set<string>();
  return found.filter((need) => {
    const key = JSON.stringify(need);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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

/**
 * How many resources of one denied action a role's finding names one by one. Past it, the denials of that action and
 * cause are one finding that counts them and names the first few: a plan missing from the deployment (every call of
 * every step denied) gave a plan at the size limits over a thousand findings, a readiness item over DynamoDB's 400 KB
 * item quota, and so no readiness at all.
 */
export const DENIALS_LISTED = 8;

/**
 * One finding per denied action and resource, naming the role, the step, the action and the fix; more than
 * DENIALS_LISTED resources of the same action and cause, one finding for them all.
 */
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
    const step = `the ${reading.function} step of plan ${plan.app}`;
    const groups = new Map<string, { action: string; found: string; fix: string; resources: string[] }>();
    for (const decision of reading.decisions ?? []) {
      if (decision.decision === 'allowed') continue;
      const byOrganizations = decision.allowedByOrganizations === false;
      const byBoundary = decision.allowedByBoundary === false;
      const found = `${decision.decision}${byOrganizations ? " by the organization's SCPs" : byBoundary ? ' by the permissions boundary' : ''}`;
      const key = `${decision.action}|${found}`;
      const group = groups.get(key) ?? {
        action: decision.action,
        found,
        fix: byOrganizations
          ? `have the organization's administrators exempt this role from the SCP that denies ${decision.action}`
          : byBoundary
            ? `allow ${decision.action} in the role's permissions boundary`
            : `deploy again with this plan in plans/ (npm run package, then npx serverless deploy): the ${reading.function} role is then granted ${decision.action}`,
        resources: [],
      };
      group.resources.push(decision.resource);
      groups.set(key, group);
    }
    return [...groups.values()].flatMap(({ action, found, fix, resources }): PermissionFinding[] =>
      resources.length <= DENIALS_LISTED
        ? resources.map((denied) => ({
            check: 'role-permission',
            resource,
            expected: `${action} allowed on ${denied} (${step})`,
            found,
            fix,
          }))
        : [
            {
              check: 'role-permission',
              resource,
              expected: `${action} allowed on ${resources.length} resources (${step}): ${resources.slice(0, DENIALS_LISTED).join(', ')} and ${resources.length - DENIALS_LISTED} more`,
              found,
              fix,
            },
          ],
    );
  });
