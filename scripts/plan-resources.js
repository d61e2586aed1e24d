// Values that serverless.yml derives from the plans (and from the ledger's key schema) at package time, through
// `${file(./scripts/plan-resources.js):<name>}`. The plans are loaded with the product's own loader, so a bad plan
// fails `serverless package` with the same message, file and field path as `switchback plan validate`.
// ARNs are CloudFormation `Fn::Sub` strings: `${aws:accountId}` would need AWS credentials at package time.
const { readdirSync } = require('node:fs');
const { extname, join, relative } = require('node:path');
// Our TypeScript modules are loaded with require, lazily. serverless runs on plain Node, which cannot resolve our
// extensionless TypeScript imports: scripts/require-ts.js registers `.ts` with Node's loader as it loads (swc compiles
// them). A runner that already compiles TypeScript (jest) resolves them itself.
require('./require-ts');

const root = join(__dirname, '..');
// The functions read these plans at run time compiled to JSON (scripts/compile-plans.js, PLANS_DIR=build/plans).
const plansDir = join(root, 'plans');

/** A message-only error: osls prints a rejection's stack, and a plan author needs the field, not our frames. */
const planError = (message) => {
  const error = new Error(message);
  error.stack = message;
  return error;
};

let loaded;
let reported = false;

/**
 * The plans of a folder, checked as one deployment: each plan valid, no database, record or alarm named twice, one
 * standby region for all (the deployment lives there), each RTO budget at least the plan's fastest possible
 * recovery. Throws one message listing every problem with its file and field, and the other place of a conflict.
 */
const loadDeployment = (dir) => {
  const { loadPlanFile, PlanRegistry } = require('../shared/plan/load');
  const checks = require('../shared/domain/plan-checks');
  const files = readdirSync(dir)
    .filter((file) => ['.yml', '.yaml'].includes(extname(file)))
    .sort();
  if (files.length === 0) {
    throw new Error(
      `${relative(root, dir) || dir} holds no plan (*.yml): add one (see plans/example.yml) before packaging`,
    );
  }
  const entries = files.map((file) => ({
    source: relative(root, join(dir, file)),
    plan: loadPlanFile(join(dir, file)),
  }));
  const issues = [
    ...checks.overlapIssues(entries),
    ...checks.standbyRegionIssues(entries),
    ...checks.rtoFloorIssues(entries),
  ];
  if (issues.length > 0) throw new Error(issues.map(checks.formatPlanIssue).join('\n'));
  // Plan names unique, each alarm in one plan.
  new PlanRegistry(entries.map((entry) => entry.plan));
  return entries.map((entry) => entry.plan);
};

/** The deployment's plans, loaded once per `serverless` run; every value below comes from them. */
const loadPlans = () => {
  if (loaded) return loaded;
  try {
    loaded = loadDeployment(plansDir);
    return loaded;
  } catch (error) {
    // Every variable that needs the plans fails; say why once, and only point back to it after that.
    if (reported) throw planError('(the same plan error as above)');
    reported = true;
    throw planError(
      `${error instanceof Error ? error.message : String(error)}\n` +
        'Fix the plan, then check with: npx switchback plan validate plans/',
    );
  }
};

const sub = (text) => ({ 'Fn::Sub': text });
const rdsArn = (region, type, id) => sub(`arn:\${AWS::Partition}:rds:${region}:\${AWS::AccountId}:${type}:${id}`);
// Global clusters are not regional: their ARN has no region.
const globalClusterArn = (id) => sub(`arn:\${AWS::Partition}:rds::\${AWS::AccountId}:global-cluster:${id}`);
const zoneId = (id) => id.replace(/^\/hostedzone\//, '');
const unique = (values) => [...new Set(values)];
/** shared/aws/alarms.ts: the health-check alarms live in us-east-1. */
const HEALTH_ALARM_REGION = 'us-east-1';
/** A plan name as a CloudFormation logical id part: `orders-api` -> `OrdersApi`. */
const readinessLogicalId = (app) =>
  app
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * Route 53 compares record names in their normalized form: lower case, no trailing dot, and any character other
 * than a-z, 0-9, "-", "_" and "." as a backslash and three octal digits ("*" is "\052"). aws-facts.md: Route 53
 * Developer Guide, "Using IAM policy conditions for fine-grained access control".
 */
const normalizeRecordName = (name) =>
  name
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/[^a-z0-9._-]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);

/** Statements that each grant `actions` on `resources`; none when a list is empty (IAM rejects empty lists). */
const allow = (actions, resources, condition) =>
  resources.length === 0
    ? []
    : [{ Effect: 'Allow', Action: actions, Resource: resources, ...(condition ? { Condition: condition } : {}) }];

/**
 * The names reprotect gives its copies, as IAM patterns (shared/domain/copy-names.ts, the one source): every copy of a
 * database, any generation, in either region, is `<plan's replica or secondary>-<rp|sc>-<6 hex>`.
 */
const { copyPattern, snapshotPattern } = require('../shared/domain/copy-names');
/** The copies of an RDS database (`<replica>-rp-*`). */
const rdsCopies = (db) => copyPattern(db.replica.instance, 'rp');
/**
 * Both directions of reprotect. After a failover the writer is the plan's standby copy and the new standby goes into
 * the plan's `reprotect.region`, else the old primary's region (the plan's primary). After a failback an RDS
 * database writes in the primary region again, on a copy reprotect made (`<replica>-rp-*`), and its new standby goes
 * back to the standby region, as another copy, the plan's replica being the old primary to snapshot; a later game
 * day runs on those copies (the topology names them, not the file). (An Aurora switchover leaves its old writer as the secondary: no second direction.)
 */
const reprotectPairs = (plans) =>
  plans.flatMap((plan) =>
    plan.databases.flatMap((db) => {
      const writer = db.kind === 'rds-read-replica' ? db.replica : db.secondary;
      const old = db.primary;
      const writerId = db.kind === 'rds-read-replica' ? writer.instance : writer.cluster;
      const oldId = db.kind === 'rds-read-replica' ? old.instance : old.cluster;
      const afterFailover = {
        db,
        writer: { region: writer.region, id: writerId },
        old: { region: old.region, id: oldId },
        target: db.reprotect?.region ?? old.region,
      };
      if (db.kind !== 'rds-read-replica') return [afterFailover];
      const made = rdsCopies(db);
      const madeBack = made;
      const afterFailback = {
        db,
        writer: { region: afterFailover.target, id: made },
        old: { region: writer.region, id: writerId },
        target: writer.region,
      };
      // A later game day starts from those copies: its failover promotes the standby made back (`madeBack`), the
      // old primary is the writer the first reprotect made; after its failback the old writer is `madeBack`.
      const afterLaterFailover = {
        db,
        writer: { region: writer.region, id: madeBack },
        old: { region: afterFailover.target, id: made },
        target: afterFailover.target,
      };
      const afterLaterFailback = { ...afterFailback, old: { region: writer.region, id: madeBack } };
      return [afterFailover, afterFailback, afterLaterFailover, afterLaterFailback];
    }),
  );

