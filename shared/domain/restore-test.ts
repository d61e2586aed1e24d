import { createHash } from 'node:crypto';
import type { Database, Plan, RestoreTestSettings } from '../plan/schema';

/**
 * Restore tests, the pure part: the names of the throwaways, the evidence of one test and the readiness check of a
 * plan's restore tests. A restore test proves the backup tier: the restored point's age is that tier's RPO, the
 * time to available its RTO (design.md, lifecycle: "restore tests prove the backups on a schedule").
 */

/**
 * Every throwaway's identifier starts with this: IAM lets the restore role create and delete only identifiers
 * with it (serverless.yml), and the sweeper deletes only those.
 */
export const RESTORE_PREFIX = 'sbrt-';
/** Tag key on every throwaway: its value is the test id. */
export const RESTORE_TAG = 'switchback:restore-test';
/** Tag key with the plan. */
export const RESTORE_PLAN_TAG = 'switchback:plan';
/** Tag key with the time after which the sweeper deletes the throwaway (ISO-8601). */
export const RESTORE_DEADLINE_TAG = 'switchback:delete-after';
/** Aurora instance class when the plan names none (CreateDBInstance needs one): the smallest Aurora PostgreSQL 16 class. */
export const DEFAULT_AURORA_RESTORE_CLASS = 'db.t4g.medium';

/**
 * The throwaway's identifier for one database in one test: the prefix, the database id (shortened) and a hash of
 * both, so that a redrive or a second start of the same test finds the same name (RDS answers "already exists"
 * instead of a second throwaway), and two tests never collide. At most 63 characters, no double dash.
 */
export const restoreIdentifier = (testId: string, databaseId: string): string => {
  const hash = createHash('sha256').update(`${testId}\n${databaseId}`).digest('hex').slice(0, 10);
  const stem = databaseId.slice(0, 63 - RESTORE_PREFIX.length - hash.length - 1).replace(/-+$/, '');
  return `${RESTORE_PREFIX}${stem}-${hash}`;
};

/** The Aurora throwaway's instance, in the cluster `restoreIdentifier` names. */
export const restoreInstanceOfCluster = (clusterIdentifier: string): string => `${clusterIdentifier.slice(0, 61)}-1`;

/** The restore test settings of a plan, or a clear error naming the field to add. */
export const restoreTestSettings = (plan: Plan): RestoreTestSettings => {
  const settings = plan.backups.restoreTest;
  if (!settings) {
    throw new RangeError(
      `plan ${plan.app} has no backups.restoreTest: add one (subnetGroup, securityGroup) to plans/${plan.app}.yml`,
    );
  }
  return settings;
};

/** By when a test that started at `startedAt` must be over; after it the sweeper may delete its throwaways. */
export const restoreTestDeadline = (startedAt: string, settings: Pick<RestoreTestSettings, 'timeoutMinutes'>): string =>
  new Date(Date.parse(startedAt) + settings.timeoutMinutes * 60_000).toISOString();

/** The databases a test covers: all of the plan's, or the one named. */
export const databasesToTest = (plan: Plan, databaseId?: string): Database[] => {
  if (databaseId === undefined) return plan.databases;
  const found = plan.databases.filter((db) => db.id === databaseId);
  if (found.length === 0) {
    throw new RangeError(
      `database "${databaseId}" is not in plan ${plan.app}: expected one of ${plan.databases.map((db) => db.id).join(', ')}`,
    );
  }
  return found;
};

/** One restore test of one database: the evidence (ledger, metrics, report). */
export interface RestoreTestRecord {
  plan: string;
  testId: string;
  databaseId: string;
  kind: Database['kind'];
  /** The throwaway (an instance; for Aurora, the cluster and its instance). */
  identifier: string;
  region: string;
  requestedBy: string;
  startedAt: string;
  /** The restored point: the newest restorable time in the standby region when the test began. */
  restorePointTime?: string;
  /** Test start minus the restored point: the data a restore from backup would lose (the backup tier's RPO). */
  restorePointAgeSeconds?: number;
  /** When the throwaway became available, if it did. */
  availableAt?: string;
  /** Restore start to available (the backup tier's RTO). */
  secondsToAvailable?: number;
  validation: { hook?: string; passed: boolean | null; detail?: string };
  passed: boolean;
  /** Why the test failed (error name and message), when it did. */
  failure?: { error: string; cause: string };
  /** When the throwaway's deletion was accepted (it is deleted without a final snapshot). */
  cleanedUpAt?: string;
  /** Restore start to deletion: what the throwaway cost, in instance-hours. */
  instanceHours?: number;
  /** The RTO budget the restore time is compared with. */
  rtoBudgetSeconds: number;
  withinRto?: boolean;
  recordedAt: string;
}

