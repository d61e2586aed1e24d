import { rdsIdentifierRules } from '../domain/copy-names';
import * as z from '../zod';
import { proberAlarmName } from './settings';

// Helpers derived from a validated plan live in ./settings (no schema in their bundle); re-exported for the CLI.
export {
  backupMaxAgeSeconds,
  DEFAULT_BACKUP_MAX_AGE_SECONDS,
  proberAlarmName,
  RESTORABLE_TIME_LAG_SECONDS,
} from './settings';

/**
 * The DR plan: one per application, written by the platform team in `plans/<name>.yml`.
 * Every field a person writes is checked here, and each message says what is expected, because the plan is read
 * at the worst possible moment.
 */

const REGION =
  /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

export const regionSchema = z.string({ error: 'expected an AWS region name such as "us-east-1"' }).check(
  z.regex(REGION, {
    error: (issue) => `"${String(issue.input)}" is not an AWS region name (expected e.g. "us-east-1")`,
  }),
);

const nameSchema = z.string({ error: 'expected a name made of letters, digits and dashes' }).check(
  z.regex(/^[a-z][a-z0-9-]{0,62}$/, {
    error: (issue) =>
      `"${String(issue.input)}" is not a valid name (lower-case letters, digits and dashes, starting with a letter, at most 63)`,
  }),
);

const seconds = (what: string) =>
  z
    .number({ error: `expected ${what} as a whole number of seconds` })
    .check(
      z.int({ error: `expected ${what} as a whole number of seconds` }),
      z.positive({ error: (issue) => `${what} must be greater than 0 seconds (got ${String(issue.input)})` }),
    );

/** The shortest failback.maxLagWaitSeconds: three minutes, for a ReplicaLag datapoint of a minute after the pause. */
export const MIN_LAG_WAIT_SECONDS = 180;

/** RDS's naming rules, each broken one named, so that the author knows what to change (shared/domain/copy-names.ts). */
const RDS_IDENTIFIER_RULES = rdsIdentifierRules();

/**
 * An RDS identifier, in lower case: RDS stores identifiers in lower case and compares them without regard to case
 * (`Orders-DB` names the instance `orders-db`), so the plan does the same, in IAM policies and comparisons alike.
 */
