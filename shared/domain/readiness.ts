import type { Plan } from '../plan/schema';
import { backupMaxAgeSeconds } from '../plan/settings';
import { describeTarget, type RecordPairTargets, sameTarget } from './dns-answers';
import { ALARM_SWITCH_DELAY, ALARM_SWITCH_DELAY_SECONDS, SWITCH_METRIC } from './dns-switch';
import { HEALTHY_CHECKER_SHARE, type HealthCheckStatus } from './health-checks';
import { DNS_PROPAGATION_SECONDS } from './plan-checks';
import { type PreflightCheck, type PreflightFinding, type RecordPairReading, recordResource } from './preflight';
import { proberDetectionSeconds } from './prober';
import { checkRestoreTests, type RestoreTestRecord } from './restore-test';
import type { RunRecord } from './run';
import { type PermissionReading, permissionChecks } from './step-permissions';
import { COULD_NOT_CHECK, couldNotCheck, type WiringCheck, type WiringReadings, wiringChecks } from './wiring';

/**
 * Readiness: "if the primary region died now, would this plan recover within its budgets?" The preflight's findings
 * plus the checks that may use other regions' control planes (nothing waits on them), and a projected RTO with
 * each of its terms. Pure: the readiness use case gathers the readings.
 */

/** A readiness finding: a preflight finding, or one of the checks only readiness makes. */
export interface ReadinessFinding extends Omit<PreflightFinding, 'check'> {
  check:
    | PreflightFinding['check']
    | 'alarm-exists'
    | 'alarm-watches-health-check'
    | 'health-check-exists'
    | 'record-health-check'
    | 'record-targets'
    | 'standby-health-check'
    | 'ttl-within-rto'
    | 'lag-within-rpo'
    | 'backups-fresh'
    | 'restore-test'
    | 'projected-rto'
    | 'role-permission'
    | 'prober-alarm-exists'
    | 'switch-alarm'
    | WiringCheck;
  /** A warning: shown with the findings, but it does not make the plan not ready. */
  warning?: true;
  /**
   * When what it found was read, when that was before this readiness: a record finding an earlier run made, carried
   * forward while Route 53's API does not answer (carryUnansweredRecords).
   */
  readAt?: string;
}

/** The standby prober's alarm as DescribeAlarms in the standby region shows it, or why it could not be read. */
export type ProberAlarmReading = { name: string; exists: boolean } | { name: string; error: string };

/** A CloudWatch alarm of the plan's trigger, as DescribeAlarms shows it (undefined: no such alarm). */
export interface AlarmReading {
  name: string;
  alarm?: {
    healthCheckIds: string[];
    periodSeconds: number;
    evaluationPeriods: number;
    /** What it watches and how it judges it: readiness compares a switch alarm's with what a switch publishes. */
    metric?: {
      namespace?: string;
      name?: string;
      dimensions: readonly { name: string; value: string }[];
      comparison?: string;
      threshold?: number;
      treatMissingData?: string;
    };
  };
}

/**
 * An `alarm-health-check` plan's switch alarm (dnsSwitch.alarmName) as DescribeAlarms shows it in the standby region,
 * where Switchback is deployed and publishes the switch metric, or why it could not be read.
 */
export type SwitchAlarmReading = AlarmReading | { name: string; error: string };

/** A Route 53 health check the plan's primary records use (undefined config: no such health check). */
export interface HealthCheckReading {
  id: string;
  config?: { intervalSeconds: number; failureThreshold: number };
}

/**
 * The health check the standby region's records name, as Route 53's checkers see its endpoint now
 * (GetHealthCheckStatus): what a failover moves traffic to. Undefined status: no such health check.
 */
export interface StandbyHealthCheckReading {
  id: string;
  /** The standby records that name it, as `route53:<zone>/<name>/<type>/<set identifier>`. */
  records: string[];
  status?: HealthCheckStatus;
}

/** A read that failed (AWS refused, throttled or did not answer): the resource, the call and the error. */
export interface UnreadReading {
  resource: string;
  call: string;
  error: string;
}

export interface ReadinessReadings {
  preflightFindings: PreflightFinding[];
  records: RecordPairReading[];
  alarms: AlarmReading[];
  healthChecks: HealthCheckReading[];
  /** The standby records' health checks (a route53-records plan's), when the use case read them. */
  standbyHealthChecks?: StandbyHealthCheckReading[];
  /** Replica lag now per database (seconds); null when no datapoint. */
  lags: { id: string; lagSeconds: number | null }[];
  /** Backup problems the decision would warn about (stale restorable time, no cross-region copy). */
  backupWarnings: string[];
  /** This plan's recorded runs (the ledger), newest first: recovered ones give its own promotion times. */
  history: RunRecord[];
  /** This plan's restore-test records (the ledger), when the readiness use case read them; absent: not checked. */
  restoreTests?: RestoreTestRecord[];
  /** Switchback's own rules, state machines and dead-letter queue, when the use case was given them to read. */
  wiring?: WiringReadings;
  /** IAM's policy simulation of each step's role on this plan's resources, when the use case ran it. */
  permissions?: PermissionReading[];
  /**
   * The reads that failed (a standby, a record pair, an alarm, a health check, the ledger): each is a "could not
   * check" finding, never a pass; what it would have shown is left out of the other checks.
   */
  unread?: UnreadReading[];
  /** The plan's prober alarm (trigger.prober), when the use case read it. */
  prober?: ProberAlarmReading;
  /** An `alarm-health-check` plan's switch alarm, when the use case read it. */
  switchAlarm?: SwitchAlarmReading;
}

