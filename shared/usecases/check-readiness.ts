import type { IamPolicySimulator } from '../aws/iam-simulator';
import type { RestoreTestLedgerPort } from '../aws/restore-test-ledger';
import type { SwitchbackWiring } from '../aws/wiring';
import { backupWarnings as backupWarningsOf } from '../domain/decision';
import type { HealthCheckStatus } from '../domain/health-checks';
import type { LedgerPort, RdsPort, ReplicaLagPort, Route53Port } from '../domain/ports';
import type { RecordPairReading, StandbyReading } from '../domain/preflight';
import { preflight, recordResource } from '../domain/preflight';
import {
  type AlarmReading,
  assessReadiness,
  type HealthCheckReading,
  type PlanReadiness,
  type ProberAlarmReading,
  type StandbyHealthCheckReading,
  type SwitchAlarmReading,
  type UnreadReading,
} from '../domain/readiness';
import type { DatabaseAssessment } from '../domain/run';
import { type PermissionReading, type StackTargets, stepPermissions } from '../domain/step-permissions';
import type { WiringReadings, WiringTargets } from '../domain/wiring';
import type { PlanRegistry } from '../plan/registry';
import type { Plan } from '../plan/schema';
import { proberAlarmName } from '../plan/settings';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { readDatabase } from './assess-failover';
import { describeError, readPreflight, readStandby } from './read-preflight';

/** How many restore-test records readiness reads: a year of weekly tests for a few databases. */
const HISTORY_RESTORE_TESTS = 200;
/** How many of the plan's recorded runs readiness reads for its own promotion times. */
const HISTORY_RUNS = 20;

export interface CheckReadinessDeps {
  plans: PlanRegistry;
  rds: Pick<RdsPort, 'describeInstance' | 'describeCluster' | 'describeGlobalCluster' | 'latestReplicatedBackup'>;
  route53: Pick<Route53Port, 'listRecordSets'> & {
    getHealthCheck(id: string): Promise<{ intervalSeconds: number; failureThreshold: number } | undefined>;
    getHealthCheckStatus(id: string): Promise<HealthCheckStatus | undefined>;
  };
  alarms: { describeAlarms(names: readonly string[]): Promise<AlarmReading[]> };
  /**
   * The alarms in the deployment's (standby) region: the standby prober's, and an `alarm-health-check` plan's DNS
   * switch alarm; without it, neither is checked.
   */
  proberAlarms?: { describeAlarms(names: readonly string[]): Promise<AlarmReading[]> };
  replicaLag: ReplicaLagPort;
  ledger: Pick<LedgerPort, 'getLock' | 'listRuns'>;
  /** The plan's restore-test records; without it, restore tests are not part of the readiness. */
  restoreTests?: Pick<RestoreTestLedgerPort, 'listRestoreTests'>;
  /** Switchback's own wiring to check (its rules, state machines, dead-letter queue); without it, not checked. */
  wiring?: {
    targets: WiringTargets;
    reader: Pick<SwitchbackWiring, 'readRule' | 'readStateMachine' | 'readQueue' | 'readSchedule'>;
  };
  /**
   * IAM policy simulation of each step's deployed role (function name -> role ARN) on this plan's resources;
   * without it, not checked.
   */
  permissions?: { roles: Readonly<Record<string, string>>; simulator: Pick<IamPolicySimulator, 'simulate'> };
  /** Reads the caller made for these checks and that failed (the CLI reading the deployment's targets). */
  notRead?: readonly UnreadReading[];
  clock: Clock;
  log: Log;
}

/**
 * Asks IAM, for each step's role, whether it may make the calls its step needs on this plan's resources and, given
 * the stack's state machines (readiness's wiring targets), the runbook starts (one simulation per role and action). A failed simulation is that role's "could not check", never a crash.
 */