const rdsIdentifier = z.pipe(
  z.string({ error: 'expected an RDS identifier' }).check(
    z.minLength(1, { error: 'expected an RDS identifier' }),
    z.superRefine((value, ctx) => {
      const broken = RDS_IDENTIFIER_RULES.filter(([rule]) => !rule(value)).map(([, what]) => what);
      if (broken.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not an RDS identifier: it ${broken.join(', and ')} (RDS allows 1-63 letters, digits and hyphens, starting with a letter, no hyphen at the end or two in a row)`,
        });
      }
    }),
  ),
  z.transform((value) => value.toLowerCase()),
);

const instanceRef = z.strictObject({ instance: rdsIdentifier, region: regionSchema });
const clusterRef = z.strictObject({ cluster: rdsIdentifier, region: regionSchema });

/** A KMS key ARN: a cross-region replica is encrypted with a key of its own region, named by ARN (IAM grants on it). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(-[a-z]+)+-\d):\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

/**
 * How the reprotect runbook gives the new primary a standby again (statemachines/reprotect.asl.json). All optional:
 * without it the standby goes into the old primary's region, and an encrypted database cannot be re-protected
 * (the run refuses, naming `kmsKeys`).
 */
export const reprotectSchema = z
  .strictObject({
    /** Where the new standby goes; the old primary's region when absent. */
    region: z.optional(regionSchema),
    /**
     * The KMS key per region to encrypt a new standby with, where the source is encrypted: a cross-region replica
     * of an encrypted instance needs a key of the replica's region (RDS User Guide, "Creating a read replica in a
     * different AWS Region"). Keyed by region, so that both directions (after a failback too) are covered.
     */
    kmsKeys: z.optional(
      z.record(
        regionSchema,
        z.string({ error: 'expected a KMS key ARN such as "arn:aws:kms:us-east-1:123456789012:key/1234abcd-…"' }).check(
          z.regex(KMS_KEY_ARN, {
            error: (issue) =>
              `"${String(issue.input)}" is not a KMS key ARN (expected arn:aws:kms:<region>:<account>:key/<key id>; an alias cannot be granted in IAM)`,
          }),
        ),
      ),
    ),
    /** Instance class of a new Aurora secondary's instance (RDS replicas take the source's when absent). */
    instanceClass: z.optional(
      z.string({ error: 'expected an instance class such as "db.r6g.large"' }).check(
        z.regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, {
          error: (issue) => `"${String(issue.input)}" is not a DB instance class (expected e.g. "db.r6g.large")`,
        }),
      ),
    ),
    /** RDS: delete the old primary once the new standby replicates (after its snapshot, with a final snapshot). */
    deleteOldPrimary: z._default(z.boolean({ error: 'expected true or false' }), false),
  })
  .check(
    z.superRefine((settings, ctx) => {
      for (const [region, arn] of Object.entries(settings.kmsKeys ?? {})) {
        const keyRegion = KMS_KEY_ARN.exec(arn)?.[1];
        if (keyRegion && keyRegion !== region) {
          ctx.addIssue({
            code: 'custom',
            path: ['kmsKeys', region],
            message: `the key is in ${keyRegion}, not ${region}: a replica in ${region} needs a key of ${region}`,
          });
        }
      }
    }),
  );
export type ReprotectSettings = z.output<typeof reprotectSchema>;

export const rdsReadReplicaSchema = z.strictObject({
  id: nameSchema,
  kind: z.literal('rds-read-replica'),
  primary: instanceRef,
  replica: instanceRef,
  reprotect: z.optional(reprotectSchema),
});

export const auroraGlobalSchema = z.strictObject({
  id: nameSchema,
  kind: z.literal('aurora-global'),
  globalCluster: rdsIdentifier,
  primary: clusterRef,
  secondary: clusterRef,
  reprotect: z.optional(reprotectSchema),
});

export const databaseSchema = z.discriminatedUnion('kind', [rdsReadReplicaSchema, auroraGlobalSchema], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
    return kind === undefined
      ? 'expected "rds-read-replica" or "aurora-global"'
      : `unknown database kind ${JSON.stringify(kind)}: expected "rds-read-replica" or "aurora-global"`;
  },
});

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'CAA', 'NS', 'PTR', 'SPF', 'NAPTR', 'DS'] as const;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME = /^([a-zA-Z0-9_*]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/;

/** Which maintenance target values a record type can carry (Route 53 API, ResourceRecord value formats). */
const MAINTENANCE_VALUE: Partial<Record<string, { test: (value: string) => boolean; expected: string }>> = {
  A: { test: (value) => IPV4.test(value), expected: 'an IPv4 address such as "192.0.2.10"' },
  AAAA: { test: (value) => value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value), expected: 'an IPv6 address' },
  CNAME: { test: (value) => DNS_NAME.test(value), expected: 'a DNS name such as "maintenance.example.com"' },
};

/** A Route 53 health check id, as CreateHealthCheck returns it (a UUID). */
const healthCheckId = (role: 'primary' | 'standby') =>
  z.string({ error: `expected the id of the ${role} region record's health check` }).check(
    z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
      error: (issue) =>
        `"${String(issue.input)}" is not a Route 53 health check id (expected a UUID such as "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", as \`aws route53 list-health-checks\` shows it)`,
    }),
  );

/**
 * How the fence runbook keeps the old region's record of a pair out of DNS after a failover, so that when the new
 * primary's health check fails, Route 53 does not answer the old region (failover routing switches back by itself,
 * aws-facts.md: Route 53 Developer Guide, failover routing).
 * - `maintenance-target`: the old region's record is pointed at `value` (a maintenance page), keeping its failover
 *   role and health check. A record edit: Route 53's control plane, served from us-east-1 only; while us-east-1 is
 *   down it cannot be made, and the fence retry makes it later (`switchback plan audit` lists it).
 * - `routing-control-off` (`arc-routing-control` plans only): the old region's routing control is kept Off and read
 *   back Off on the cluster's regional endpoints (ARC's data plane, tried in turn, the old region and us-east-1
 *   last): it needs neither the old region nor us-east-1. The record's health check is the control's.
 * - `health-check-inverted` (`route53-records` plans only): the old region record's health check is inverted
 *   (UpdateHealthCheck `Inverted: true`), so that it reads unhealthy while the old region answers, which is when it
 *   returns. Route 53's control plane (us-east-1), like the maintenance target. The plan names both records' health
 *   checks (the fence after a failback fences the standby region's), which is all the fence's role may update;
 *   a failback puts `Inverted` back when the record becomes PRIMARY again.
 */
export const recordFenceSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({
      method: z.literal('maintenance-target'),
      /** The value the old region's record answers instead (an A/AAAA address or a CNAME target). */
      value: z
        .string({ error: 'expected the maintenance target, e.g. "maintenance.example.com"' })
        .check(z.minLength(1)),
    }),
    z.strictObject({ method: z.literal('routing-control-off') }),
    z.strictObject({
      method: z.literal('health-check-inverted'),
      /** The health check of the record with primarySetIdentifier. */
      primaryHealthCheckId: healthCheckId('primary'),
      /** The health check of the record with standbySetIdentifier. */
      standbyHealthCheckId: healthCheckId('standby'),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'expected method "maintenance-target", "routing-control-off" (ARC plans) or "health-check-inverted"'
        : undefined,
  },
);
export type RecordFence = z.output<typeof recordFenceSchema>;

export const failoverRecordSchema = z
  .strictObject({
    name: z.string({ error: 'expected a DNS name such as "api.example.com"' }).check(
      z.regex(DNS_NAME, {
        error: (issue) => `"${String(issue.input)}" is not a DNS name (expected e.g. "api.example.com")`,
      }),
    ),
    type: z.enum(RECORD_TYPES, { error: `expected a record type: ${RECORD_TYPES.join(', ')}` }),
    /** Set identifier of the record that serves the primary region today (Failover: PRIMARY). */
    primarySetIdentifier: z
      .string()
      .check(z.minLength(1, { error: 'expected the set identifier of the primary region record' })),
    /** Set identifier of the record that points at the standby region (Failover: SECONDARY). */
    standbySetIdentifier: z
      .string()
      .check(z.minLength(1, { error: 'expected the set identifier of the standby region record' })),
    /** How the old region's record is kept out of DNS after a failover; absent: it is not (a warning in the fence run). */
    fence: z.optional(recordFenceSchema),
  })
  .check(
    z.refine(
      (record) => {
        if (record.fence?.method !== 'maintenance-target') return true;
        const allowed = MAINTENANCE_VALUE[record.type];
        return allowed?.test(record.fence.value.replace(/\.$/, '')) === true;
      },
      {
        path: ['fence', 'value'],
        message:
          'the maintenance target must suit the record type: an IPv4 address for A, an IPv6 address for AAAA, a DNS name for CNAME (maintenance-target fences A, AAAA and CNAME records only)',
      },
    ),
  );

export const hostedZoneSchema = z.strictObject({
  hostedZoneId: z.string({ error: 'expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' }).check(
    z.regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,31}$/, {
      error: (issue) => `"${String(issue.input)}" is not a hosted zone id (expected e.g. "Z0123456789ABCDEFGHIJ")`,
    }),
  ),
  records: z.array(failoverRecordSchema).check(z.minLength(1, { error: 'list at least one failover record pair' })),
});

