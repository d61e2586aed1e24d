import type { DnsAnswerPort, EventsPort, LedgerPort, RdsReadPort } from '../domain/ports';
import type { Assessment, PromotionResult, RunContext, VerificationResult } from '../domain/run';
import { VerificationFailedError } from '../errors';
import type { AuroraGlobal, Database, Plan, RdsReadReplica } from '../plan/schema';
import { backupMaxAgeSeconds } from '../plan/settings';
import type { Clock } from '../runtime/clock';
import { secondsBetween } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { checkDnsAnswers, checkDnsAnswersSettled, type DnsAnswerDeps, RecordReads } from './check-dns-answers';
import { isGlobalFailoverRunning } from './database-state';
import { publishPhase } from './flip-dns';
import { markPhaseReached } from './mark-phase';

export interface VerifyRecoveryDeps {
  rds: RdsReadPort;
  /** The records and their health checks (Route 53's API), read to judge what DNS answers. */
  route53: DnsAnswerDeps['route53'];
  /** What the records' zones answer (DNS, no API). */
  dns: DnsAnswerPort;
  /** Waits before DNS answers are looked at again (DNS_SETTLE); defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  events: EventsPort;
  /** To mark the verify phase as reached, and (DnsAnswerDeps) the plan's last readiness. */
  ledger: Pick<LedgerPort, 'markPhase' | 'listReadiness'>;
  clock: Clock;
  log: Log;
}

export interface VerifyRecoveryInput {
  run: RunContext;
  plan: Plan;
  assessment: Assessment;
  promotions: PromotionResult[];
}

type Check = VerificationResult['checks'][number];

/** What one database's verification found: checks, warnings (recovery stands) and failures (it does not). */
interface Findings {
  checks: Check[];
  warnings: string[];
  failures: string[];
}

/** What the new primary looks like, whatever its kind. */
interface NewPrimary {
  found: boolean;
  writable: boolean;
  status: string;
  arn?: string;
  backupRetentionPeriod: number;
  latestRestorableTime?: string;
}

/** `arn:aws:rds:us-west-2:1234:db:orders-db-replica` -> the same account's `arn:aws:rds:us-east-1:1234:db:orders-db`. */
const siblingArn = (arn: string, region: string, identifier: string): string | undefined => {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 3), region, ...parts.slice(4, 6), identifier].join(':');
};

const readRdsPrimary = async (rds: RdsReadPort, database: RdsReadReplica): Promise<NewPrimary> => {
  const instance = await rds.describeInstance(database.replica.region, database.replica.instance);
  if (!instance) return { found: false, writable: false, status: 'not found', backupRetentionPeriod: 0 };
  return {
    found: true,
    writable: instance.status === 'available' && !instance.replicationSource,
    status: instance.replicationSource ? `${instance.status}, still a read replica` : instance.status,
    arn: instance.arn,
    backupRetentionPeriod: instance.backupRetentionPeriod,
    latestRestorableTime: instance.latestRestorableTime,
  };
};

const readAuroraPrimary = async (rds: RdsReadPort, database: AuroraGlobal): Promise<NewPrimary> => {
  const { region, cluster } = database.secondary;
  const [global, state] = await Promise.all([
    rds.describeGlobalCluster(region, database.globalCluster),
    rds.describeCluster(region, cluster),
  ]);
  if (!state) return { found: false, writable: false, status: 'not found', backupRetentionPeriod: 0 };
  const member = global?.members.find((m) => m.clusterIdentifier === cluster && m.region === region);
  const isWriter = member?.isWriter === true && !(global && isGlobalFailoverRunning(global));
  return {
    found: true,
    writable: isWriter && state.status === 'available',
    status: isWriter ? state.status : `${state.status}, not the writer of ${database.globalCluster}`,
    arn: state.arn,
    backupRetentionPeriod: state.backupRetentionPeriod,
    latestRestorableTime: state.latestRestorableTime,
  };
};