const seconds = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The evidence of one test from what its steps saw. */
export const buildRestoreTestRecord = (input: {
  plan: Plan;
  testId: string;
  database: Pick<Database, 'id' | 'kind'>;
  identifier: string;
  region: string;
  requestedBy: string;
  startedAt: string;
  restorePointTime?: string;
  requestedAt?: string;
  availableAt?: string;
  validation?: { hook?: string; passed: boolean | null; detail?: string };
  failure?: { error: string; cause: string };
  cleanedUpAt?: string;
  recordedAt: string;
}): RestoreTestRecord => {
  const validation = input.validation ?? { passed: null };
  const restoreStart = input.requestedAt ?? input.startedAt;
  const secondsToAvailable = input.availableAt ? seconds(restoreStart, input.availableAt) : undefined;
  const rtoBudgetSeconds = input.plan.budgets.rtoSeconds;
  const passed = input.failure === undefined && input.availableAt !== undefined && validation.passed !== false;
  const instanceHours =
    input.cleanedUpAt && input.requestedAt
      ? Math.round((seconds(input.requestedAt, input.cleanedUpAt) / 3600) * 1000) / 1000
      : undefined;
  return {
    plan: input.plan.app,
    testId: input.testId,
    databaseId: input.database.id,
    kind: input.database.kind,
    identifier: input.identifier,
    region: input.region,
    requestedBy: input.requestedBy,
    startedAt: input.startedAt,
    ...(input.restorePointTime
      ? {
          restorePointTime: input.restorePointTime,
          restorePointAgeSeconds: seconds(input.restorePointTime, input.startedAt),
        }
      : {}),
    ...(input.availableAt ? { availableAt: input.availableAt, secondsToAvailable } : {}),
    validation,
    passed,
    ...(input.failure ? { failure: input.failure } : {}),
    ...(input.cleanedUpAt ? { cleanedUpAt: input.cleanedUpAt } : {}),
    ...(instanceHours !== undefined ? { instanceHours } : {}),
    rtoBudgetSeconds,
    ...(secondsToAvailable !== undefined ? { withinRto: secondsToAvailable <= rtoBudgetSeconds } : {}),
    recordedAt: input.recordedAt,
  };
};

/** What readiness says about a plan's restore tests. */
export interface RestoreTestReadiness {
  ok: boolean;
  findings: string[];
  /**
   * The databases with no restore test on record at all: a deployment whose schedule has not run yet (readiness
   * says so as a warning; once a test is recorded, a failed or stale one is a finding).
   */
  untested: string[];
}

/**
 * The readiness check of a plan's restore tests (pure; the readiness report calls it with the ledger's records):
 * flagged when a database has no passing test within `maxAgeDays`, or when its newest passing restore took longer
 * than the plan's RTO budget. A plan without `backups.restoreTest` is flagged too: its backups are unproven. A
 * database with no test on record at all is `untested` rather than flagged (its schedule has not run yet).
 */
export const checkRestoreTests = (
  plan: Plan,
  records: readonly RestoreTestRecord[],
  now: Date,
): RestoreTestReadiness => {
  const settings = plan.backups.restoreTest;
  if (!settings) {
    return {
      ok: false,
      findings: [`${plan.app}: no backups.restoreTest: its backups have never been restored`],
      untested: [],
    };
  }
  const findings: string[] = [];
  const untested: string[] = [];
  const oldest = now.getTime() - settings.maxAgeDays * 86_400_000;
  const ageDays = (at: string) => Math.floor((now.getTime() - Date.parse(at)) / 86_400_000);
  for (const db of plan.databases) {
    const tests = records
      .filter((r) => r.plan === plan.app && r.databaseId === db.id)
      .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    if (tests.length === 0) {
      untested.push(db.id);
      continue;
    }
    // The latest test failing is news even when an older one passed: the backups may have broken since.
    const latest = tests[0];
    if (latest && !latest.passed) {
      const why = latest.failure ? `${latest.failure.error}: ${latest.failure.cause}` : 'validation did not pass';
      findings.push(
        `${db.id}: the latest restore test (${latest.startedAt}, ${ageDays(latest.startedAt)} days ago) failed: ${why}`,
      );
    }
    const newest = tests.find((r) => r.passed);
    if (!newest || Date.parse(newest.startedAt) < oldest) {
      findings.push(
        `${db.id}: no passing restore test within ${settings.maxAgeDays} days${newest ? ` (newest ${newest.startedAt}, ${ageDays(newest.startedAt)} days old)` : ''}`,
      );
      continue;
    }
    if (newest.secondsToAvailable !== undefined && newest.secondsToAvailable > plan.budgets.rtoSeconds) {
      findings.push(
        `${db.id}: restoring from backup took ${newest.secondsToAvailable} s, over the RTO budget of ${plan.budgets.rtoSeconds} s`,
      );
    }
  }
  return { ok: findings.length === 0, findings, untested };
};