const readPermissions = async (
  plan: Plan,
  { roles, simulator }: NonNullable<CheckReadinessDeps['permissions']>,
  stack?: StackTargets,
): Promise<PermissionReading[]> => {
  const byRole = new Map<string, PermissionReading>();
  const arnParts = (arn: string) => arn.split(':');
  // Every role's needs come from one list per account (the roles share theirs): built once, not once per role.
  const needsByAccount = new Map<string, Map<string, ReturnType<typeof stepPermissions>>>();
  const needsOf = (fn: string, partition: string, account: string) => {
    const key = `${partition}:${account}`;
    let byFunction = needsByAccount.get(key);
    if (!byFunction) {
      byFunction = new Map();
      for (const need of stepPermissions(plan, account, partition, stack)) {
        const needs = byFunction.get(need.function);
        if (needs) needs.push(need);
        else byFunction.set(need.function, [need]);
      }
      needsByAccount.set(key, byFunction);
    }
    return byFunction.get(fn) ?? [];
  };
  const jobs = Object.entries(roles).map(async ([fn, roleArn]) => {
    const [, partition = 'aws', , , account = ''] = arnParts(roleArn);
    const needed = needsOf(fn, partition, account);
    const groups = new Map<
      string,
      { action: string; resources: string[]; context: (typeof needed)[number]['context'] }
    >();
    for (const need of needed) {
      const key = `${need.action}|${JSON.stringify(need.context ?? [])}`;
      const group = groups.get(key) ?? { action: need.action, resources: [], context: need.context };
      group.resources.push(need.resource);
      groups.set(key, group);
    }
    const reading: PermissionReading = { function: fn, roleArn, decisions: [] };
    byRole.set(fn, reading);
    try {
      for (const group of groups.values()) {
        reading.decisions?.push(...(await simulator.simulate(roleArn, group.action, group.resources, group.context)));
      }
    } catch (error) {
      byRole.set(fn, {
        function: fn,
        roleArn,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  });
  await Promise.all(jobs);
  return Object.keys(roles).flatMap((fn) => {
    const reading = byRole.get(fn);
    return reading ? [reading] : [];
  });
};

/** The plan's prober alarm (a plan with trigger.prober): found, missing, or why it could not be read. */
const readProberAlarm = async (
  plan: Plan,
  reader: CheckReadinessDeps['proberAlarms'],
): Promise<ProberAlarmReading | undefined> => {
  if (!plan.trigger.prober || !reader) return undefined;
  const name = proberAlarmName(plan);
  try {
    const [reading] = await reader.describeAlarms([name]);
    return { name, exists: reading?.alarm !== undefined };
  } catch (error) {
    return { name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};

/** An `alarm-health-check` plan's switch alarm: as DescribeAlarms shows it, or why it could not be read. */
const readSwitchAlarm = async (
  plan: Plan,
  reader: CheckReadinessDeps['proberAlarms'],
): Promise<SwitchAlarmReading | undefined> => {
  if (plan.dnsSwitch.method !== 'alarm-health-check' || !reader) return undefined;
  const name = plan.dnsSwitch.alarmName;
  try {
    const [reading] = await reader.describeAlarms([name]);
    return reading ?? { name };
  } catch (error) {
    return { name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};

/** Reads every rule, state machine, queue and schedule at once; each read answers (found, missing or error), none throws. */
const readWiring = async ({ targets, reader }: NonNullable<CheckReadinessDeps['wiring']>): Promise<WiringReadings> => {
  const [rules, stateMachines, queues, schedules] = await Promise.all([
    Promise.all(targets.rules.map(async (rule) => ({ rule, reading: await reader.readRule(rule) }))),
    Promise.all(targets.stateMachineArns.map(async (arn) => ({ arn, reading: await reader.readStateMachine(arn) }))),
    Promise.all(targets.deadLetterQueueUrls.map(async (url) => ({ url, reading: await reader.readQueue(url) }))),
    Promise.all(
      targets.schedules.map(async (schedule) => ({ schedule, reading: await reader.readSchedule(schedule.name) })),
    ),
  ]);
  return { rules, stateMachines, queues, schedules };
};

/**
 * The health checks the standby region's records name, as Route 53's checkers see them now: a route53-records
 * plan's only (an ARC plan's standby records carry routing controls' health checks, off until a failover turns them
 * on; an alarm-health-check plan's carry none). Each health check once, however many records name it; a read that
 * fails is a "could not check".
 */
const readStandbyHealthChecks = async (
  plan: Plan,
  records: RecordPairReading[],
  attempt: <T>(resource: string, call: string, read: () => Promise<T>) => Promise<T | symbol>,
  route53: CheckReadinessDeps['route53'],
): Promise<StandbyHealthCheckReading[]> => {
  const named = new Map<string, string[]>();
  for (const zone of plan.dnsSwitch.method === 'route53-records' ? plan.dns : []) {
    for (const { name, type, standbySetIdentifier } of zone.records) {
      const id = records
        .find((r) => r.hostedZoneId === zone.hostedZoneId && r.name === name && r.type === type)
        ?.records.find((r) => r.setIdentifier === standbySetIdentifier)?.healthCheckId;
      if (id)
        named.set(id, [
          ...(named.get(id) ?? []),
          recordResource(zone.hostedZoneId, { name, type }, standbySetIdentifier),
        ]);
    }
  }
  const readings = await Promise.all(
    [...named].map(async ([id, names]) => {
      const status = await attempt(`route53:healthcheck/${id}`, 'route53:GetHealthCheckStatus', () =>
        route53.getHealthCheckStatus(id),
      );
      return typeof status === 'symbol' ? [] : [{ id, records: names, ...(status ? { status } : {}) }];
    }),
  );
  return readings.flat();
};

/** Where a standby is, as the preflight's findings name it (`rds:<region>:<identifier>`). */
const standbyResource = (db: Plan['databases'][number]): { resource: string; call: string } =>
  db.kind === 'rds-read-replica'
    ? { resource: `rds:${db.replica.region}:${db.replica.instance}`, call: 'rds:DescribeDBInstances' }
    : {
        resource: `rds:${db.secondary.region}:${db.secondary.cluster}`,
        call: 'rds:DescribeDBClusters and rds:DescribeGlobalClusters',
      };

/**
 * Readiness of one plan now: the preflight Assess would run for an alarm-started failover, plus the checks that may
 * use other regions' control planes (the alarms in us-east-1, the health checks, the plan's run history), and the
 * projected RTO (shared/domain/readiness.ts). Reads only: nothing is changed. A read that fails (AWS refuses,
 * throttles or does not answer) is a "could not check" finding naming the resource, the call and the error: never a
 * crash of the run, never a pass.
 */
export const checkReadiness = async (
  plan: Plan,
  deps: CheckReadinessDeps,
  options: {
    /** The plan's previous readiness: what a record pair Route 53's API does not answer for is carried from. */
    previous?: PlanReadiness;
  } = {},
): Promise<PlanReadiness> => {
  const now = deps.clock.now();
  const unread: UnreadReading[] = [...(deps.notRead ?? [])];
  /** The read's answer, or `failed` after noting the failure. */
  const failed = Symbol('failed');
  const attempt = async <T>(resource: string, call: string, read: () => Promise<T>): Promise<T | typeof failed> => {
    try {
      return await read();
    } catch (error) {
      unread.push({ resource, call, error: describeError(error) });
      return failed;
    }
  };
  const standbys: StandbyReading[] = await Promise.all(
    plan.databases.map(async (db) => {
      const { resource, call } = standbyResource(db);
      try {
        return await readStandby(db, deps.rds);
      } catch (error) {
        unread.push({ resource, call, error: describeError(error) });
        return db.kind === 'rds-read-replica'
          ? { id: db.id, kind: db.kind, instance: undefined, error: describeError(error) }
          : { id: db.id, kind: db.kind, cluster: undefined, global: undefined, error: describeError(error) };
      }
    }),
  );
  // Another plan's lock that cannot be read is a claim nobody can rule out.
  const ledger = {
    getLock: async (name: string) => {
      const lock = await attempt(`the ledger's lock of plan ${name}`, 'dynamodb:GetItem', () =>
        deps.ledger.getLock(name),
      );
      return lock === failed ? undefined : lock;
    },
  };
  const [preflightReadings, assessments, alarms, history, restoreTests, wiring, permissions, prober, switchAlarm] =
    await Promise.all([
      readPreflight(plan, { plans: deps.plans, rds: deps.rds, route53: deps.route53, ledger }, standbys, {
        keepRecordErrors: true,
      }),
      Promise.all(
        plan.databases.map((db, index) => {
          const standby = standbys[index];
          if (standby?.error !== undefined) return failed;
          return attempt(`database ${db.id}`, 'its replica lag and backups (cloudwatch:GetMetricData, rds)', () =>
            readDatabase(db, deps, now, standby),
          );
        }),
      ),
      // One call for every alarm of the trigger: when it fails, each alarm is one that could not be checked.
      deps.alarms.describeAlarms(plan.trigger.alarms).catch((error: unknown): typeof failed => {
        for (const name of plan.trigger.alarms) {
          unread.push({
            resource: `cloudwatch:alarm/${name}`,
            call: 'cloudwatch:DescribeAlarms',
            error: describeError(error),
          });
        }
        return failed;
      }),
      attempt(`the ledger's runs of plan ${plan.app}`, 'dynamodb:Query', () =>
        deps.ledger.listRuns(plan.app, HISTORY_RUNS),
      ),
      deps.restoreTests
        ? attempt(`the ledger's restore tests of plan ${plan.app}`, 'dynamodb:Query', () =>
            (deps.restoreTests as NonNullable<CheckReadinessDeps['restoreTests']>).listRestoreTests(
              plan.app,
              HISTORY_RESTORE_TESTS,
            ),
          )
        : undefined,
      deps.wiring ? readWiring(deps.wiring) : undefined,
      deps.permissions ? readPermissions(plan, deps.permissions, deps.wiring?.targets) : undefined,
      readProberAlarm(plan, deps.proberAlarms),
      readSwitchAlarm(plan, deps.proberAlarms),
    ]);
  for (const pair of preflightReadings.records) {
    if (pair.error !== undefined) {
      unread.push({
        resource: recordResource(pair.hostedZoneId, pair),
        call: 'route53:ListResourceRecordSets',
        error: pair.error,
      });
    }
  }
  // The health checks of the primary region's records: what the alarms should watch.
  const healthCheckIds = [
    ...new Set(
      plan.dns.flatMap((zone) =>
        zone.records.flatMap((record) => {
          const pair = preflightReadings.records.find(
            (r) => r.hostedZoneId === zone.hostedZoneId && r.name === record.name && r.type === record.type,
          );
          const primary = pair?.records.find((r) => r.setIdentifier === record.primarySetIdentifier);
          return primary?.healthCheckId ? [primary.healthCheckId] : [];
        }),
      ),
    ),
  ];
  // The primary records' health checks and the standby records' status, read together (the adapter paces them).
  const [primaryHealthChecks, standbyHealthChecks] = await Promise.all([
    Promise.all(
      healthCheckIds.map(async (id) => {
        const config = await attempt(`route53:healthcheck/${id}`, 'route53:GetHealthCheck', () =>
          deps.route53.getHealthCheck(id),
        );
        return config === failed ? [] : [config ? { id, config } : { id }];
      }),
    ),
    readStandbyHealthChecks(plan, preflightReadings.records, attempt, deps.route53),
  ]);
  const healthChecks: HealthCheckReading[] = primaryHealthChecks.flat();
  const read = assessments.filter((db): db is DatabaseAssessment => db !== failed);
  // The backup warnings a live failover's decision would give now.
  const backupWarnings = backupWarningsOf(plan, read, now);
  const readiness = assessReadiness(
    plan,
    {
      preflightFindings: preflight(plan, preflightReadings, { switchover: false }),
      records: preflightReadings.records,
      alarms: alarms === failed ? [] : alarms,
      healthChecks,
      standbyHealthChecks,
      lags: read.filter((db) => !db.alreadyPromoted).map((db) => ({ id: db.id, lagSeconds: db.lagSeconds })),
      backupWarnings,
      history: history === failed ? [] : history,
      ...(restoreTests && restoreTests !== failed ? { restoreTests } : {}),
      ...(wiring ? { wiring } : {}),
      ...(permissions ? { permissions } : {}),
      unread,
      ...(prober ? { prober } : {}),
      ...(switchAlarm ? { switchAlarm } : {}),
    },
    now,
    options.previous,
  );
  deps.log.info('readiness checked', {
    plan: plan.app,
    ready: readiness.ready,
    findings: readiness.findings.length,
    projectedRtoSeconds: readiness.projectedRto.seconds,
  });
  return readiness;
};