const routingControlArn = z.string({ error: 'expected a routing control ARN' }).check(
  z.regex(/^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[a-z0-9]+\/routingcontrol\/[a-z0-9]+$/, {
    error: (issue) =>
      `"${String(issue.input)}" is not a routing control ARN (expected arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)`,
  }),
);

/** One of an ARC cluster's regional data-plane endpoints, as DescribeCluster lists them. */
const clusterEndpointSchema = z.strictObject({
  region: regionSchema,
  url: z.string({ error: 'expected the endpoint URL, e.g. "https://host-aaaaaa.us-west-2.example.aws/v1"' }).check(
    z.regex(/^https:\/\/[^\s/]+(\/\S*)?$/, {
      error: (issue) => `"${String(issue.input)}" is not an https URL of a cluster endpoint`,
    }),
  ),
});

/**
 * A CloudWatch alarm name as PutMetricAlarm accepts it (1-255 characters) that can stand in an IAM resource ARN
 * (no "*", "?" or ":", which IAM would read as wildcards or ARN separators).
 */
const switchAlarmName = z
  .string({ error: 'expected the name of the CloudWatch alarm, e.g. "orders-primary-out"' })
  .check(
    z.refine((value) => /^[A-Za-z0-9._\-/ #+=@()[\]]{1,255}$/.test(value), {
      message:
        'expected an alarm name of 1-255 letters, digits, spaces and . _ - / # + = @ ( ) [ ] (no "*", "?" or ":", which IAM policies cannot name)',
    }),
  );

/**
 * How the failover switches DNS.
 * - `route53-records` (default): edit the failover records (ChangeResourceRecordSets, then GetChange): Route 53's
 *   control plane, served from us-east-1 only; it cannot switch while us-east-1 is down.
 * - `arc-routing-control`: turn Route 53 ARC routing controls (the standby On, the primary Off) on the cluster's
 *   regional data-plane endpoints; the failover records carry the routing controls' health checks, set up once.
 * - `alarm-health-check`: publish "primary out" (PutMetricData, the standby region's CloudWatch data plane) to a
 *   metric whose alarm, in the standby region, a Route 53 health check (CLOUDWATCH_METRIC) on the primary region's
 *   records watches: the alarm goes ALARM, the health check unhealthy, and Route 53 answers the standby's record.
 *   No ARC cluster; set up once outside the live path (README, "DNS switch on a CloudWatch alarm").
 */