const instances = (plans) => plans.flatMap((plan) => plan.databases.filter((db) => db.kind === 'rds-read-replica'));
const globals = (plans) => plans.flatMap((plan) => plan.databases.filter((db) => db.kind === 'aurora-global'));

/**
 * Describe the plans' standby side: the RDS read replicas, the Aurora secondary clusters and the global clusters.
 * Nothing reads the primary region's resources (a run must not wait on the region it recovers from), so no role
 * may describe them (the IAM check in test/integration/drill-scenarios.test.ts checks it against the calls the handlers
 * make).
 */
/**
 * The RDS standbys a failover reads and promotes, in the plan's standby region: the plan's replica and, after a game
 * day (a failback, then reprotect the other way), a copy reprotect made there (`<replica>-rp-*`). The failover names
 * the topology's standby, not the file's.
 */
const failoverStandbyArns = (plans) =>
  instances(plans).flatMap((db) => [rdsArn(db.replica.region, 'db', db.replica.instance), reprotectedStandbyArn(db)]);

/**
 * The RDS standbys a failback reads and promotes, in the plan's primary region: one named after the plan's primary
 * with a suffix (e.g. `orders-db-standby`, made beside the old primary it replaces), or a copy reprotect made there.
 */
const failbackStandbyArns = (db) => [
  rdsArn(db.primary.region, 'db', `${db.primary.instance}-*`),
  rdsArn(db.primary.region, 'db', rdsCopies(db)),
];

/** The copies reprotect made in the plan's standby region. */
const reprotectedStandbyArn = (db) => rdsArn(db.replica.region, 'db', rdsCopies(db));

/**
 * The `db:*`, `cluster:*` or `global-cluster:*` a handler that reads a whole plan needs when it may read two or more
 * of a kind in one request: shared/aws/rds.ts sends the reads a handler makes at once as one request per Region (a
 * `db-instance-id` or `db-cluster-id` filter; a list of the account's global clusters, which take no filter), and IAM
 * authorizes such a request on every resource of that type in the Region, no narrower (as the sweep's list calls).
 * Only where one plan has two or more of the kind (in one Region): a plan with one of each reads each by its
 * identifier, and its roles keep naming each resource.
 *
 * @param kind - the databases read: 'rds-read-replica' or 'aurora-global'
 * @param regionOf - the Region the handler reads a database of that kind in
 * @param type - 'db', 'cluster' or 'global-cluster'
 */
const batchedReadArns = (plans, kind, regionOf, type) =>
  unique(
    plans.flatMap((plan) => {
      const perRegion = new Map();
      for (const db of plan.databases.filter((candidate) => candidate.kind === kind)) {
        perRegion.set(regionOf(db), (perRegion.get(regionOf(db)) ?? 0) + 1);
      }
      return [...perRegion].filter(([, count]) => count >= 2).map(([region]) => region);
    }),
  ).map((region) => (type === 'global-cluster' ? globalClusterArn('*') : rdsArn(region, type, '*')));

/** Read the failback standbys and the global clusters; `batched`: all at once (batchedReadArns). */
const rdsFailbackReads = (plans, { batched = false } = {}) => [
  ...allow(
    ['rds:DescribeDBInstances'],
    [
      ...instances(plans).flatMap(failbackStandbyArns),
      ...(batched ? batchedReadArns(plans, 'rds-read-replica', (db) => db.primary.region, 'db') : []),
    ],
  ),
  ...allow(
    ['rds:DescribeGlobalClusters'],
    [
      ...globals(plans).map((db) => globalClusterArn(db.globalCluster)),
      ...(batched ? batchedReadArns(plans, 'aurora-global', (db) => db.primary.region, 'global-cluster') : []),
    ],
  ),
];

/** Describe the standby side; `failover`: the standbys as the topology names them (failoverStandbyArns). */
const rdsDescribeStatements = (plans, { failover = false } = {}) => [
  ...allow(
    ['rds:DescribeDBInstances'],
    [
      ...(failover
        ? failoverStandbyArns(plans)
        : instances(plans).map((db) => rdsArn(db.replica.region, 'db', db.replica.instance))),
      ...batchedReadArns(plans, 'rds-read-replica', (db) => db.replica.region, 'db'),
    ],
  ),
  ...allow(
    ['rds:DescribeDBClusters'],
    [
      ...globals(plans).map((db) => rdsArn(db.secondary.region, 'cluster', db.secondary.cluster)),
      ...batchedReadArns(plans, 'aurora-global', (db) => db.secondary.region, 'cluster'),
    ],
  ),
  ...allow(
    ['rds:DescribeGlobalClusters'],
    [
      ...globals(plans).map((db) => globalClusterArn(db.globalCluster)),
      ...batchedReadArns(plans, 'aurora-global', (db) => db.secondary.region, 'global-cluster'),
    ],
  ),
];

/** Read the Slack secrets the plans name, and nothing else. */
const secretStatements = (plans) => {
  const secrets = plans.flatMap((plan) => {
    const secret = plan.notifications.slack?.secret;
    return secret ? [secret] : [];
  });
  const secretsManager = secrets
    .filter((secret) => secret.source === 'secretsmanager')
    // Secrets Manager appends "-" and 6 random characters to a secret's name in its ARN.
    .map((secret) =>
      secret.name.startsWith('arn:')
        ? secret.name
        : sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secret.name}-??????`),
    );
  const ssm = secrets
    .filter((secret) => secret.source === 'ssm')
    .map((secret) =>
      secret.name.startsWith('arn:')
        ? secret.name
        : sub(
            `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${secret.name.replace(/^\//, '')}`,
          ),
    );
  return [
    ...allow(['secretsmanager:GetSecretValue'], unique(secretsManager)),
    ...allow(['ssm:GetParameter'], unique(ssm)),
  ];
};

/**
 * The records Flip DNS edits, by zone: every record of a `route53-records` plan (it flips their roles); of a plan that
 * switches DNS with ARC or a switch alarm, only those with a `maintenance-target` fence, which its failback gives
 * their values back (their failover never edits a record).
 */
const flipDnsZones = (plans) =>
  plans.flatMap((plan) =>
    plan.dns
      .map((zone) => ({
        zone,
        records:
          plan.dnsSwitch.method === 'route53-records'
            ? zone.records
            : zone.records.filter((record) => record.fence?.method === 'maintenance-target'),
      }))
      .filter(({ records }) => records.length > 0),
  );