export interface RtoTerm {
  seconds: number;
  /** Where the figure comes from, for people: "health check 30 s x 3 + alarm 60 s x 1", "2 runs of this plan". */
  source: string;
}

export interface ProjectedRto {
  seconds: number;
  budgetSeconds: number;
  withinBudget: boolean;
  terms: { detection: RtoTerm; promotion: RtoTerm; dns: RtoTerm; orchestration: RtoTerm };
}

export interface PlanReadiness {
  plan: string;
  at: string;
  ready: boolean;
  findings: ReadinessFinding[];
  projectedRto: ProjectedRto;
  /** The worst replica lag now (seconds), null when unknown. */
  replicaLagSeconds: number | null;
  /**
   * A plan whose live path calls no Route 53 API (`arc-routing-control`, `alarm-health-check`): its record pairs'
   * failover records as read, what each makes DNS answer, and their TTL. The verify steps compare DNS answers with them
   * (recordTargetsByReadiness). Absent for `route53-records` plans, whose verify reads the records itself, and from
   * readiness items written before it was kept.
   */
  records?: RecordPairTargets[];
  /**
   * Record pairs whose read Route 53's API did not answer in this run, kept as an earlier run read them (their records
   * and record findings, each with its `readAt`): carryUnansweredRecords.
   */
  carriedRecords?: { resource: string; readAt: string }[];
}

/** Route 53 defaults when a health check cannot be read: 30 s interval, 3 failures (Route 53 Developer Guide). */
const DEFAULT_HEALTH_CHECK = { intervalSeconds: 30, failureThreshold: 3 };
/** HealthCheckStatus has 1-minute resolution (Route 53 Developer Guide, "Monitoring health checks using CloudWatch"). */
const DEFAULT_ALARM = { periodSeconds: 60, evaluationPeriods: 1 };
/**
 * Typical promotion when the plan has no history, the figures the drill's timing model also uses (aws-facts.md):
 * RDS PromoteReadReplica "several minutes or longer" (RDS User Guide), 240 s; Aurora global failover "within a few
 * minutes" (Aurora User Guide), 120 s.
 */
export const PUBLISHED_PROMOTION_SECONDS: Record<Plan['databases'][number]['kind'], number> = {
  'rds-read-replica': 240,
  'aurora-global': 120,
};
/**
 * Orchestration: about 12 Lambda steps at the Step Functions p99 of 313 ms each, and one EventBridge to Lambda
 * delivery at p99 387 ms (aws-facts.md: bitesizedserverless.com), rounded up.
 */
export const ORCHESTRATION_SECONDS = 5;

const ttlOf = (reading: RecordPairReading | undefined): number | undefined => {
  const ttls = (reading?.records ?? []).flatMap((r) => (r.ttl === undefined ? [] : [r.ttl]));
  return ttls.length ? Math.max(...ttls) : undefined;
};

const recordReading = (readings: ReadinessReadings, zone: string, name: string, type: string) =>
  readings.records.find(
    (r) => r.hostedZoneId === zone && r.name.toLowerCase() === name.toLowerCase() && r.type === type,
  );

/**
 * Detection with the plan's signals: each alarm of trigger.alarms takes `alarmDetection`, the standby prober
 * `intervalSeconds x failuresToAlarm + intervalSeconds` (proberDetectionSeconds); the failover starts when the
 * quorum-th fastest signal fires (the fastest without a quorum). A plan without a prober keeps `alarmDetection`.
 */
const detectionTerm = (plan: Plan, alarmDetection: RtoTerm): RtoTerm => {
  const prober = plan.trigger.prober;
  if (!prober) return alarmDetection;
  const proberTerm: RtoTerm = {
    seconds: proberDetectionSeconds(prober),
    source: `prober ${prober.intervalSeconds} s x ${prober.failuresToAlarm} + alarm period ${prober.intervalSeconds} s`,
  };
  const signals = [...plan.trigger.alarms.map(() => alarmDetection), proberTerm].sort((a, b) => a.seconds - b.seconds);
  const quorum = Math.min(plan.trigger.quorum ?? 1, signals.length);
  const chosen = signals[quorum - 1] ?? proberTerm;
  return {
    seconds: chosen.seconds,
    source:
      quorum > 1
        ? `quorum ${quorum} of ${signals.length} signals, waiting for ${chosen.source}`
        : `fastest of ${signals.length} signals: ${chosen.source}`,
  };
};