export const dnsSwitchSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({ method: z.literal('route53-records') }),
    z.strictObject({
      method: z.literal('arc-routing-control'),
      /** The cluster's regional endpoints (five in AWS): tried in turn, the standby region's first. */
      clusterEndpoints: z
        .array(clusterEndpointSchema)
        .check(z.minLength(2, { error: 'list the cluster endpoints (a cluster has five): one is no fallback' })),
      routingControls: z.strictObject({
        /** Its health check is on the primary region's records: turned Off by a failover. */
        primary: routingControlArn,
        /** Its health check is on the standby region's records: turned On by a failover. */
        standby: routingControlArn,
      }),
    }),
    z.strictObject({
      method: z.literal('alarm-health-check'),
      /**
       * The alarm in the standby region on Switchback's PrimaryOut metric of this plan, which the primary region
       * records' Route 53 health check watches (AlarmIdentifier: this name, the standby region).
       */
      alarmName: switchAlarmName,
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'expected method "route53-records", "arc-routing-control" or "alarm-health-check"'
        : undefined,
  },
);
export type DnsSwitch = z.output<typeof dnsSwitchSchema>;

export const secretRefSchema = z.strictObject({
  source: z.enum(['secretsmanager', 'ssm'], { error: 'expected "secretsmanager" or "ssm"' }),
  /** The secret's name or ARN (Secrets Manager) or the parameter name (SSM). Never the secret itself. */
  name: z.string({ error: 'expected the name of the secret or parameter' }).check(
    z.minLength(1),
    z.refine((value) => !/^https?:\/\/hooks\.slack\.com\//i.test(value) && !/^(xox[a-z]|xapp)-/.test(value), {
      error: 'this looks like the secret itself: store it in Secrets Manager or SSM and give its name here',
    }),
  ),
});

export const slackSchema = z
  .strictObject({
    delivery: z.enum(['webhook', 'bot'], { error: 'expected "webhook" or "bot"' }),
    secret: secretRefSchema,
    /** Channel id for bot delivery (a webhook is bound to its channel). */
    channel: z.optional(
      z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'expected a Slack channel id such as "C0123ABCDEF"' })),
    ),
  })
  .check(
    z.refine((slack) => slack.delivery !== 'bot' || slack.channel !== undefined, {
      error: 'bot delivery needs "channel" (the channel id to post in)',
      path: ['channel'],
    }),
  );

/**
 * The scheduled restore test of a plan's backups (statemachines/restore-test.asl.json): where the throwaway goes and
 * what it is given. The security group should let nothing in: the test reads the restored data only through the
 * validation hook, which runs inside the VPC.
 */
export const restoreTestSchema = z.strictObject({
  /** EventBridge Scheduler expression; weekly by default. */
  schedule: z._default(
    z
      .string({ error: 'expected an EventBridge Scheduler expression such as "rate(7 days)" or "cron(0 3 ? * SUN *)"' })
      .check(
        z.regex(/^(rate\(\d+ (minutes?|hours?|days?)\)|cron\(\S+( \S+){5}\))$/, {
          error: (issue) =>
            `"${String(issue.input)}" is not a schedule expression (expected e.g. "rate(7 days)" or "cron(0 3 ? * SUN *)")`,
        }),
      ),
    'rate(7 days)',
  ),
  /** Instance class of the throwaway; without it RDS uses the source's (Aurora: db.t4g.medium). */
  instanceClass: z.optional(
    z.string({ error: 'expected an instance class such as "db.t4g.micro"' }).check(
      z.regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, {
        error: (issue) => `"${String(issue.input)}" is not a DB instance class (expected e.g. "db.t4g.micro")`,
      }),
    ),
  ),
  /** DB subnet group (in the standby region) the throwaway is placed in. */
  subnetGroup: z.string({ error: 'expected the name of a DB subnet group in the standby region' }).check(
    z.regex(/^[a-zA-Z0-9 ._-]{1,255}$/, {
      error: (issue) => `"${String(issue.input)}" is not a DB subnet group name (letters, digits, spaces, . _ -)`,
    }),
  ),
  /** Security group of the throwaway: one that lets nothing in. */
  securityGroup: z.string({ error: 'expected a security group id such as "sg-0123456789abcdef0"' }).check(
    z.regex(/^sg-[0-9a-f]{8,17}$/, {
      error: (issue) => `"${String(issue.input)}" is not a security group id (expected e.g. "sg-0123456789abcdef0")`,
    }),
  ),
  /** A Lambda function the team owns, invoked with the restored endpoint; it answers { passed, detail }. */
  validationHook: z.optional(
    z.string({ error: 'expected a Lambda function name or ARN' }).check(
      z.regex(/^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$/, {
        error: (issue) => `"${String(issue.input)}" is not a Lambda function name or ARN`,
      }),
    ),
  ),
  /** A passing restore test must be at most this old; older, the plan is flagged and the alarm fires. */
  maxAgeDays: z._default(
    z
      .number({ error: 'expected a whole number of days' })
      .check(
        z.int({ error: 'expected a whole number of days' }),
        z.gte(1, { error: 'maxAgeDays must be at least 1 day' }),
        z.lte(7, { error: 'maxAgeDays must be at most 7 days (the alarm that watches it looks back at most 7 days)' }),
      ),
    7,
  ),
  /** A test (restore, validation, cleanup) that has not finished by then is stopped and cleaned up. */
  timeoutMinutes: z._default(
    z
      .number({ error: 'expected a whole number of minutes' })
      .check(
        z.int({ error: 'expected a whole number of minutes' }),
        z.gte(30, { error: 'timeoutMinutes must be at least 30 (a restore takes ten minutes or more)' }),
        z.lte(1440, { error: 'timeoutMinutes must be at most 1440 (one day)' }),
      ),
    240,
  ),
});