const verifyDatabase = async (
  input: VerifyRecoveryInput,
  database: Database,
  deps: VerifyRecoveryDeps,
): Promise<Findings> => {
  const { run, plan } = input;
  const dryRun = run.mode === 'dry-run';
  const now = deps.clock.now();
  const maxAge = backupMaxAgeSeconds(plan);
  const findings: Findings = { checks: [], warnings: [], failures: [] };
  const check = (name: string, ok: boolean, detail: string) =>
    findings.checks.push({ name: `${database.id}: ${name}`, ok, detail });
  const warn = (message: string) => findings.warnings.push(`${database.id}: ${message}`);

  const primary =
    database.kind === 'rds-read-replica'
      ? await readRdsPrimary(deps.rds, database)
      : await readAuroraPrimary(deps.rds, database);
  const [standbyRegion, standbyName, primaryName] =
    database.kind === 'rds-read-replica'
      ? [database.replica.region, database.replica.instance, database.primary.instance]
      : [database.secondary.region, database.secondary.cluster, database.primary.cluster];

  if (dryRun) {
    // Nothing was promoted: what can be verified is that the standby is there and ready to be.
    const ready = primary.found && primary.status.startsWith('available');
    check('writable', ready, `dry run, not promoted: ${standbyName} in ${standbyRegion} is ${primary.status}`);
    if (!ready) warn(`standby ${standbyName} in ${standbyRegion} is ${primary.status}: a live run would wait or fail`);
  } else {
    check('writable', primary.writable, `${standbyName} in ${standbyRegion} is ${primary.status}`);
    if (!primary.writable)
      findings.failures.push(`${database.id}: ${standbyName} in ${standbyRegion} is ${primary.status}`);
  }
  if (!primary.found) return findings;

  const backupsOn = primary.backupRetentionPeriod > 0;
  check('automated backups', backupsOn, `retention ${primary.backupRetentionPeriod} day(s)`);
  if (!backupsOn) warn(`automated backups are off on ${standbyName}: set a backup retention period (e.g. 7 days)`);

  // RDS keeps LatestRestorableTime within about 5 minutes of now (aws-facts.md: RDS User Guide, point-in-time restore).
  if (!primary.latestRestorableTime) {
    check('backup freshness', false, 'no restorable time yet');
    warn(`${standbyName} has no restorable time yet: point-in-time restore is not possible until its first backup`);
  } else {
    const age = Math.round(secondsBetween(primary.latestRestorableTime, now));
    const fresh = age <= maxAge;
    check(
      'backup freshness',
      fresh,
      `latest restorable time ${primary.latestRestorableTime} (${age} s old, limit ${maxAge} s)`,
    );
    if (!fresh) warn(`latest restorable time of ${standbyName} is ${age} s old, over the ${maxAge} s limit`);
  }

  if (plan.backups.crossRegionCopy && database.kind === 'aurora-global') {
    // The promoted secondary was the global database's cross-region copy; the old primary rejoins as the new
    // secondary once its region is back (Aurora User Guide, "Disaster recovery for Aurora global databases").
    check('cross-region copy', true, `${standbyName} was the global database's copy in ${standbyRegion}`);
  } else if (plan.backups.crossRegionCopy) {
    // The old primary's backups replicated into the standby region: the restore point left if the promoted data
    // turns out bad. Their age counts at impact: after that, the failed region stops sending new ones.
    const sourceArn = primary.arn ? siblingArn(primary.arn, database.primary.region, primaryName) : undefined;
    const assessed = input.assessment.databases.find((db) => db.id === database.id)?.latestCrossRegionCopy;
    let lookupFailed: string | undefined;
    let replicated: string | undefined;
    try {
      replicated = sourceArn ? await deps.rds.latestReplicatedBackup(standbyRegion, sourceArn) : undefined;
    } catch (error) {
      // After the databases were promoted and DNS flipped, backup evidence is a warning, never a failure of the
      // run (as in Assess): the recovery stands, and a person looks at the backups.
      lookupFailed = (error as Error).name || 'Error';
      deps.log.warn('cross-region backup lookup failed', { database: database.id, errorName: lookupFailed });
    }
    const latest = replicated ?? assessed;
    if (lookupFailed && !latest) {
      check('cross-region copy', false, `lookup of ${primaryName}'s replicated backups failed (${lookupFailed})`);
      warn(
        `could not check the cross-region copy of ${primaryName}'s backups in ${standbyRegion} (${lookupFailed}): ` +
          'check automated backup replication in the RDS console',
      );
    } else if (!latest) {
      check('cross-region copy', false, `no backup of ${primaryName} replicated into ${standbyRegion}`);
      warn(`no cross-region copy of ${primaryName}'s backups in ${standbyRegion}: enable automated backup replication`);
    } else {
      const age = Math.round(secondsBetween(latest, run.impactStartedAt));
      const fresh = age <= maxAge;
      check(
        'cross-region copy',
        fresh,
        `latest replicated restorable time ${latest} (${age} s before impact, limit ${maxAge} s)`,
      );
      if (!fresh) warn(`cross-region copy of ${primaryName} was ${age} s old at impact, over the ${maxAge} s limit`);
    }
  }
  return findings;
};