/**
 * Flip DNS: list the zones of the records it edits (flipDnsZones), and UPSERT only those record names and types in
 * them (record-level condition keys).
 */
const route53FlipStatements = (plans) =>
  flipDnsZones(plans).flatMap(({ zone, records }) => {
    const arn = sub(`arn:\${AWS::Partition}:route53:::hostedzone/${zoneId(zone.hostedZoneId)}`);
    return [
      ...allow(['route53:ListResourceRecordSets'], [arn]),
      ...allow(['route53:ChangeResourceRecordSets'], [arn], {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': unique(
            records.map((record) => normalizeRecordName(record.name)),
          ),
          'route53:ChangeResourceRecordSetsRecordTypes': unique(records.map((record) => record.type)),
          'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
        },
      }),
    ];
  });

/**
 * Fence the old region's records of every plan that gives them a fence (`dns[].records[].fence`), whatever its DNS
 * switch: list their zones, and UPSERT only those record names and types (record-level condition keys).
 */
const route53FenceStatements = (plans) =>
  plans
    .flatMap((plan) => plan.dns)
    .map((zone) => ({
      zone,
      edited: zone.records.filter((record) => record.fence?.method === 'maintenance-target'),
      inverted: zone.records.filter((record) => record.fence?.method === 'health-check-inverted'),
    }))
    .filter(({ edited, inverted }) => edited.length > 0 || inverted.length > 0)
    .flatMap(({ zone, edited }) => {
      const arn = sub(`arn:\${AWS::Partition}:route53:::hostedzone/${zoneId(zone.hostedZoneId)}`);
      return [
        ...allow(['route53:ListResourceRecordSets'], [arn]),
        ...(edited.length > 0
          ? allow(['route53:ChangeResourceRecordSets'], [arn], {
              'ForAllValues:StringEquals': {
                'route53:ChangeResourceRecordSetsNormalizedRecordNames': unique(
                  edited.map((record) => normalizeRecordName(record.name)),
                ),
                'route53:ChangeResourceRecordSetsRecordTypes': unique(edited.map((record) => record.type)),
                'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
              },
            })
          : []),
      ];
    });

/**
 * The health checks that `health-check-inverted` record fences name (both records' of each pair): read and update
 * (the fence inverts the old region's; flip-dns puts it back when its record is PRIMARY again).
 */
const invertedHealthCheckStatements = (plans) =>
  allow(
    ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'],
    unique(
      plans
        .flatMap((plan) => plan.dns.flatMap((zone) => zone.records))
        .flatMap((record) =>
          record.fence?.method === 'health-check-inverted'
            ? [record.fence.primaryHealthCheckId, record.fence.standbyHealthCheckId]
            : [],
        ),
    ).map((id) => sub(`arn:\${AWS::Partition}:route53:::healthcheck/${id}`)),
  );

/** The routing controls of the `arc-routing-control` plans whose records' fence keeps the old region's Off. */
const arcFenceStatements = (plans) =>
  allow(
    ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
    unique(
      plans.flatMap((plan) =>
        plan.dnsSwitch.method === 'arc-routing-control' &&
        plan.dns.some((zone) => zone.records.some((record) => record.fence?.method === 'routing-control-off'))
          ? [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]
          : [],
      ),
    ),
  );

/** Read and set the routing controls of the `arc-routing-control` plans. */
const arcFlipStatements = (plans) =>
  allow(
    ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
    unique(
      plans.flatMap((plan) =>
        plan.dnsSwitch.method === 'arc-routing-control'
          ? [plan.dnsSwitch.routingControls.primary, plan.dnsSwitch.routingControls.standby]
          : [],
      ),
    ),
  );

/** shared/domain/dns-switch.ts SWITCH_METRIC.namespace: the only namespace Switchback publishes a switch to. */
const SWITCH_METRIC_NAMESPACE = 'Switchback/DnsSwitch';
/** The switch alarms of the `alarm-health-check` plans, in each plan's standby region. */
const switchAlarmArns = (plans) =>
  unique(
    plans.flatMap((plan) =>
      plan.dnsSwitch.method === 'alarm-health-check' ? [`${plan.regions.standby}:${plan.dnsSwitch.alarmName}`] : [],
    ),
  ).map((key) => {
    const [region, ...name] = key.split(':');
    return sub(`arn:\${AWS::Partition}:cloudwatch:${region}:\${AWS::AccountId}:alarm:${name.join(':')}`);
  });

/**
 * Read the switch alarms of the `alarm-health-check` plans, and publish the switch metric: PutMetricData has no
 * resource-level permission (IAM authorizes it on "*"), so a condition holds it to Switchback's namespace.
 */
const alarmSwitchStatements = (plans) => {
  const alarms = switchAlarmArns(plans);
  return alarms.length === 0
    ? []
    : [
        ...allow(['cloudwatch:DescribeAlarms'], alarms),
        ...allow(['cloudwatch:PutMetricData'], ['*'], {
          StringEquals: { 'cloudwatch:namespace': SWITCH_METRIC_NAMESPACE },
        }),
      ];
};

/** The plans that schedule restore tests. */
const restoreTestPlans = (plans) => plans.filter((plan) => plan.backups.restoreTest);

/**
 * The EventBridge Scheduler schedules of the stack (group `default`): per plan its readiness schedule, which invokes
 * the readiness function, and with backups.restoreTest its restore-test schedule, which starts the restore-test
 * state machine. One list: the resources below are named from it, and readiness is told it (WIRING_SCHEDULES) and
 * may read exactly it (scheduler:GetSchedule).
 */