/** EventBridge Scheduler runs at most once a minute; CloudWatch alarm periods of a minute or more are whole minutes. */
const PROBER_MAX_INTERVAL_SECONDS = 3600;
/** The prober function's timeout (serverless.yml probe-primary `timeout: 20`): every probe must end well before it. */
export const PROBER_MAX_TIMEOUT_MS = 10_000;

/**
 * The standby prober (issue 10, part 2): a function deployed with Switchback in the standby region that requests the
 * primary's health endpoints every `intervalSeconds`, publishes `Switchback/PrimaryReachable` there, and an alarm in
 * the standby region on it (`failuresToAlarm` failed probes in a row). Written with zod/mini's forms only.
 */
const proberSchema = z.strictObject({
  endpoints: z
    .array(
      z.strictObject({
        url: z
          .string({
            error:
              'expected the URL of a health endpoint of the primary region, e.g. "https://us-east-1.api.example.com/health"',
          })
          .check(
            z.refine((url) => /^https?:\/\/[^/\s]+/.test(url) && URL.canParse(url), {
              message:
                'expected an http(s) URL of a health endpoint of the primary region, e.g. "https://us-east-1.api.example.com/health"',
            }),
          ),
        expectStatus: z._default(
          z
            .int({ error: 'expected the HTTP status a healthy endpoint answers, e.g. 200' })
            .check(
              z.gte(100, { error: 'expectStatus must be an HTTP status (100-599)' }),
              z.lte(599, { error: 'expectStatus must be an HTTP status (100-599)' }),
            ),
          200,
        ),
      }),
    )
    .check(z.minLength(1, { error: 'list at least one health endpoint of the primary region' })),
  intervalSeconds: z._default(
    z.int({ error: 'expected trigger.prober.intervalSeconds as a whole number of seconds' }).check(
      z.refine((s) => s >= 60 && s <= PROBER_MAX_INTERVAL_SECONDS && s % 60 === 0, {
        message: `intervalSeconds must be a whole number of minutes from 60 to ${PROBER_MAX_INTERVAL_SECONDS} (EventBridge Scheduler runs at most once a minute)`,
      }),
    ),
    60,
  ),
  timeoutMs: z._default(
    z.int({ error: 'expected trigger.prober.timeoutMs as a whole number of milliseconds' }).check(
      z.gte(100, { error: 'timeoutMs must be at least 100 ms' }),
      z.lte(PROBER_MAX_TIMEOUT_MS, {
        error: `timeoutMs must be at most ${PROBER_MAX_TIMEOUT_MS} ms (the prober function's own timeout is 20 s)`,
      }),
    ),
    3000,
  ),
  failuresToAlarm: z._default(
    z
      .int({ error: 'expected trigger.prober.failuresToAlarm as a whole number of probes' })
      .check(
        z.gte(1, { error: 'failuresToAlarm must be at least 1' }),
        z.lte(10, { error: 'failuresToAlarm must be at most 10 (a longer wait only delays the failover)' }),
      ),
    3,
  ),
});

/**
 * The most databases, and the most DNS record pairs (across every hosted zone), one plan may list. Every runbook carries
 * the plan's databases and records through Step Functions in its state, and a state over the payload quota (256 KB)
 * fails the execution where it stands (States.DataLimitExceeded, which no Catch or redrive gets past), after the
 * changes before it: a drill's failover of 300 databases promoted them all and switched DNS, then failed at Verify
 * Recovery. The limits were measured in game-day drills (failover, fence, reprotect, failback) with every identifier
 * and name at its longest: at 40 databases and 20 record pairs the largest state is the fence's, about 60% of the
 * quota (test/integration/plan-limits.test.ts); 40 record pairs took it to 92%. A larger application is several plans.
 */
export const MAX_DATABASES_PER_PLAN = 40;
export const MAX_RECORDS_PER_PLAN = 20;