/** The projected RTO of a plan: detection + promotion + DNS + orchestration, each with its source. */
export const projectRto = (
  plan: Plan,
  readings: ReadinessReadings,
  carriedPairs: readonly RecordPairTargets[] = [],
): ProjectedRto => {
  // Detection: the slowest health check the plan's alarms watch, then the alarm itself.
  const checks = readings.healthChecks.flatMap((check) => (check.config ? [check.config] : []));
  const check = checks.length
    ? checks.reduce((a, b) =>
        a.intervalSeconds * a.failureThreshold >= b.intervalSeconds * b.failureThreshold ? a : b,
      )
    : DEFAULT_HEALTH_CHECK;
  const alarms = readings.alarms.flatMap((reading) => (reading.alarm ? [reading.alarm] : []));
  const alarm = alarms.length
    ? alarms.reduce((a, b) => (a.periodSeconds * a.evaluationPeriods >= b.periodSeconds * b.evaluationPeriods ? a : b))
    : DEFAULT_ALARM;
  const alarmDetection: RtoTerm = {
    seconds: check.intervalSeconds * check.failureThreshold + alarm.periodSeconds * alarm.evaluationPeriods,
    source: `health check ${check.intervalSeconds} s x ${check.failureThreshold}${checks.length ? '' : ' (Route 53 defaults)'} + alarm ${alarm.periodSeconds} s x ${alarm.evaluationPeriods}${alarms.length ? '' : ' (no alarm read)'}`,
  };
  const detection = detectionTerm(plan, alarmDetection);
  // Promotion: this plan's own recoveries when there are some (the slowest), else the published figures.
  const promoted = readings.history
    .filter((run) => run.outcome === 'recovered')
    .flatMap((run) => run.phases.filter((phase) => phase.name === 'promote').map((phase) => phase.seconds));
  const promotion: RtoTerm = promoted.length
    ? {
        seconds: Math.max(...promoted),
        source: `slowest of ${promoted.length} recorded run${promoted.length === 1 ? '' : 's'} of this plan`,
      }
    : {
        seconds: Math.max(0, ...plan.databases.map((db) => PUBLISHED_PROMOTION_SECONDS[db.kind])),
        source: 'published figures (no recorded run of this plan)',
      };
  // DNS: clients may keep the old answer for the TTL, after the change propagates. A pair this run could not read
  // counts with the TTL it had when an earlier run read it, when that reading is carried (carryUnansweredRecords).
  const carriedTtl = (zone: string, name: string, type: string) =>
    carriedPairs.find((pair) => pair.hostedZoneId === zone && pair.name === name && pair.type === type)?.ttl;
  const ttl = Math.max(
    0,
    ...plan.dns.flatMap((zone) =>
      zone.records.map(
        (record) =>
          ttlOf(recordReading(readings, zone.hostedZoneId, record.name, record.type)) ??
          carriedTtl(zone.hostedZoneId, record.name, record.type) ??
          0,
      ),
    ),
  );
  // A switch alarm adds its own delay instead of a record change's propagation: one alarm period, then Route 53's
  // read of the alarm (shared/domain/dns-switch.ts ALARM_SWITCH_DELAY, stated in the README).
  const dns: RtoTerm =
    plan.dnsSwitch.method === 'alarm-health-check'
      ? {
          seconds: ttl + ALARM_SWITCH_DELAY_SECONDS,
          source: `TTL ${ttl} s + switch alarm period ${ALARM_SWITCH_DELAY.alarmPeriodSeconds} s + Route 53 read of the alarm ${ALARM_SWITCH_DELAY.healthCheckReadSeconds} s`,
        }
      : { seconds: ttl + DNS_PROPAGATION_SECONDS, source: `TTL ${ttl} s + propagation ${DNS_PROPAGATION_SECONDS} s` };
  const orchestration: RtoTerm = {
    seconds: ORCHESTRATION_SECONDS,
    source: 'Step Functions and EventBridge p99 latencies',
  };
  const seconds = detection.seconds + promotion.seconds + dns.seconds + orchestration.seconds;
  return {
    seconds,
    budgetSeconds: plan.budgets.rtoSeconds,
    withinBudget: seconds <= plan.budgets.rtoSeconds,
    terms: { detection, promotion, dns, orchestration },
  };
};

/**
 * The standby region's endpoint, as Route 53's checkers see it: a failover makes its records PRIMARY. While their
 * health check fails, Route 53 answers them only by failing open (every record unhealthy: the old region is down),
 * and answers the old region's record again as soon as that one passes its check, unless the fence has fenced it.
 * A check no checker has reported on yet is new: Route 53 counts it healthy, and so does readiness.
 */
const standbyHealthChecks = (plan: Plan, readings: StandbyHealthCheckReading[]): ReadinessFinding[] =>
  readings.flatMap(({ id, records, status }): ReadinessFinding[] => {
    if (status && (status.checkers === 0 || status.healthyCheckers / status.checkers > HEALTHY_CHECKER_SHARE)) {
      return [];
    }
    const endpoint = `the ${plan.regions.standby} endpoint`;
    return [
      {
        check: 'standby-health-check',
        resource: `route53:healthcheck/${id}`,
        expected: `${endpoint} healthy to Route 53 (its records' health check), so that a failover moves traffic to an endpoint Route 53 considers up`,
        found: `${status ? `unhealthy: ${status.healthyCheckers} of ${status.checkers} checkers reach it${status.failure ? ` ("${status.failure}")` : ''}` : 'no such health check'}; named by ${records.join(', ')}`,
        fix: `${status ? `find why ${endpoint} fails its health check (aws route53 get-health-check-last-failure-reason --health-check-id ${id}) and fix it` : `associate a health check of ${endpoint} with these records`}: after a failover Route 53 would answer them only by failing open, and the old region's again once it answers`,
      },
    ];
  });

