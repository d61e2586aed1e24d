import { type FailbackTarget, failbackPlan } from '../../domain/failback';
import type { PreflightFinding } from '../../domain/preflight';
import type { RunContext } from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import { LockHeldError } from '../../errors';
import { type AssessEvent, parseRunInput } from '../assess-failover';
import {
  type AssessStepDeps,
  openManualRun,
  publishDecision,
  requireManualTrigger,
  takeRunLock,
} from '../assess-runbook';

export interface FailbackAssessment {
  decision: 'proceed' | 'skip' | 'block';
  reasons: string[];
  findings: PreflightFinding[];
  decidedAt: string;
  /** The topology the run read (the record and the report show it before the failback). */
  topology: Topology;
  targets: FailbackTarget[];
  /** Whether the plan names a write pause ("Pause Writes" sets it, "Resume Writes" lifts it). */
  writePause: boolean;
}

export interface AssessFailbackResult {
  run: RunContext;
  assessment: FailbackAssessment;
}

export type AssessFailbackDeps = AssessStepDeps<'acquireLock' | 'getTopology' | 'putRun' | 'getRun'>;

/**
 * "Assess Failback": validates the input (action `failback`, started by hand), takes the plan's lock (not in a dry
 * run), reads the topology and decides: `proceed` with one target per database that writes outside the plan's
 * primary region, `block` with a finding per database that has no standby there (not re-protected; nothing is
 * changed), `skip` when the primary region serves already.
 *
 * @throws InvalidRunInputError naming each bad field; PlanNotFoundError; LockHeldError
 */
export const assessFailback = async (event: AssessEvent, deps: AssessFailbackDeps): Promise<AssessFailbackResult> => {
  const { plans, ledger, events, clock, log } = deps;
  const input = parseRunInput(event.input, 'failback');
  const plan = plans.get(input.plan);
  requireManualTrigger(input, 'the failback runbook is started by hand only: leave trigger out (manual)');
  const incidentId = input.incidentId ?? event.execution.name;
  const startedAt = clock.now().toISOString();
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = await takeRunLock(deps, plan.app, owner, input.mode, clock.now());
  // An incident's record belongs to the execution that runs it (a dry run takes no lock and may reuse an id).
  const recorded = await ledger.getRun(plan.app, incidentId);
  if (recorded && recorded.run.executionArn !== event.execution.arn) {
    throw new LockHeldError(plan.app, `${incidentId} (another execution: ${recorded.run.executionArn})`);
  }
  const topology = currentTopology(plan, await ledger.getTopology(plan.app));
  const globalClusters = Object.fromEntries(
    plan.databases.flatMap((db) => (db.kind === 'aurora-global' ? [[db.id, db.globalCluster]] : [])),
  );
  const decided = failbackPlan(topology, plan.regions.primary, globalClusters);
  const assessment: FailbackAssessment = {
    ...decided,
    decidedAt: clock.now().toISOString(),
    topology,
    writePause: plan.failback.writePause !== undefined,
  };
  // What was settled to take the lock (an orphan's), first among the reasons.
  if (lock.tookOver) assessment.reasons.unshift(lock.tookOver);
  const run = await openManualRun(
    ledger,
    {
      incidentId,
      plan,
      action: 'failback',
      input,
      startedAt,
      executionArn: event.execution.arn,
      epoch: lock.epoch,
    },
    assessment,
  );
  log.info('failback assessed', { decision: assessment.decision, targets: decided.targets.length, epoch: lock.epoch });
  await publishDecision(events, run, assessment, assessment.decision === 'block' ? 'failed' : 'started');
  return { run, assessment };
};