export const planSchema = z
  .strictObject({
    app: nameSchema,
    description: z.optional(z.string()),
    regions: z.strictObject({ primary: regionSchema, standby: regionSchema }),
    budgets: z.strictObject({ rtoSeconds: seconds('the RTO budget'), rpoSeconds: seconds('the RPO budget') }),
    trigger: z.strictObject({
      /** CloudWatch alarm names (usually on Route 53 HealthCheckStatus) whose ALARM starts a failover. */
      alarms: z
        .array(z.string().check(z.minLength(1, { error: 'expected a CloudWatch alarm name' })))
        .check(z.minLength(1, { error: 'list at least one CloudWatch alarm name' })),
      /** After a failover, further alarms are ignored for this long. */
      coolDownSeconds: z._default(seconds('the cool-down'), 3600),
      /** auto: always proceed; on-lag-over-rpo: ask when replica lag exceeds the RPO budget; always: always ask. */
      approval: z._default(
        z.enum(['auto', 'on-lag-over-rpo', 'always'], { error: 'expected "auto", "on-lag-over-rpo" or "always"' }),
        'on-lag-over-rpo',
      ),
      /** How long a failover waits for an answer before it gives up (and releases the lock). */
      approvalTimeoutSeconds: z._default(seconds('the approval timeout'), 3600),
      /** The standby-region prober of the primary's health endpoints (absent: none is deployed). */
      prober: z.optional(proberSchema),
      /**
       * How many of the plan's signals (each alarm of `alarms`, and the prober's alarm) must be in ALARM together to
       * start a failover. Absent: any one of them starts it, as without a quorum.
       */
      quorum: z.optional(
        z
          .int({ error: 'expected trigger.quorum as a whole number of signals' })
          .check(z.gte(1, { error: 'trigger.quorum must be at least 1' })),
      ),
    }),
    databases: z.array(databaseSchema).check(
      z.minLength(1, { error: 'list at least one database' }),
      z.maxLength(MAX_DATABASES_PER_PLAN, {
        error: (issue) =>
          `${Array.isArray(issue.input) ? issue.input.length : 'too many'} databases, at most ${MAX_DATABASES_PER_PLAN} per plan: each runbook carries them in one Step Functions state of at most 256 KB; split the application into plans of at most ${MAX_DATABASES_PER_PLAN} databases`,
      }),
    ),
    dns: z.array(hostedZoneSchema).check(z.minLength(1, { error: 'list at least one hosted zone' })),
    /** How the DNS switch is made (see dnsSwitchSchema); `route53-records` when absent. */
    dnsSwitch: z._default(dnsSwitchSchema, { method: 'route53-records' }),
    backups: z._default(
      z.strictObject({
        /** Newest restorable point must be at most this old; default: see backupMaxAgeSeconds. */
        maxAgeSeconds: z.optional(seconds('the backup age limit')),
        crossRegionCopy: z._default(z.boolean({ error: 'expected true or false' }), true),
        /** Restore tests of the backups (optional: without it, no restore test is scheduled). */
        restoreTest: z.optional(restoreTestSchema),
      }),
      { crossRegionCopy: true },
    ),
    notifications: z._default(z.strictObject({ slack: z.optional(slackSchema) }), {}),
    /**
     * Fencing the old primary after a failover (statemachines/fence.asl.json). `duringFailover`: the failover starts
     * the fence runbook as its last step, once it recovered and released the lock (never on the RTO path); whatever
     * it leaves unfenced, the fence retry (start-fence, every 5 minutes) takes up until it is fenced.
     */
    fence: z._default(
      z.strictObject({ duringFailover: z._default(z.boolean({ error: 'expected true or false' }), true) }),
      { duringFailover: true },
    ),
    preflight: z._default(
      z.strictObject({
        /** block: a failed check stops the run before any change; ask: a person decides, with the findings. */
        onFindings: z._default(z.enum(['block', 'ask'], { error: 'expected "block" or "ask"' }), 'block'),
        /** How long a run waits for a standby that is busy (backing-up, modifying) before it stops. */
        maxWaitSeconds: z._default(seconds('the preflight wait'), 600),
        /** How often it looks again meanwhile. */
        pollSeconds: z._default(seconds('the preflight poll interval'), 30),
      }),
      { onFindings: 'block', maxWaitSeconds: 600, pollSeconds: 30 },
    ),
    failback: z._default(
      z.strictObject({
        /**
         * A write pause the application honours, set before the failback waits for zero replica lag and lifted when
         * the failback ends (or stops before any change): an SSM parameter the application reads.
         */
        writePause: z.optional(
          z.strictObject({
            ssmParameter: z
              .string({ error: 'expected the name of an SSM parameter the application reads, e.g. "/orders/writes"' })
              .check(
                z.regex(/^\/?[a-zA-Z0-9_.\-/]{1,1011}$/, {
                  error: (issue) =>
                    `"${String(issue.input)}" is not an SSM parameter name (letters, digits, "_", ".", "-" and "/")`,
                }),
              ),
            pausedValue: z._default(
              z.string().check(z.minLength(1, { error: 'expected the value that pauses writes' })),
              'paused',
            ),
            resumedValue: z._default(
              z.string().check(z.minLength(1, { error: 'expected the value that resumes writes' })),
              'open',
            ),
            /** The parameter's region; default: the plan's standby region (where Switchback runs). */
            region: z.optional(regionSchema),
          }),
        ),
        /**
         * How long a failback waits for replica lag to reach 0 before it stops with nothing changed. At least
         * MIN_LAG_WAIT_SECONDS: an RDS lag counts only from a minute that began after writes paused, which CloudWatch
         * publishes a minute or two after that minute ends.
         */
        maxLagWaitSeconds: z._default(
          seconds('the failback lag wait').check(
            z.gte(MIN_LAG_WAIT_SECONDS, {
              error: (issue) =>
                `the failback lag wait must be at least ${MIN_LAG_WAIT_SECONDS} seconds (got ${String(issue.input)}): the lag counts from the first minute after writes paused, which CloudWatch publishes a minute or two after it ends`,
            }),
          ),
          300,
        ),
        /** How often it reads the lag meanwhile. */
        pollSeconds: z._default(seconds('the failback lag poll interval'), 30),
      }),
      { maxLagWaitSeconds: 300, pollSeconds: 30 },
    ),
    /** The game-day runbook (statemachines/game-day.asl.json): a planned failover, a verification window, a failback. */
    gameDay: z._default(
      z.strictObject({
        /**
         * How long the game day serves from the standby region after the planned failover (people verify the
         * application there) before it fences, re-protects and fails back.
         */
        verificationWindowSeconds: z._default(
          z
            .int({ error: 'expected gameDay.verificationWindowSeconds as a whole number of seconds, e.g. 600' })
            .check(
              z.gte(0, { error: 'gameDay.verificationWindowSeconds must be 0 or more' }),
              z.lte(86_400, { error: 'gameDay.verificationWindowSeconds must be at most 86400 (a day)' }),
            ),
          600,
        ),
      }),
      { verificationWindowSeconds: 600 },
    ),
    readiness: z._default(
      z.strictObject({
        /**
         * How often the deployed readiness function checks the plan (an EventBridge Scheduler `rate(N minutes)`;
         * the scheduler's finest rate is one minute).
         */
        scheduleMinutes: z._default(
          z.number({ error: 'expected readiness.scheduleMinutes as a whole number of minutes' }).check(
            z.int({ error: 'expected readiness.scheduleMinutes as a whole number of minutes' }),
            z.gte(1, {
              error: 'readiness.scheduleMinutes must be at least 1 (EventBridge Scheduler runs at most once a minute)',
            }),
            z.lte(1440, { error: 'readiness.scheduleMinutes must be at most 1440 (once a day)' }),
          ),
          15,
        ),
      }),
      { scheduleMinutes: 15 },
    ),
  })
  .check(
    z.superRefine((plan, ctx) => {
      if (plan.regions.primary === plan.regions.standby) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', 'standby'],
          message: `the standby region must differ from the primary region (${plan.regions.primary})`,
        });
      }
      const alarms = new Set<string>();
      plan.trigger.alarms.forEach((alarm, index) => {
        if (alarms.has(alarm)) {
          ctx.addIssue({ code: 'custom', path: ['trigger', 'alarms', index], message: `duplicate alarm "${alarm}"` });
        }
        alarms.add(alarm);
      });
      // The switch alarm goes ALARM because a failover published "primary out": were it a trigger too, the failover
      // would announce itself as a new outage.
      if (plan.dnsSwitch.method === 'alarm-health-check' && alarms.has(plan.dnsSwitch.alarmName)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dnsSwitch', 'alarmName'],
          message: `"${plan.dnsSwitch.alarmName}" is also in trigger.alarms: the DNS switch alarm goes ALARM when a failover publishes "primary out", so it must not start one; give it a name of its own`,
        });
      }
      const signals = plan.trigger.alarms.length + (plan.trigger.prober ? 1 : 0);
      if (plan.trigger.quorum !== undefined && plan.trigger.quorum > signals) {
        ctx.addIssue({
          code: 'custom',
          path: ['trigger', 'quorum'],
          message:
            `a quorum of ${plan.trigger.quorum} cannot be met by the plan's ${signals} signal${signals === 1 ? '' : 's'} ` +
            `(${signals === 1 ? 'the alarm' : 'trigger.alarms'}${plan.trigger.prober ? ' and the prober' : ''}): lower it or add signals`,
        });
      }
      if (plan.trigger.prober && alarms.has(proberAlarmName(plan))) {
        ctx.addIssue({
          code: 'custom',
          path: ['trigger', 'alarms'],
          message: `"${proberAlarmName(plan)}" is the prober's own alarm, a signal already: do not list it in trigger.alarms`,
        });
      }
      // A record fence works through the plan's DNS switch: a routing control exists on ARC plans only, and an
      // inverted health check on an ARC or alarm plan's record would read healthy exactly while its region is out.
      plan.dns.forEach((zone, z) => {
        zone.records.forEach((record, r) => {
          const method = record.fence?.method;
          const switchMethod = plan.dnsSwitch.method;
          if (method === 'routing-control-off' && switchMethod !== 'arc-routing-control') {
            ctx.addIssue({
              code: 'custom',
              path: ['dns', z, 'records', r, 'fence', 'method'],
              message: `"routing-control-off" needs dnsSwitch.method "arc-routing-control" (this plan's is "${switchMethod}"): use "maintenance-target" or "health-check-inverted", or switch DNS with ARC routing controls`,
            });
          }
          if (method === 'health-check-inverted' && switchMethod !== 'route53-records') {
            ctx.addIssue({
              code: 'custom',
              path: ['dns', z, 'records', r, 'fence', 'method'],
              message: `"health-check-inverted" needs dnsSwitch.method "route53-records" (this plan's is "${switchMethod}"): its records carry the DNS switch's health check, which reads unhealthy while the old region is out, so inverting it would bring the old region back into DNS; use ${switchMethod === 'arc-routing-control' ? '"routing-control-off"' : '"maintenance-target"'}`,
            });
          }
        });
      });
      const recordCount = plan.dns.reduce((sum, zone) => sum + zone.records.length, 0);
      if (recordCount > MAX_RECORDS_PER_PLAN) {
        ctx.addIssue({
          code: 'custom',
          path: ['dns'],
          message: `${recordCount} record pairs across dns[].records, at most ${MAX_RECORDS_PER_PLAN} per plan: each runbook carries them in one Step Functions state of at most 256 KB; split the application into plans of at most ${MAX_RECORDS_PER_PLAN} record pairs`,
        });
      }
      // Each record pair is two records in Route 53: one set identifier per region. The same record twice in a plan
      // (zone, name, type, set identifier) would be flipped twice.
      const records = new Map<string, string>();
      plan.dns.forEach((zone, z) => {
        zone.records.forEach((record, r) => {
          const at = `dns[${z}].records[${r}]`;
          if (record.primarySetIdentifier === record.standbySetIdentifier) {
            ctx.addIssue({
              code: 'custom',
              path: ['dns', z, 'records', r, 'standbySetIdentifier'],
              message: `equals ${at}.primarySetIdentifier ("${record.primarySetIdentifier}"): the two records of a failover pair need different set identifiers`,
            });
            return;
          }
          for (const role of ['primary', 'standby'] as const) {
            const setIdentifier = record[`${role}SetIdentifier`];
            const key = `${zone.hostedZoneId.replace(/^\/hostedzone\//, '')}|${record.name.toLowerCase().replace(/\.$/, '')}|${record.type}|${setIdentifier}`;
            const first = records.get(key);
            if (first) {
              ctx.addIssue({
                code: 'custom',
                path: ['dns', z, 'records', r, `${role}SetIdentifier`],
                message: `record ${record.name} ${record.type} "${setIdentifier}" is already named at ${first}: name each record once`,
              });
            }
            records.set(key, `${at}.${role}SetIdentifier`);
          }
        });
      });
      // A garbled plan region is reported once, at regions.*; comparing every database with it would only add noise.
      const primaryKnown = REGION.test(plan.regions.primary);
      const standbyKnown = REGION.test(plan.regions.standby) && plan.regions.standby !== plan.regions.primary;
      const ids = new Set<string>();
      plan.databases.forEach((db, index) => {
        if (ids.has(db.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['databases', index, 'id'],
            message: `duplicate database id "${db.id}"`,
          });
        }
        ids.add(db.id);
        const [primary, standby] =
          db.kind === 'rds-read-replica' ? [db.primary, db.replica] : [db.primary, db.secondary];
        const standbyKey = db.kind === 'rds-read-replica' ? 'replica' : 'secondary';
        if (primaryKnown && primary.region !== plan.regions.primary) {
          ctx.addIssue({
            code: 'custom',
            path: ['databases', index, 'primary', 'region'],
            message: `expected the plan's primary region ${plan.regions.primary}, got ${primary.region}`,
          });
        }
        if (standbyKnown && standby.region !== plan.regions.standby) {
          ctx.addIssue({
            code: 'custom',
            path: ['databases', index, standbyKey, 'region'],
            message: `expected the plan's standby region ${plan.regions.standby}, got ${standby.region}`,
          });
        }
      });
    }),
  );

/** A plan as written (defaults not yet applied). */
export type PlanInput = z.input<typeof planSchema>;
/** A validated plan with defaults applied. */
export type Plan = z.output<typeof planSchema>;
export type Database = Plan['databases'][number];
export type RdsReadReplica = Extract<Database, { kind: 'rds-read-replica' }>;
export type AuroraGlobal = Extract<Database, { kind: 'aurora-global' }>;
export type HostedZone = Plan['dns'][number];
export type FailoverRecord = HostedZone['records'][number];
export type RestoreTestSettings = z.output<typeof restoreTestSchema>;
export type SlackSettings = NonNullable<Plan['notifications']['slack']>;

/** The standby prober's settings, when the plan has one. */
export type ProberSettings = z.output<typeof proberSchema>;