/** The checks only readiness makes: alarms, health checks, TTL, lag, backups, restore tests, wiring, IAM. */
export const readinessChecks = (plan: Plan, readings: ReadinessReadings, at?: Date): ReadinessFinding[] => {
  const findings: ReadinessFinding[] = [];
  const primaryChecks = new Set<string>();
  for (const zone of plan.dns) {
    for (const record of zone.records) {
      const reading = recordReading(readings, zone.hostedZoneId, record.name, record.type);
      const resource = recordResource(zone.hostedZoneId, record);
      const primary = reading?.records.find((r) => r.setIdentifier === record.primarySetIdentifier);
      // A plan that switches DNS by routing controls or an alarm puts their health checks on its records: its trigger
      // alarms watch the endpoints' health checks, which no record names.
      if (primary?.healthCheckId) {
        if (plan.dnsSwitch.method === 'route53-records') primaryChecks.add(primary.healthCheckId);
      } else if (primary && !(primary.alias && primary.evaluateTargetHealth)) {
        findings.push({
          check: 'record-health-check',
          resource: `${resource}/${record.primarySetIdentifier}`,
          expected: 'a health check on the primary region record',
          found: 'none',
          fix: "associate the primary region's Route 53 health check with the record, so that its alarm can see the outage",
        });
      }
      // Two records that answer the same make no failover: switching to the standby's changes nothing users reach (a
      // copy of the primary's record, say), and what DNS answers after it would pass Verify's comparison all the same.
      const standby = reading?.records.find((r) => r.setIdentifier === record.standbySetIdentifier);
      if (primary?.target && standby?.target && sameTarget(record.type, primary.target, standby.target)) {
        findings.push({
          check: 'record-targets',
          resource,
          expected: `${record.standbySetIdentifier} answering the standby region's endpoint, ${record.primarySetIdentifier} the primary region's`,
          found: `both answer ${describeTarget(primary.target)}`,
          fix: `point ${record.standbySetIdentifier} at ${plan.regions.standby}'s endpoint: a failover to it would change nothing users reach`,
        });
      }
      const ttl = ttlOf(reading);
      if (ttl !== undefined && ttl >= plan.budgets.rtoSeconds) {
        findings.push({
          check: 'ttl-within-rto',
          resource,
          expected: `a TTL well below the RTO budget of ${plan.budgets.rtoSeconds} s (60 s is recommended for failover records)`,
          found: `TTL ${ttl} s: clients keep the old answer longer than the whole budget`,
          fix: 'lower the TTL of both records of the pair to 60 s (AWS News blog, Route 53 health check improvements)',
        });
      }
    }
  }
  for (const check of readings.healthChecks) {
    if (!check.config) {
      findings.push({
        check: 'health-check-exists',
        resource: `route53:healthcheck/${check.id}`,
        expected: 'the health check the primary record names',
        found: 'no such health check',
        fix: 'create the health check again and associate it with the primary region record',
      });
    }
  }
  findings.push(...standbyHealthChecks(plan, readings.standbyHealthChecks ?? []));
  const prober = readings.prober;
  if (prober && 'error' in prober) {
    findings.push(couldNotCheck(`cloudwatch:alarm/${prober.name}`, 'cloudwatch:DescribeAlarms', prober.error));
  } else if (prober && !prober.exists) {
    findings.push({
      check: 'prober-alarm-exists',
      resource: `cloudwatch:alarm/${prober.name}`,
      expected: "the standby prober's alarm on Switchback/PrimaryReachable in the standby region (trigger.prober)",
      found: 'no such alarm: the prober cannot start a failover',
      fix: 'deploy Switchback again (serverless deploy): packaging creates the alarm for every plan with a trigger.prober',
    });
  }
  findings.push(...switchAlarmChecks(plan, readings.switchAlarm));
  for (const reading of readings.alarms) {
    if (!reading.alarm) {
      findings.push({
        check: 'alarm-exists',
        resource: `cloudwatch:alarm/${reading.name}`,
        expected: 'the CloudWatch alarm named in trigger.alarms',
        found: 'no such alarm in us-east-1',
        fix: 'create the alarm on the HealthCheckStatus of the primary region health check (README, "Wiring the Route 53 health-check alarms")',
      });
    } else if (primaryChecks.size > 0 && !reading.alarm.healthCheckIds.some((id) => primaryChecks.has(id))) {
      findings.push({
        check: 'alarm-watches-health-check',
        resource: `cloudwatch:alarm/${reading.name}`,
        expected: `an alarm on the health check of a primary record (${[...primaryChecks].join(', ')})`,
        found: reading.alarm.healthCheckIds.length
          ? `it watches ${reading.alarm.healthCheckIds.join(', ')}`
          : 'it watches no health check',
        fix: "point the alarm's HealthCheckId dimension at the primary region record's health check",
      });
    }
  }
  for (const { id, lagSeconds } of readings.lags) {
    if (lagSeconds === null || lagSeconds > plan.budgets.rpoSeconds) {
      findings.push({
        check: 'lag-within-rpo',
        resource: `database ${id}`,
        expected: `replica lag within the RPO budget of ${plan.budgets.rpoSeconds} s`,
        found: lagSeconds === null ? 'no lag datapoint' : `lag ${lagSeconds} s`,
        fix:
          lagSeconds === null
            ? 'check that the standby reports ReplicaLag / AuroraGlobalDBRPOLag in CloudWatch'
            : 'find why the replica falls behind (write load, instance size), or raise budgets.rpoSeconds if that loss is acceptable',
      });
    }
  }
  for (const warning of readings.backupWarnings) {
    findings.push({
      check: 'backups-fresh',
      resource: warning.split(' ')[0] ?? plan.app,
      expected: `backups at most ${backupMaxAgeSeconds(plan)} s old, copied to ${plan.regions.standby}`,
      found: warning,
      fix: 'turn on automated backups and their cross-region replication (RDS User Guide), or correct backups.* in the plan',
    });
  }
  // Restore tests age: judged at the readiness time (`at`), given by assessReadiness.
  if (readings.restoreTests && at) {
    const restoreTests = checkRestoreTests(plan, readings.restoreTests, at);
    const expected = `per database a passing restore test within backups.restoreTest.maxAgeDays, restored within the RTO budget of ${plan.budgets.rtoSeconds} s`;
    for (const found of restoreTests.findings) {
      findings.push({
        check: 'restore-test',
        resource: `restore tests of plan ${plan.app}`,
        expected,
        found,
        fix: `run \`switchback restore-test --plan ${plan.app}\` and fix what it reports (add backups.restoreTest to the plan if it has none)`,
      });
    }
    // Never tested: a fresh deployment whose weekly schedule has not run yet (the wiring check sees a schedule that
    // is missing or disabled). A failover promotes the standbys and never restores a backup, so this alone does not
    // make the plan not ready; a test that failed or grew stale does.
    for (const id of restoreTests.untested) {
      findings.push({
        check: 'restore-test',
        resource: `restore tests of plan ${plan.app}`,
        expected,
        found: `${id}: no restore test on record yet (the plan's restore-test schedule has not run)`,
        fix: `run \`switchback restore-test --plan ${plan.app}\` now, or let the schedule (${plan.backups.restoreTest?.schedule ?? 'backups.restoreTest.schedule'}) run it`,
        warning: true,
      });
    }
  }
  for (const { resource, call, error } of readings.unread ?? []) findings.push(couldNotCheck(resource, call, error));
  if (readings.wiring) findings.push(...wiringChecks(readings.wiring));
  if (readings.permissions) findings.push(...permissionChecks(plan, readings.permissions));
  return findings;
};