const functionArn = (name) =>
  sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${AWS::StackName}-${name}`);
const wiringSchedules = (plans) => [
  ...plans.flatMap((plan) => [
    // A string, not GetAtt: the readiness function's own environment names it (no circular reference).
    { name: `\${AWS::StackName}-readiness-${plan.app}`, target: functionArn('readiness') },
    ...(plan.backups.restoreTest
      ? [{ name: `\${AWS::StackName}-restore-test-${plan.app}`, target: { Ref: 'RestoreTestStateMachine' } }]
      : []),
    ...(plan.trigger.prober
      ? [
          {
            name: `\${AWS::StackName}-prober-${plan.app}`,
            target: { 'Fn::GetAtt': ['ProbeDashprimaryLambdaFunction', 'Arn'] },
          },
        ]
      : []),
  ]),
  // The fence retry (serverless.yml FenceRetrySchedule): one for the stack.
  { name: `\${AWS::StackName}-fence-retry`, target: { 'Fn::GetAtt': ['StartDashfenceLambdaFunction', 'Arn'] } },
];
/** Identifiers of Switchback's throwaways (shared/domain/restore-test.ts RESTORE_PREFIX): the only ones restore roles touch. */
const RESTORE_PREFIX = 'sbrt-';
const restoreArns = (plans, type) =>
  unique(restoreTestPlans(plans).map((plan) => plan.regions.standby)).map((region) =>
    rdsArn(region, type, `${RESTORE_PREFIX}*`),
  );
const logicalId = (text) =>
  text
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The runbook functions readiness simulates, each with its role's logical id (`probe-primary` -> `ProbePrimaryRole`). */
const stepRoles = () =>
  require('../shared/domain/step-permissions').STEP_FUNCTIONS.map((name) => ({
    name,
    role: `${logicalId(name)}Role`,
  }));

module.exports = {
  /** For tests: the deployment checks over any folder. */
  loadDeployment,
  /** For tests: the wildcard a plan-wide reader needs for reads sent as one request (over any plans). */
  batchedReadArns,
  /**
   * Start Restore: find the newest restorable point (replicated automated backups, listed by source: the same
   * "any resource" as rdsBackupStatements; the Aurora secondaries), then restore it into a throwaway whose identifier
   * carries the restore prefix, in the plan's subnet group. Tags are set at creation (AddTagsToResource).
   */
  restoreStartStatements: () => {
    const plans = restoreTestPlans(loadPlans());
    // A restore authorizes on the subnet group it names: an instance restore on the groups of plans with an RDS
    // instance, a cluster restore on those of plans with an Aurora global database.
    const subnetGroups = (withKind) =>
      unique(withKind.map((plan) => JSON.stringify([plan.regions.standby, plan.backups.restoreTest.subnetGroup]))).map(
        (key) => {
          const [region, name] = JSON.parse(key);
          return rdsArn(region, 'subgrp', name);
        },
      );
    const instanceGroups = subnetGroups(plans.filter((plan) => instances([plan]).length > 0));
    const clusterGroups = subnetGroups(plans.filter((plan) => globals([plan]).length > 0));
    const secondaries = globals(plans).map((db) => rdsArn(db.secondary.region, 'cluster', db.secondary.cluster));
    const standbyRegions = unique(plans.map((plan) => plan.regions.standby));
    return [
      ...allow(['rds:DescribeDBInstanceAutomatedBackups'], plans.length ? ['*'] : []),
      ...allow(['rds:DescribeDBClusters'], [...secondaries, ...restoreArns(plans, 'cluster')]),
      ...allow(['rds:DescribeDBInstances'], restoreArns(plans, 'db')),
      ...allow(
        ['rds:RestoreDBInstanceToPointInTime'],
        instances(plans).length
          ? [
              ...restoreArns(plans, 'db'),
              ...standbyRegions.map((region) => rdsArn(region, 'auto-backup', '*')),
              ...instanceGroups,
            ]
          : [],
      ),
      ...allow(
        ['rds:RestoreDBClusterToPointInTime'],
        secondaries.length ? [...restoreArns(plans, 'cluster'), ...secondaries, ...clusterGroups] : [],
      ),
      ...allow(['rds:AddTagsToResource'], [...restoreArns(plans, 'db'), ...restoreArns(plans, 'cluster')]),
    ];
  },

  /** Check Restore: read the throwaways; add the instance to a restored Aurora cluster. Prefix only. */
  restoreCheckStatements: () => {
    const plans = restoreTestPlans(loadPlans());
    return [
      ...allow(['rds:DescribeDBInstances'], restoreArns(plans, 'db')),
      ...allow(['rds:DescribeDBClusters'], restoreArns(plans, 'cluster')),
      ...allow(
        ['rds:CreateDBInstance'],
        globals(plans).length ? [...restoreArns(plans, 'db'), ...restoreArns(plans, 'cluster')] : [],
      ),
      ...allow(['rds:AddTagsToResource'], globals(plans).length ? restoreArns(plans, 'db') : []),
    ];
  },

  /** Clean Up Restore and the sweeper: delete throwaways (prefix only); the sweeper also lists them. */
  restoreDeleteStatements: () => {
    const plans = restoreTestPlans(loadPlans());
    return [
      ...allow(['rds:DescribeDBInstances'], restoreArns(plans, 'db')),
      ...allow(['rds:DescribeDBClusters'], restoreArns(plans, 'cluster')),
      ...allow(['rds:DeleteDBInstance'], restoreArns(plans, 'db')),
      ...allow(['rds:DeleteDBCluster'], restoreArns(plans, 'cluster')),
    ];
  },

  /** The sweep at the start of each test (Plan Restore Tests): delete expired throwaways, prefix only. */
  restoreSweepStatements: () => {
    const plans = restoreTestPlans(loadPlans());
    return [
      ...allow(['rds:DeleteDBInstance'], restoreArns(plans, 'db')),
      ...allow(['rds:DeleteDBCluster'], restoreArns(plans, 'cluster')),
    ];
  },

  /** Validate Restore: invoke the plans' validation hooks, and nothing else. */
  restoreHookStatements: () => {
    const hooks = restoreTestPlans(loadPlans()).flatMap((plan) => {
      const hook = plan.backups.restoreTest.validationHook;
      if (!hook) return [];
      return [
        hook.startsWith('arn:')
          ? hook
          : sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${hook}`),
      ];
    });
    return allow(['lambda:InvokeFunction'], hooks);
  },

  /**
   * Per plan with restore tests: its EventBridge Scheduler schedule (default weekly) that starts the restore-test
   * state machine, and per database two alarms on RestoreTestPassed: a test failed (the daily minimum is 0), and no
   * test passed within maxAgeDays (no datapoint of 1 in that many days; missing data breaches).
   */
  restoreTestResources: () => {
    const plans = restoreTestPlans(loadPlans());
    if (plans.length === 0) return {};
    const resources = {};
    for (const plan of plans) {
      const settings = plan.backups.restoreTest;
      resources[`${logicalId(plan.app)}RestoreTestSchedule`] = {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: sub(wiringSchedules([plan])[1].name),
          Description: `Restore test of plan ${plan.app}'s backups`,
          ScheduleExpression: settings.schedule,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: { Ref: 'RestoreTestStateMachine' },
            RoleArn: { 'Fn::GetAtt': ['RestoreTestSchedulerRole', 'Arn'] },
            Input: JSON.stringify({ plan: plan.app, action: 'restore-test', requestedBy: 'schedule' }),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          },
        },
      };
      for (const db of plan.databases) {
        const dimensions = [
          { Name: 'plan', Value: plan.app },
          { Name: 'database', Value: db.id },
        ];
        const base = {
          Namespace: 'Switchback',
          MetricName: 'RestoreTestPassed',
          Dimensions: dimensions,
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          // serverless.yml AlertsTopic: a failed or stale restore test reaches people, and so does its recovery.
          AlarmActions: [{ Ref: 'AlertsTopic' }],
          OKActions: [{ Ref: 'AlertsTopic' }],
        };
        resources[`${logicalId(`${plan.app}-${db.id}`)}RestoreTestFailedAlarm`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            ...base,
            AlarmName: sub(`\${AWS::StackName}-restore-test-failed-${plan.app}-${db.id}`),
            AlarmDescription: `A restore test of ${plan.app}/${db.id} failed (see switchback history and the ledger).`,
            Statistic: 'Minimum',
            Period: 86400,
            EvaluationPeriods: 1,
            TreatMissingData: 'notBreaching',
          },
        };
        resources[`${logicalId(`${plan.app}-${db.id}`)}RestoreTestStaleAlarm`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            ...base,
            AlarmName: sub(`\${AWS::StackName}-restore-test-stale-${plan.app}-${db.id}`),
            AlarmDescription: `No restore test of ${plan.app}/${db.id} passed within ${settings.maxAgeDays} days.`,
            Statistic: 'Maximum',
            Period: 86400,
            // CloudWatch evaluates at most 7 days of daily periods: maxAgeDays is capped at 7 by the plan schema.
            EvaluationPeriods: settings.maxAgeDays,
            DatapointsToAlarm: settings.maxAgeDays,
            TreatMissingData: 'breaching',
          },
        };
      }
    }
    resources.RestoreTestSchedulerRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'start-restore-test',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'RestoreTestStateMachine' } },
              ],
            },
          },
        ],
      },
    };
    return { Resources: resources };
  },

  /** The readiness function's WIRING_SCHEDULES: each schedule `name=targetArn`, comma-separated. */
  wiringSchedulesEnvironment: () => {
    const schedules = wiringSchedules(loadPlans());
    if (schedules.length === 0) return '';
    return {
      'Fn::Join': [
        ',',
        schedules.map((schedule) => ({
          'Fn::Join': ['=', [sub(schedule.name), schedule.target]],
        })),
      ],
    };
  },
  /**
   * The roles readiness simulates (shared/domain/step-permissions.ts STEP_FUNCTIONS: every function that calls AWS on
   * a plan's resources), as `function=roleName,...` for its FUNCTION_ROLE_NAMES: names (`Ref` of a role), not ARNs,
   * so that the environment stays well within Lambda's 4 KB (the function builds each ARN in its own partition and
   * account). Each function's role is `<PascalCaseName>Role` (serverless.yml functions.<name>.role;
   * scripts/check-template.ts checks both agree).
   */
  functionRoleNamesEnvironment: () => ({
    'Fn::Join': [',', stepRoles().map(({ name, role }) => ({ 'Fn::Join': ['=', [name, { Ref: role }]] }))],
  }),
  /** The readiness role may ask IAM's policy simulator about exactly those roles. */
  simulateRoleStatements: () =>
    allow(
      ['iam:SimulatePrincipalPolicy'],
      stepRoles().map(({ role }) => ({ 'Fn::GetAtt': [role, 'Arn'] })),
    ),
  /** The readiness role reads exactly the stack's schedules. */
  readinessScheduleStatements: () =>
    allow(
      ['scheduler:GetSchedule'],
      wiringSchedules(loadPlans()).map((schedule) =>
        sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/default/${schedule.name}`),
      ),
    ),

  /** Every plan's trigger alarms: the detail.alarmName filter of the on-health-alarm rule. */
  alarmNames: () =>
    loadPlans().flatMap((plan) =>
      require('../shared/domain/quorum')
        .planSignals(plan)
        .map((signal) => signal.alarmName),
    ),
  /**
   * The alarm states the on-health-alarm rule lets through: ALARM only, unless a plan has a quorum (its signals
   * leaving ALARM must be heard too, shared/domain/quorum.ts intakeAlarmStates).
   */
  alarmStates: () => require('../shared/domain/quorum').intakeAlarmStates(loadPlans()),

  /** The plans' app names (scripts/check-template.ts reports them). */
  planNames: () => loadPlans().map((plan) => plan.app),

  rdsDescribeStatements: () => rdsDescribeStatements(loadPlans()),

  /** The failover's reads of the standby side (Assess, Check Promotion, Verify Recovery): the topology's standbys. */
  rdsFailoverDescribeStatements: () => rdsDescribeStatements(loadPlans(), { failover: true }),

  /**
   * Backups replicated across regions are listed with a filter (`db-instance-id` = source ARN), which names no
   * resource that IAM could match, and their own ARNs (`auto-backup:ab-…`) are generated by RDS: this read-only
   * describe cannot be narrowed below "any resource" without breaking the backup checks. (Aurora needs none: a
   * global database's secondary is itself the cross-region copy.)
   */
  rdsBackupStatements: () => allow(['rds:DescribeDBInstanceAutomatedBackups'], ['*']),

  /**
   * Read the standby's state first (the RDS replica; the global cluster and its members), then promote it: read
   * replica promote, Aurora global failover or switchover.
   */
  rdsPromoteStatements: () => {
    const plans = loadPlans();
    return [
      ...allow(['rds:DescribeDBInstances'], failoverStandbyArns(plans)),
      ...allow(
        ['rds:DescribeGlobalClusters'],
        globals(plans).map((db) => globalClusterArn(db.globalCluster)),
      ),
      ...allow(['rds:PromoteReadReplica'], failoverStandbyArns(plans)),
      // Both actions authorize on the global cluster and on its member clusters.
      ...allow(
        ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
        globals(plans).flatMap((db) => [
          globalClusterArn(db.globalCluster),
          rdsArn(db.primary.region, 'cluster', db.primary.cluster),
          rdsArn(db.secondary.region, 'cluster', db.secondary.cluster),
        ]),
      ),
    ];
  },

  /**
   * Assess's preflight and Verify Recovery read the record pairs of `route53-records` plans only on the live path: an
   * `arc-routing-control` plan's failover never calls Route 53's API (us-east-1), so its zones are not granted here.
   */
  assessRoute53ReadStatements: () => {
    const zones = loadPlans()
      .filter((plan) => plan.dnsSwitch.method === 'route53-records')
      .flatMap((plan) => plan.dns);
    const arns = unique(zones.map((zone) => zoneId(zone.hostedZoneId))).map((id) =>
      sub(`arn:\${AWS::Partition}:route53:::hostedzone/${id}`),
    );
    return allow(['route53:ListResourceRecordSets'], arns);
  },

  /**
   * Verify Failback reads the record pairs of `route53-records` plans (their roles, what DNS answers), and of the
   * other plans the zones of their `maintenance-target` fences (a record that still answers the maintenance target).
   */
  verifyFailbackRoute53ReadStatements: () => {
    const arns = unique(flipDnsZones(loadPlans()).map(({ zone }) => zoneId(zone.hostedZoneId))).map((id) =>
      sub(`arn:\${AWS::Partition}:route53:::hostedzone/${id}`),
    );
    return allow(['route53:ListResourceRecordSets'], arns);
  },

  /** Read the plans' hosted zones (readiness lists each record pair), and change nothing. */
  route53ReadStatements: () => {
    const zones = loadPlans().flatMap((plan) => plan.dns);
    const arns = unique(zones.map((zone) => zoneId(zone.hostedZoneId))).map((id) =>
      sub(`arn:\${AWS::Partition}:route53:::hostedzone/${id}`),
    );
    return allow(['route53:ListResourceRecordSets'], arns);
  },

  /**
   * Assess Reprotect: read each database's writer (the plan's standby copy after a failover), whether the old
   * primary's region answers (its old primary), and the Aurora global clusters.
   */
  rdsReprotectAssessStatements: () => {
    const pairs = reprotectPairs(loadPlans());
    const rds = pairs.filter((pair) => pair.db.kind === 'rds-read-replica');
    const aurora = pairs.filter((pair) => pair.db.kind === 'aurora-global');
    return [
      ...allow(
        ['rds:DescribeDBInstances'],
        rds.flatMap((pair) => [
          rdsArn(pair.writer.region, 'db', pair.writer.id),
          rdsArn(pair.old.region, 'db', pair.old.id),
        ]),
      ),
      ...allow(
        ['rds:DescribeDBClusters'],
        aurora.flatMap((pair) => [
          rdsArn(pair.writer.region, 'cluster', pair.writer.id),
          rdsArn(pair.old.region, 'cluster', pair.old.id),
        ]),
      ),
      ...allow(
        ['rds:DescribeGlobalClusters'],
        unique(aurora.map((pair) => pair.db.globalCluster)).map(globalClusterArn),
      ),
    ];
  },

  /**
   * Reprotect Database. RDS: snapshot the old primary (its snapshot, named `<old>-pre-*`), create the cross-region
   * read replica (`<replica>-rp-*`, authorized on the replica and on its source) with the plan's KMS key of that
   * region (RDS uses the key for the caller: kms:CreateGrant and kms:DescribeKey), and delete the old primary only
   * for the plans that ask (`reprotect.deleteOldPrimary`), with its final snapshot (`<old>-final-*`). Aurora: read
   * the global cluster and its members; a new secondary cluster (`<secondary>-sc-*`) and its instance join it.
   */
  rdsReprotectStatements: () => {
    const pairs = reprotectPairs(loadPlans());
    const rds = pairs.filter((pair) => pair.db.kind === 'rds-read-replica');
    const aurora = pairs.filter((pair) => pair.db.kind === 'aurora-global');
    const replica = (pair) => rdsArn(pair.target, 'db', rdsCopies(pair.db));
    const snapshot = (pair, role) => rdsArn(pair.old.region, 'snapshot', snapshotPattern(pair.old.id, role));
    const secondary = (pair) => copyPattern(pair.db.secondary.cluster, 'sc');
    const keys = unique(pairs.flatMap((pair) => Object.values(pair.db.reprotect?.kmsKeys ?? {})));
    const deleting = rds.filter((pair) => pair.db.reprotect?.deleteOldPrimary === true);
    return [
      ...allow(
        ['rds:DescribeDBInstances'],
        rds.flatMap((pair) => [
          rdsArn(pair.writer.region, 'db', pair.writer.id),
          rdsArn(pair.old.region, 'db', pair.old.id),
          replica(pair),
        ]),
      ),
      ...allow(
        ['rds:DescribeDBSnapshots'],
        rds.map((pair) => snapshot(pair, 'pre')),
      ),
      ...allow(
        ['rds:CreateDBSnapshot'],
        rds.flatMap((pair) => [rdsArn(pair.old.region, 'db', pair.old.id), snapshot(pair, 'pre')]),
      ),
      ...allow(
        ['rds:CreateDBInstanceReadReplica'],
        rds.flatMap((pair) => [rdsArn(pair.writer.region, 'db', pair.writer.id), replica(pair)]),
      ),
      ...allow(
        ['rds:DeleteDBInstance'],
        deleting.flatMap((pair) => [rdsArn(pair.old.region, 'db', pair.old.id), snapshot(pair, 'final')]),
      ),
      ...allow(['kms:CreateGrant', 'kms:DescribeKey'], keys),
      ...allow(
        ['rds:DescribeGlobalClusters'],
        unique(aurora.map((pair) => pair.db.globalCluster)).map(globalClusterArn),
      ),
      ...allow(
        ['rds:DescribeDBClusters'],
        aurora.flatMap((pair) => [
          rdsArn(pair.writer.region, 'cluster', pair.writer.id),
          rdsArn(pair.old.region, 'cluster', pair.old.id),
          rdsArn(pair.target, 'cluster', secondary(pair)),
        ]),
      ),
      ...allow(
        ['rds:CreateDBCluster'],
        aurora.flatMap((pair) => [
          rdsArn(pair.target, 'cluster', secondary(pair)),
          globalClusterArn(pair.db.globalCluster),
        ]),
      ),
      ...allow(
        ['rds:CreateDBInstance'],
        aurora.flatMap((pair) => [
          rdsArn(pair.target, 'cluster', secondary(pair)),
          rdsArn(pair.target, 'db', secondary(pair)),
        ]),
      ),
      ...allow(
        ['rds:DescribeDBInstances'],
        aurora.map((pair) => rdsArn(pair.target, 'db', secondary(pair))),
      ),
    ];
  },

  /**
   * Fence: describe and stop the plans' RDS primaries (the old primaries after a failover, in the primary region) and
   * their replicas (the old writers after a failback, in the standby region, before reprotect replaces them);
   * Aurora is only described (the global cluster, and the old primary cluster in its own region): its old primary
   * rejoins the global cluster as a secondary by itself.
   */
  rdsFenceStatements: () => {
    const plans = loadPlans();
    return [
      ...allow(
        ['rds:DescribeDBInstances', 'rds:StopDBInstance'],
        instances(plans).flatMap((db) => [
          rdsArn(db.primary.region, 'db', db.primary.instance),
          rdsArn(db.replica.region, 'db', db.replica.instance),
          // After a game day the old primaries are the replicas reprotect made: the writer it made in the primary
          // region (old after the next failover) and the standby it made back in the standby region (old after the
          // next failback). Only the topology's old primary is ever fenced (fence.ts); IAM cannot tell by name.
          rdsArn(db.primary.region, 'db', rdsCopies(db)),
          reprotectedStandbyArn(db),
        ]),
      ),
      ...allow(
        ['rds:DescribeDBClusters'],
        globals(plans).map((db) => rdsArn(db.primary.region, 'cluster', db.primary.cluster)),
      ),
      ...allow(
        ['rds:DescribeGlobalClusters'],
        globals(plans).map((db) => globalClusterArn(db.globalCluster)),
      ),
    ];
  },

  /**
   * Failback, reading: the standbys in the primary region (RDS: failbackStandbyArns; an Aurora one is the plan's
   * primary cluster) and the global clusters, one at a time (Verify Failback).
   */
  rdsFailbackReadStatements: () => rdsFailbackReads(loadPlans()),

  /** Check Failback Lag reads them all at once: with two or more of a kind, in one request (batchedReadArns). */
  rdsFailbackLagStatements: () => rdsFailbackReads(loadPlans(), { batched: true }),

  /**
   * Failback, moving the writers back: promote the RDS standby in the primary region; switch each global cluster
   * over to its cluster in the primary region (authorized on the global cluster and its member clusters). Never
   * FailoverGlobalCluster: a failback loses no data.
   */
  rdsFailbackStatements: () => {
    const plans = loadPlans();
    const standbys = instances(plans).flatMap(failbackStandbyArns);
    return [
      ...allow(['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], standbys),
      ...allow(
        ['rds:DescribeDBClusters'],
        globals(plans).map((db) => rdsArn(db.primary.region, 'cluster', db.primary.cluster)),
      ),
      ...allow(
        ['rds:DescribeGlobalClusters'],
        globals(plans).map((db) => globalClusterArn(db.globalCluster)),
      ),
      ...allow(
        ['rds:SwitchoverGlobalCluster'],
        globals(plans).flatMap((db) => [
          globalClusterArn(db.globalCluster),
          rdsArn(db.primary.region, 'cluster', db.primary.cluster),
          rdsArn(db.secondary.region, 'cluster', db.secondary.cluster),
        ]),
      ),
    ];
  },

  /**
   * The failback's write pause: read and set each plan's `failback.writePause` parameter, in its region (default:
   * the plan's standby region), and no other. With no plan naming one, an explicit Deny (IAM refuses an empty
   * statement list).
   */
  failbackWritePauseStatements: () => {
    const arns = loadPlans().flatMap((plan) => {
      const pause = plan.failback.writePause;
      if (!pause) return [];
      const region = pause.region ?? plan.regions.standby;
      return [
        sub(
          `arn:\${AWS::Partition}:ssm:${region}:\${AWS::AccountId}:parameter/${pause.ssmParameter.replace(/^\//, '')}`,
        ),
      ];
    });
    const statements = allow(['ssm:GetParameter', 'ssm:PutParameter'], unique(arns));
    return statements.length > 0 ? statements : [{ Effect: 'Deny', Action: ['ssm:PutParameter'], Resource: '*' }];
  },

  /**
   * Flip DNS: list the plans' zones, and UPSERT only the plans' record names and types in them (record-level
   * condition keys, aws-facts.md: Route 53 Developer Guide, "Using IAM policy conditions for fine-grained access
   * control"). One statement per zone, so that a zone's records cannot be written in another plan's zone.
   */
  route53FlipStatements: () => route53FlipStatements(loadPlans()),
  route53FenceStatements: () => [
    // Change ids are generated by Route 53: they cannot be known in advance.
    { Effect: 'Allow', Action: ['route53:GetChange'], Resource: sub(`arn:\${AWS::Partition}:route53:::change/*`) },
    ...route53FenceStatements(loadPlans()),
    ...invertedHealthCheckStatements(loadPlans()),
    ...arcFenceStatements(loadPlans()),
  ],

  /**
   * Read and set the ARC routing controls that the `arc-routing-control` plans name, and nothing else (the routing
   * control data plane; aws-facts.md: ARC Developer Guide). Reading is what "Check DNS Switch" and the read-back need.
   */
  arcFlipStatements: () => arcFlipStatements(loadPlans()),

  /**
   * Read the switch alarms that the `alarm-health-check` plans name (in their standby regions), and publish
   * PutMetricData to Switchback's switch namespace only (`cloudwatch:namespace` condition).
   */
  alarmSwitchStatements: () => alarmSwitchStatements(loadPlans()),

  /**
   * flip-dns's plan policies, as a resources fragment that serverless merges into `resources`: the records it edits
   * (flipDnsZones: a `route53-records` plan's, and the other plans' maintenance-fenced ones, which a failback gives their
   * values back), the routing controls of the `arc-routing-control` plans and the switch alarms of the
   * `alarm-health-check` plans (read by check-dns-sync too), each policy only when some plan needs it (IAM refuses an empty statement list). Decided at package time, like notifySecretsResources.
   */
  flipDnsPlanResources: () => {
    const plans = loadPlans();
    const policy = (name, statements) => ({
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: name,
        Roles: [{ Ref: 'FlipDnsRole' }],
        PolicyDocument: { Version: '2012-10-17', Statement: statements },
      },
    });
    const records = route53FlipStatements(plans);
    const controls = arcFlipStatements(plans);
    const switchAlarms = alarmSwitchStatements(plans);
    const alarmReads = allow(['cloudwatch:DescribeAlarms'], switchAlarmArns(plans));
    const healthChecks = invertedHealthCheckStatements(plans);
    const resources = {
      // The health checks a fence inverted, put back when their record becomes PRIMARY again.
      ...(healthChecks.length > 0 ? { FlipDnsHealthChecksPolicy: policy('plan-health-checks', healthChecks) } : {}),
      ...(records.length > 0 ? { FlipDnsRecordsPolicy: policy('plan-records', records) } : {}),
      ...(controls.length > 0 ? { FlipDnsRoutingControlsPolicy: policy('plan-routing-controls', controls) } : {}),
      ...(switchAlarms.length > 0 ? { FlipDnsSwitchAlarmsPolicy: policy('plan-switch-alarms', switchAlarms) } : {}),
      // Check DNS Sync reads the switch alarm back until it is in the wanted state.
      ...(alarmReads.length > 0
        ? {
            CheckDnsSyncSwitchAlarmsPolicy: {
              ...policy('plan-switch-alarms', alarmReads),
              Properties: {
                ...policy('plan-switch-alarms', alarmReads).Properties,
                Roles: [{ Ref: 'CheckDnsSyncRole' }],
              },
            },
          }
        : {}),
    };
    return Object.keys(resources).length > 0 ? { Resources: resources } : {};
  },

  /**
   * The notifier's policy to read the Slack secrets the plans name, as a resources fragment that serverless merges
   * into `resources`; empty when no plan names a secret (IAM refuses an empty statement list). Decided here at
   * package time rather than by a CloudFormation condition, which would compare two constants.
   */
  notifySecretsResources: () => {
    const statements = secretStatements(loadPlans());
    if (statements.length === 0) return {};
    return {
      Resources: {
        NotifySecretsPolicy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'plan-secrets',
            Roles: [{ Ref: 'NotifyRole' }],
            PolicyDocument: { Version: '2012-10-17', Statement: statements },
          },
        },
      },
    };
  },

  /**
   * Readiness reads the plans' trigger alarms, which live in us-east-1 with the Route 53 health-check metrics
   * (shared/aws/alarms.ts HEALTH_ALARM_REGION), the probers' and the DNS switch alarms in the standby region:
   * DescribeAlarms on those alarms only.
   */
  readinessAlarmStatements: () =>
    allow(
      ['cloudwatch:DescribeAlarms'],
      [
        ...unique(loadPlans().flatMap((plan) => plan.trigger.alarms)).map((name) =>
          sub(`arn:\${AWS::Partition}:cloudwatch:${HEALTH_ALARM_REGION}:\${AWS::AccountId}:alarm:${name}`),
        ),
        // The probers' alarms live in the deployment's own region (the standby), next to their metric.
        ...loadPlans()
          .filter((plan) => plan.trigger.prober)
          .map((plan) =>
            sub(
              `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${require('../shared/plan/schema').proberAlarmName(plan)}`,
            ),
          ),
        // The DNS switch alarms of the alarm-health-check plans, which readiness checks against what a switch does.
        ...switchAlarmArns(loadPlans()),
      ],
    ),

  /**
   * Per plan with a `trigger.prober`: an EventBridge Scheduler schedule that invokes probe-primary with
   * `{ "plan": "<app>" }` every `intervalSeconds` (the scheduler's finest rate is a minute), and the prober's alarm on
   * `Switchback/PrimaryReachable` (dimension plan), in this (the standby) region: ALARM after `failuresToAlarm`
   * periods in a row whose best probe failed (Maximum < 1). Missing data (a prober that did not run) is neither an
   * outage nor health: the alarm keeps its state, and readiness reports it. The alarm has no action: its state
   * changes reach on-health-alarm through the alarm rule of this region (alarmNames). Merged into `resources`.
   */
  proberResources: () => {
    const resources = {};
    const { proberAlarmName } = require('../shared/plan/schema');
    for (const plan of loadPlans()) {
      const prober = plan.trigger.prober;
      if (!prober) continue;
      const id = readinessLogicalId(plan.app);
      const minutes = prober.intervalSeconds / 60;
      resources[`ProberSchedule${id}`] = {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: sub(wiringSchedules([plan]).find((schedule) => schedule.name.endsWith(`-prober-${plan.app}`)).name),
          Description: `Switchback standby prober of plan ${plan.app}'s primary (${plan.regions.primary})`,
          ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Target: {
            Arn: { 'Fn::GetAtt': ['ProbeDashprimaryLambdaFunction', 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['ProberSchedulerRole', 'Arn'] },
            Input: JSON.stringify({ plan: plan.app }),
            // A probe is stale by the next one: no retry past the interval.
            RetryPolicy: { MaximumEventAgeInSeconds: prober.intervalSeconds, MaximumRetryAttempts: 0 },
          },
        },
      };
      resources[`ProberAlarm${id}`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: proberAlarmName(plan),
          AlarmDescription: `The standby prober of plan ${plan.app} cannot reach the primary's health endpoints (a trigger signal of the plan)`,
          Namespace: 'Switchback',
          MetricName: 'PrimaryReachable',
          Dimensions: [{ Name: 'plan', Value: plan.app }],
          Statistic: 'Maximum',
          Period: prober.intervalSeconds,
          EvaluationPeriods: prober.failuresToAlarm,
          DatapointsToAlarm: prober.failuresToAlarm,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'missing',
        },
      };
    }
    return { Resources: resources };
  },

  /**
   * Per plan: an EventBridge Scheduler schedule that invokes the readiness function with `{ "plan": "<app>" }` every
   * `readiness.scheduleMinutes` (default 15), and a CloudWatch alarm on the plan's PlanReady metric (EMF from that
   * function, shared/aws/metrics.ts). The alarm treats missing data as breaching over two schedule periods, so a
   * schedule or function that stopped running is seen as not ready too; it notifies the AlertsTopic. Merged into
   * `resources`.
   */
  readinessResources: () => {
    const resources = {};
    for (const plan of loadPlans()) {
      const id = readinessLogicalId(plan.app);
      if (resources[`ReadinessSchedule${id}`]) {
        throw planError(`plans "${plan.app}" and another plan give the same CloudFormation id ${id}: rename one`);
      }
      const minutes = plan.readiness.scheduleMinutes;
      resources[`ReadinessSchedule${id}`] = {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          // Named, so that readiness can read it (GetSchedule takes a name): wiringSchedules.
          Name: sub(wiringSchedules([plan])[0].name),
          Description: `Switchback readiness of plan ${plan.app}`,
          ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Target: {
            Arn: { 'Fn::GetAtt': ['ReadinessLambdaFunction', 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['ReadinessSchedulerRole', 'Arn'] },
            Input: JSON.stringify({ plan: plan.app }),
            // A readiness result is stale by the next run: no point retrying past it.
            RetryPolicy: { MaximumEventAgeInSeconds: Math.max(60, minutes * 60), MaximumRetryAttempts: 2 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
          },
        },
      };
      resources[`ReadinessAlarm${id}`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: sub(`\${AWS::StackName}-readiness-${plan.app}`),
          AlarmDescription: `Plan ${plan.app} is not ready to fail over (switchback readiness --plan ${plan.app} says why)`,
          // serverless.yml provider.environment.METRICS_NAMESPACE (test/integration/packaged-template.test.ts).
          Namespace: 'Switchback',
          MetricName: 'PlanReady',
          Dimensions: [
            // Powertools adds its service name as a dimension of every metric it emits.
            { Name: 'service', Value: 'switchback' },
            { Name: 'plan', Value: plan.app },
          ],
          Statistic: 'Minimum',
          Period: Math.min(2 * minutes * 60, 86400),
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
          // People hear when a plan stops being ready and when it is ready again (serverless.yml AlertsTopic).
          AlarmActions: [{ Ref: 'AlertsTopic' }],
          OKActions: [{ Ref: 'AlertsTopic' }],
        },
      };
    }
    return { Resources: resources };
  },

  /** Read the Slack secrets the plans name, and nothing else. */
  secretStatements: () => secretStatements(loadPlans()),
  /** The ledger table's keys, from the adapter that reads and writes it (one place says what they are). */
  ledgerKeySchema: () => require('../shared/aws/ledger').LEDGER_KEY_SCHEMA,
  ledgerAttributeDefinitions: () => require('../shared/aws/ledger').LEDGER_ATTRIBUTE_DEFINITIONS,
  ledgerTtlAttribute: () => require('../shared/aws/ledger').LEDGER_TTL_ATTRIBUTE,

  // Exported for scripts/check-template.ts and tests.
  normalizeRecordName,
};