/**
 * Verifies the recovery ("Verify Recovery" in the failover state machine): for each database of the plan, the new
 * primary is available and writable (RDS: no replication source; Aurora: the global cluster's writer), automated
 * backups are on, the newest restorable time is within the plan's backup age limit, and, when the plan requires a
 * cross-region copy, one exists. Backup problems are warnings: the recovery stands, the record and the channel
 * show them. A database that is not writable fails the run with VerificationFailedError; so does, in a live run, a
 * record pair whose name DNS does not answer with the standby region's record, or (route53-records plans) answers
 * with it only because Route 53 fails open (checkDnsAnswers), still after DNS_SETTLE: DNS is switched, but users do
 * not reach the standby. A plan that switches with ARC or an alarm compares with its records as its last readiness
 * read them. A dry run switched nothing: it reads no answer.
 */
export const verifyRecovery = async (
  input: VerifyRecoveryInput,
  deps: VerifyRecoveryDeps,
): Promise<VerificationResult> => {
  const { run, plan } = input;
  const startedAt = deps.clock.now().toISOString();
  await markPhaseReached(deps, run, 'verify', startedAt);
  // Announced while verifying, not before: notification never delays recovery.
  const announced = publishPhase(deps.events, { run, phase: 'verify', status: 'started', at: startedAt });

  const reads = new RecordReads();
  const [first, ...all] = await Promise.all([
    run.mode === 'dry-run' ? undefined : checkDnsAnswers(plan, 'standby', deps, reads),
    ...plan.databases.map((database) => verifyDatabase(input, database, deps)),
  ]);
  // Answers that are not yet the standby's while every database stands: the standby's endpoint may have just come
  // up (its database was promoted a minute ago), so look again for a while before failing the run (DNS_SETTLE).
  const settles = first && first.failures.length > 0 && all.every((findings) => findings.failures.length === 0);
  const dns = settles ? await checkDnsAnswersSettled(plan, 'standby', deps, first, reads) : first;
  if (dns) all.push(dns);
  await announced;
  const checks = all.flatMap((findings) => findings.checks);
  const warnings = all.flatMap((findings) => findings.warnings);
  const failures = all.flatMap((findings) => findings.failures);
  const endedAt = deps.clock.now().toISOString();

  if (failures.length > 0) {
    deps.log.error('recovery verification failed', { failures: failures.length });
    await publishPhase(deps.events, { run, phase: 'verify', status: 'failed', at: endedAt, facts: failures });
    throw new VerificationFailedError(failures);
  }
  deps.log.info('recovery verified', { checks: checks.length, warnings: warnings.length });
  const passed = checks.filter((c) => c.ok).length;
  await publishPhase(deps.events, {
    run,
    phase: 'verify',
    status: 'succeeded',
    at: endedAt,
    facts: [`${passed}/${checks.length} checks passed`, ...warnings],
  });
  return { startedAt, endedAt, checks, warnings };
};