/**
 * An `alarm-health-check` plan's switch alarm against what a switch does (README, "DNS switch on a CloudWatch alarm"):
 * a failover publishes 1 on Switchback/DnsSwitch PrimaryOut (plan=<app>), a failback 0, once each. The alarm must
 * exist; watch that metric; go ALARM on 1 and OK on 0; and treat missing data as `ignore`, keeping its state between
 * switches: `notBreaching` would fail DNS back on its own once the failover's datapoint ages out (split brain),
 * `breaching` would fail over on a quiet metric. Route 53 reads standard-resolution alarms only (period >= 60 s).
 */
const switchAlarmChecks = (plan: Plan, reading: SwitchAlarmReading | undefined): ReadinessFinding[] => {
  if (plan.dnsSwitch.method !== 'alarm-health-check' || !reading) return [];
  const resource = `cloudwatch:alarm/${reading.name}`;
  if ('error' in reading) return [couldNotCheck(resource, 'cloudwatch:DescribeAlarms', reading.error)];
  const where = `${SWITCH_METRIC.namespace} ${SWITCH_METRIC.name} (${SWITCH_METRIC.dimension}=${plan.app})`;
  const finding = (expected: string, found: string, fix: string): ReadinessFinding => ({
    check: 'switch-alarm',
    resource,
    expected,
    found,
    fix,
  });
  const alarm = reading.alarm;
  if (!alarm) {
    return [
      finding(
        `the switch alarm (dnsSwitch.alarmName) in ${plan.regions.standby}, on ${where}`,
        `no such alarm in ${plan.regions.standby}: a failover publishes the switch and DNS does not move`,
        'create it as the README shows ("DNS switch on a CloudWatch alarm"), or fix dnsSwitch.alarmName',
      ),
    ];
  }
  const metric = alarm.metric;
  if (!metric) return [];
  const found: ReadinessFinding[] = [];
  const watches =
    metric.namespace === SWITCH_METRIC.namespace &&
    metric.name === SWITCH_METRIC.name &&
    metric.dimensions.length === 1 &&
    metric.dimensions[0]?.name === SWITCH_METRIC.dimension &&
    metric.dimensions[0]?.value === plan.app;
  if (!watches) {
    const dimensions = metric.dimensions.map((d) => `${d.name}=${d.value}`).join(', ');
    found.push(
      finding(
        `an alarm on ${where}, what a failover publishes`,
        `it watches ${metric.namespace ?? '?'} ${metric.name ?? '?'} (${dimensions || 'no dimension'}): a failover's switch never reaches it`,
        `point it at ${where} (README, "DNS switch on a CloudWatch alarm")`,
      ),
    );
  }
  const breaches = (value: number): boolean | undefined => {
    const threshold = metric.threshold;
    if (threshold === undefined) return undefined;
    switch (metric.comparison) {
      case 'GreaterThanOrEqualToThreshold':
        return value >= threshold;
      case 'GreaterThanThreshold':
        return value > threshold;
      case 'LessThanThreshold':
        return value < threshold;
      case 'LessThanOrEqualToThreshold':
        return value <= threshold;
      default:
        return undefined;
    }
  };
  if (!(breaches(1) === true && breaches(0) === false)) {
    found.push(
      finding(
        'ALARM on 1 (primary out, a failover) and OK on 0 (primary in, a failback)',
        `${metric.comparison ?? 'no comparison'} ${metric.threshold ?? 'no threshold'}: the switch does not move it as it should`,
        'set ComparisonOperator GreaterThanOrEqualToThreshold and Threshold 1',
      ),
    );
  }
  if (metric.treatMissingData !== 'ignore') {
    found.push(
      finding(
        'TreatMissingData ignore: the alarm keeps the state the last switch set',
        `TreatMissingData ${metric.treatMissingData ?? 'missing'}: once the switch's one datapoint ages out the alarm ${metric.treatMissingData === 'notBreaching' ? 'returns to OK and DNS fails back on its own' : metric.treatMissingData === 'breaching' ? 'goes ALARM and DNS fails over on its own' : 'goes INSUFFICIENT_DATA, and no longer says which way DNS is switched'}`,
        'set TreatMissingData to ignore',
      ),
    );
  }
  if (alarm.periodSeconds < 60) {
    found.push(
      finding(
        'a standard-resolution alarm (period of 60 s or more): Route 53 health checks read no other',
        `a period of ${alarm.periodSeconds} s`,
        'set Period to 60',
      ),
    );
  }
  return found;
};

