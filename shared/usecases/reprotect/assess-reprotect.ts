import { isUnreachable } from '../../aws/aws-errors';
import type { ReprotectPort } from '../../aws/reprotect';
import type { EventsPort, LedgerPort } from '../../domain/ports';
import type { PreflightFinding } from '../../domain/preflight';
import { decideReprotect, type ReprotectReading, type ReprotectTarget } from '../../domain/reprotect';
import type { RunContext } from '../../domain/run';
import {
  currentTopology,
  type DatabaseTopology,
  describeCopy,
  standaloneCluster,
  type Topology,
} from '../../domain/topology';
import { EndpointUnreachableError, InvalidRunInputError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { Plan } from '../../plan/schema';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { type AssessEvent, parseRunInput } from '../assess-failover';
import { openManualRun, publishDecision, requireManualTrigger, takeRunLock } from '../assess-runbook';
import type { TakeLockDeps } from '../orphaned-lock';

export interface ReprotectAssessment {
  decision: 'proceed' | 'block';
  reasons: string[];
  decidedAt: string;
  /** The topology the run read (the record and the report show it before the reprotect). */
  topology: Topology;
  targets: ReprotectTarget[];
  findings: PreflightFinding[];
}

export interface AssessReprotectResult {
  run: RunContext;
  assessment: ReprotectAssessment;
}

export interface AssessReprotectDeps {
  plans: PlanRegistry;
  /** What settles an orphaned lock before the run takes it (takeRunLock); without it, such a lock stays held. */
  orphans?: TakeLockDeps;
  rds: Pick<ReprotectPort, 'describeInstance' | 'describeCluster' | 'describeGlobalCluster'>;
  ledger: Pick<LedgerPort, 'acquireLock' | 'getTopology' | 'putRun'>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

const unreachable = (error: unknown): boolean => error instanceof EndpointUnreachableError || isUnreachable(error);

/** Reads what the decision needs of one database: its writer, its old primary's region, its global cluster. */
const readDatabase = async (
  plan: Plan,
  db: DatabaseTopology,
  rds: AssessReprotectDeps['rds'],
): Promise<ReprotectReading> => {
  const reading: ReprotectReading = { id: db.id, oldRegionAnswers: false };
  if (db.standby || !db.oldPrimary) return { ...reading, oldRegionAnswers: true };
  const old = db.oldPrimary;
  if (db.kind === 'rds-read-replica') {
    const writer = await rds.describeInstance(db.writer.region, db.writer.identifier);
    reading.writer = { exists: writer !== undefined, encrypted: writer?.encrypted ?? false };
    try {
      await rds.describeInstance(old.region, old.identifier);
      reading.oldRegionAnswers = true;
    } catch (error) {
      if (!unreachable(error)) throw error;
    }
    return reading;
  }
  const writer = await rds.describeCluster(db.writer.region, db.writer.identifier);
  reading.writer = { exists: writer !== undefined, encrypted: writer?.encrypted ?? false };
  const declared = plan.databases.find((each) => each.id === db.id);
  const globalId = declared?.kind === 'aurora-global' ? declared.globalCluster : '';
  const global = await rds.describeGlobalCluster(db.writer.region, globalId);
  const member = global?.members.find((m) => m.clusterIdentifier === old.identifier && m.region === old.region);
  reading.rejoined = member !== undefined && !member.isWriter && member.synchronizationStatus !== 'pending-resync';
  try {
    const cluster = await rds.describeCluster(old.region, old.identifier);
    reading.oldRegionAnswers = true;
    // Out of the global cluster and not stopped: a standalone cluster that takes writes (someone took it out).
    if (!member && standaloneCluster(cluster) === 'takes-writes') reading.standalone = true;
  } catch (error) {
    if (!unreachable(error)) throw error;
  }
  return reading;
};

const describeTarget = (target: ReprotectTarget): string => {
  const where = `${target.region}`;
  if (target.path === 'aurora-rejoined') {
    return `${target.id}: the old primary ${describeCopy(target.oldPrimary)} rejoined ${target.globalCluster}: it becomes the standby`;
  }
  if (target.path === 'aurora-new-secondary') {
    return `${target.id}: new secondary cluster ${target.names.standby} (${where}) in ${target.globalCluster}`;
  }
  return (
    `${target.id}: snapshot ${target.names.snapshot} of ${describeCopy(target.oldPrimary)}, then read replica ` +
    `${target.names.standby} (${where}) of ${describeCopy(target.writer)}` +
    (target.deleteOldPrimary ? `, then delete ${target.oldPrimary.identifier} (final snapshot)` : '')
  );
};

/**
 * "Assess Reprotect": validates the input (action `reprotect`, started by hand), takes the plan's lock (not in a dry
 * run), reads the topology and, per database, the writer, whether the old primary's region answers and (Aurora)
 * whether the old primary rejoined the global cluster; then decides (shared/domain/reprotect.ts): proceed with one
 * target per database, or block with findings that name the fix. Nothing is changed here.
 *
 * @throws InvalidRunInputError naming each bad field; PlanNotFoundError; LockHeldError
 */
export const assessReprotect = async (
  event: AssessEvent,
  deps: AssessReprotectDeps,
): Promise<AssessReprotectResult> => {
  const { plans, ledger, events, clock, log, rds } = deps;
  const input = parseRunInput(event.input, 'reprotect');
  const plan = plans.get(input.plan);
  const incidentId = input.incidentId ?? event.execution.name;
  const startedAt = clock.now().toISOString();
  requireManualTrigger(input, 'the reprotect runbook is started by hand only: leave trigger out (manual)');
  if (input.mode === 'game-day') {
    throw new InvalidRunInputError([
      { path: 'mode', message: 'reprotect runs "live" or "dry-run" (a game day composes it; give mode live)' },
    ]);
  }
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = await takeRunLock(deps, plan.app, owner, input.mode, clock.now());
  const topology = currentTopology(plan, await ledger.getTopology(plan.app));
  const readings: ReprotectReading[] = [];
  for (const db of topology.databases) readings.push(await readDatabase(plan, db, rds));
  const verdict = decideReprotect(plan, topology, readings);
  const assessment: ReprotectAssessment = {
    decision: verdict.decision,
    reasons:
      verdict.decision === 'proceed'
        ? verdict.targets.map(describeTarget)
        : verdict.findings.map((finding) => `${finding.resource}: ${finding.found}: ${finding.fix}`),
    decidedAt: clock.now().toISOString(),
    topology,
    targets: verdict.targets,
    findings: verdict.findings,
  };
  // What was settled to take the lock (an orphan's), first among the reasons.
  if (lock.tookOver) assessment.reasons.unshift(lock.tookOver);
  const run = await openManualRun(
    ledger,
    {
      incidentId,
      plan,
      action: 'reprotect',
      input,
      startedAt,
      executionArn: event.execution.arn,
      epoch: lock.epoch,
    },
    assessment,
  );
  log.info('reprotect assessed', {
    decision: assessment.decision,
    targets: verdict.targets.length,
    findings: verdict.findings.length,
    epoch: lock.epoch,
  });
  await publishDecision(events, run, assessment, assessment.decision === 'proceed' ? 'succeeded' : 'failed');
  return { run, assessment };
};