/** Readiness of one plan: ready only when nothing but warnings is found and the projected RTO fits the budget. */
export const assessReadiness = (
  plan: Plan,
  readings: ReadinessReadings,
  at: Date,
  previous?: PlanReadiness,
): PlanReadiness => {
  const carried =
    plan.dnsSwitch.method === 'route53-records' ? undefined : carryUnansweredRecords(readings, previous, at);
  const projectedRto = projectRto(plan, readings, carried?.pairs);
  const findings: ReadinessFinding[] = [
    ...readings.preflightFindings,
    ...readinessChecks(plan, readings, at),
    ...(carried?.findings ?? []),
  ];
  if (!projectedRto.withinBudget) {
    const { detection, promotion, dns, orchestration } = projectedRto.terms;
    findings.push({
      check: 'projected-rto',
      resource: `plan ${plan.app}`,
      expected: `a projected RTO within the budget of ${plan.budgets.rtoSeconds} s`,
      found: `${projectedRto.seconds} s = detection ${detection.seconds} + promotion ${promotion.seconds} + DNS ${dns.seconds} + orchestration ${orchestration.seconds}`,
      fix: 'shorten the largest term (health-check interval and threshold, TTL), or raise budgets.rtoSeconds',
    });
  }
  const lags = readings.lags.map((lag) => lag.lagSeconds);
  return {
    plan: plan.app,
    at: at.toISOString(),
    ready: findings.every((finding) => finding.warning),
    findings,
    projectedRto,
    replicaLagSeconds: lags.some((lag) => lag === null) ? null : Math.max(0, ...(lags as number[])),
    ...(carried ? { records: [...recordTargetsOf(plan, readings), ...carried.pairs] } : {}),
    ...(carried && carried.resources.length > 0 ? { carriedRecords: carried.resources } : {}),
  };
};

/**
 * How long readiness carries a record pair's last reading forward while Route 53's API does not answer: a design
 * choice, long enough for a long outage of us-east-1, short enough that a readiness that lost Route 53 for another
 * reason (its network) does not vouch for records read a day ago.
 */
export const RECORDS_CARRIED_HOURS = 24;

/**
 * The record pairs of a plan whose live path reads no record (ARC, alarm-health-check) that this run could not read
 * because Route 53's API did not answer (its control plane is in us-east-1), kept as the previous run had them: their
 * records and record findings, each marked with when it was read. Nobody's edits reach the records through an API
 * that does not answer, so a reading from before the outage still says what they are; without it, the first run of a
 * us-east-1 outage would leave the failover (which goes by the last readiness) with no records to check, and its
 * verify with none to compare DNS answers with. Carried for RECORDS_CARRIED_HOURS at most, and never what the
 * previous run did not have itself: only a pair it kept in its `records` (read, or carried in turn), never one it
 * could not read or one the plan did not have then. The run's own "could not check" finding stays: readiness did not
 * read them.
 */
const carryUnansweredRecords = (
  readings: ReadinessReadings,
  previous: PlanReadiness | undefined,
  at: Date,
): { pairs: RecordPairTargets[]; findings: ReadinessFinding[]; resources: { resource: string; readAt: string }[] } => {
  const carried = {
    pairs: [] as RecordPairTargets[],
    findings: [] as ReadinessFinding[],
    resources: [] as { resource: string; readAt: string }[],
  };
  if (!previous) return carried;
  for (const reading of readings.records) {
    if (!reading.unanswered) continue;
    const resource = recordResource(reading.hostedZoneId, reading);
    const kept = previous.records?.find((pair) => recordResource(pair.hostedZoneId, pair) === resource);
    if (!kept) continue;
    const wasCarried = previous.carriedRecords?.find((entry) => entry.resource === resource);
    const readAt = kept.readAt ?? wasCarried?.readAt ?? previous.at;
    if (at.getTime() - Date.parse(readAt) > RECORDS_CARRIED_HOURS * 3600_000) continue;
    carried.resources.push({ resource, readAt });
    carried.pairs.push({ ...kept, readAt });
    for (const finding of previous.findings) {
      if (finding.check === COULD_NOT_CHECK) continue;
      if (finding.resource !== resource && !finding.resource.startsWith(`${resource}/`)) continue;
      carried.findings.push({ ...finding, readAt: finding.readAt ?? readAt });
    }
  }
  return carried;
};

/**
 * What readiness keeps of a plan's record pairs (PlanReadiness.records): each pair whose records were read, with its
 * failover records' targets, which the verify steps compare DNS answers with (for the types in ANSWER_COMPARED_TYPES),
 * and its largest TTL, which the projected RTO counts while a later run cannot read the pair (carryUnansweredRecords).
 */
const recordTargetsOf = (plan: Plan, readings: ReadinessReadings): RecordPairTargets[] =>
  plan.dns.flatMap((zone) =>
    zone.records.flatMap((pair): RecordPairTargets[] => {
      const reading = recordReading(readings, zone.hostedZoneId, pair.name, pair.type);
      if (!reading || reading.error) return [];
      const records = reading.records.flatMap((record) =>
        record.routing === 'failover' && record.setIdentifier && record.failover && record.target
          ? [{ setIdentifier: record.setIdentifier, failover: record.failover, target: record.target }]
          : [],
      );
      const ttl = ttlOf(reading);
      return [
        {
          hostedZoneId: zone.hostedZoneId,
          name: pair.name,
          type: pair.type,
          records,
          ...(ttl === undefined ? {} : { ttl }),
        },
      ];
    }),
  );

/**
 * What the verify steps of a plan whose live path calls no Route 53 API compare DNS answers with: the record pairs as
 * its last readiness read them, when that readiness is current (it ran within two of its scheduled runs) and kept
 * them; otherwise why the answers are not compared. A readiness from before the last failover or failback serves:
 * each record is kept by set identifier, and a switch changes which one DNS answers, not what each answers.
 */
export const recordTargetsByReadiness = (
  plan: Plan,
  last: PlanReadiness | undefined,
  now: Date,
): { at: string; pairs: RecordPairTargets[] } | { notCompared: string } => {
  const age = readinessAge(plan, last, now);
  if (!last || age === 'none') return { notCompared: `no readiness of plan ${plan.app} is on record` };
  if (age === 'stale') {
    return {
      notCompared: `the plan's last readiness ran at ${last.at}, more than two of its runs (every ${plan.readiness.scheduleMinutes} min) ago`,
    };
  }
  if (!last.records) {
    return {
      notCompared: `the plan's last readiness (${last.at}) kept no record values (written by an older release)`,
    };
  }
  return { at: last.at, pairs: last.records };
};

/** What changed between two readiness runs of a plan, for the one message people get when it changes. */
export interface ReadinessChange {
  plan: string;
  at: string;
  /** The readiness before (null: no earlier run recorded) and now. */
  wasReady: boolean | null;
  ready: boolean;
  /** Findings present now and not before, and present before and gone now (compared by check and resource). */
  appeared: ReadinessFinding[];
  cleared: ReadinessFinding[];
}

const findingKey = (finding: ReadinessFinding): string => `${finding.check}|${finding.resource}`;

/**
 * The change people are told about: readiness flipped (ready to not ready, or back). A first run that is not ready
 * counts as a change (nobody has been told yet); a first run that is ready, or a run whose readiness is the same as
 * before (even with other findings), is not. Undefined: nothing to say.
 */
export const readinessChange = (
  previous: PlanReadiness | undefined,
  current: PlanReadiness,
): ReadinessChange | undefined => {
  if (previous ? previous.ready === current.ready : current.ready) return undefined;
  const before = new Set((previous?.findings ?? []).map(findingKey));
  const now = new Set(current.findings.map(findingKey));
  return {
    plan: current.plan,
    at: current.at,
    wasReady: previous ? previous.ready : null,
    ready: current.ready,
    appeared: current.findings.filter((finding) => !before.has(findingKey(finding))),
    cleared: (previous?.findings ?? []).filter((finding) => !now.has(findingKey(finding))),
  };
};

/**
 * Whether a live failover may go by the plan's last readiness: `current` when it ran within two of its scheduled
 * runs (the schedule missed at most one) and after the topology last changed (`topologyChangedAt`: the last failover
 * or failback; before it, the regions had other roles).
 */
const readinessAge = (
  plan: Plan,
  last: PlanReadiness | undefined,
  now: Date,
  topologyChangedAt?: string,
): 'none' | 'before-move' | 'stale' | 'current' => {
  if (!last) return 'none';
  const at = Date.parse(last.at);
  if (topologyChangedAt !== undefined && at < Date.parse(topologyChangedAt)) return 'before-move';
  return at < now.getTime() - 2 * plan.readiness.scheduleMinutes * 60_000 ? 'stale' : 'current';
};

/**
 * What a person must weigh before a failover of a plan whose last readiness (current: readinessAge) found the standby
 * region's endpoint failing its health check: the failover would move traffic to an endpoint Route 53 considers down
 * (and after the fence, Route 53 may answer the fenced record or the old region instead). One question, or none.
 */
export const standbyHealthByReadiness = (
  plan: Plan,
  last: PlanReadiness | undefined,
  now: Date,
  topologyChangedAt?: string,
): string | undefined => {
  if (!last || readinessAge(plan, last, now, topologyChangedAt) !== 'current') return undefined;
  const failing = last.findings.filter((finding) => finding.check === 'standby-health-check' && !finding.warning);
  if (failing.length === 0) return undefined;
  // Short enough for a Slack message's line (300 characters): the checkers' count, not their report.
  const found = failing.map((finding) => `${finding.resource}: ${finding.found.split(/ \(|;/)[0]}`).join('; ');
  return `a failover would move traffic to the ${plan.regions.standby} endpoint, which failed its Route 53 health check at the plan's readiness of ${last.at} (${found}); approve once it passes`;
};

/** The preflight's record checks: the ones a live failover of a plan that does not edit records leaves to readiness. */
export const RECORD_CHECKS: readonly PreflightCheck[] = [
  'record-exists',
  'record-failover',
  'record-set-identifiers',
  'record-roles',
];

/** What a live failover that does not read Route 53's API knows of the plan's records, from its last readiness. */
export interface RecordsByReadiness {
  /** The last readiness's record findings, as preflight findings (they stop the run before any change). */
  findings: PreflightFinding[];
  /** What the run says of its records, a warning on the run. */
  note: string;
}

/**
 * The records of a plan whose live failover does not call Route 53's API (us-east-1): an `arc-routing-control` or
 * `alarm-health-check` plan switches DNS without editing records, so it reads none, and readiness checks them on its
 * schedule. The findings of the plan's last readiness stop the run as the preflight's own would (a standby record
 * that is missing or not a failover record leaves DNS answering the failed region, whatever the switch does), when
 * that readiness is current: it ran within two of its scheduled runs (the schedule missed at most one) and after the
 * topology last changed (`topologyChangedAt`: the last failover or failback; before it, the records had other
 * roles). An older readiness, or none, stops nothing: the note says that the records went unchecked, and why.
 */
export const recordsByReadiness = (
  plan: Plan,
  last: PlanReadiness | undefined,
  now: Date,
  topologyChangedAt?: string,
): RecordsByReadiness => {
  const notRead = `records not read: an ${plan.dnsSwitch.method} plan's live failover does not call Route 53's API (us-east-1)`;
  const minutes = plan.readiness.scheduleMinutes;
  const age = readinessAge(plan, last, now, topologyChangedAt);
  if (!last || age === 'none') {
    return {
      findings: [],
      note: `${notRead}, and no readiness of plan ${plan.app} is on record: record checks skipped`,
    };
  }
  if (age === 'before-move') {
    return {
      findings: [],
      note: `${notRead}, and the plan's last readiness (${last.at}) ran before its topology last changed (${topologyChangedAt}): record checks skipped`,
    };
  }
  if (age === 'stale') {
    return {
      findings: [],
      note: `${notRead}, and the plan's last readiness ran at ${last.at}, more than two of its runs (every ${minutes} min) ago: record checks skipped; check the plan's readiness schedule`,
    };
  }
  const findings = last.findings
    .filter((finding) => !finding.warning && (RECORD_CHECKS as readonly string[]).includes(finding.check))
    .map(
      (finding): PreflightFinding => ({
        check: finding.check as PreflightCheck,
        resource: finding.resource,
        expected: finding.expected,
        found: `${finding.found} (${finding.readAt ? `as the plan's readiness read it at ${finding.readAt}` : `the plan's readiness at ${last.at}`})`,
        fix: `${finding.fix}; then run the plan's readiness again (every ${minutes} min, or now: switchback readiness --plan ${plan.app} --record) and start the failover again`,
      }),
    );
  // What the run could not read (Route 53's API did not answer), kept as an earlier run read it or not at all.
  const carried = last.carriedRecords ?? [];
  const unread = plan.dns
    .flatMap((zone) => zone.records.map((record) => recordResource(zone.hostedZoneId, record)))
    .filter(
      (resource) =>
        !carried.some((entry) => entry.resource === resource) &&
        last.findings.some((finding) => finding.check === COULD_NOT_CHECK && finding.resource === resource),
    );
  const found =
    findings.length > 0
      ? `found ${findings.length === 1 ? 'a record finding' : `${findings.length} record findings`}`
      : unread.length > 0
        ? 'found no record finding in what it read'
        : 'found every record pair in place';
  const keptNote =
    carried.length > 0
      ? `; it kept ${carried.map((entry) => `${entry.resource} as read at ${entry.readAt}`).join(', ')} (Route 53's API did not answer it)`
      : '';
  const unreadNote =
    unread.length > 0
      ? `; it could not read ${unread.join(', ')}: record checks skipped for ${unread.length === 1 ? 'it' : 'them'}`
      : '';
  return { findings, note: `${notRead}: the plan's readiness at ${last.at} ${found}${keptNote}${unreadNote}` };
};
