import { type FenceTarget, fenceTargets } from '../../domain/fence';
import type { EventsPort, LedgerPort } from '../../domain/ports';
import {
  DETAIL_TYPES,
  manualRunContext,
  openingRecord,
  type PhaseChangedDetail,
  type RunContext,
} from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import { InvalidRunInputError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { type AssessEvent, parseRunInput } from '../assess-failover';

export interface FenceAssessment {
  decision: 'proceed' | 'skip';
  reasons: string[];
  decidedAt: string;
  /** The topology the run read (the record and the report show it before the fence). */
  topology: Topology;
  targets: FenceTarget[];
}

export interface AssessFenceResult {
  run: RunContext;
  assessment: FenceAssessment;
}

export interface AssessFenceDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'acquireLock' | 'getTopology' | 'putRun'>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

const phaseEvent = (events: EventsPort, detail: PhaseChangedDetail): Promise<void> =>
  events.publish(DETAIL_TYPES.phaseChanged, detail);

/**
 * "Assess Fence": validates the input (action `fence`), takes the plan's lock (not in a dry run), reads the plan's
 * topology and lists the old primaries that are not yet fenced. Nothing to fence is a skip, not an error.
 *
 * @throws InvalidRunInputError naming each bad field; PlanNotFoundError; LockHeldError
 */
export const assessFence = async (event: AssessEvent, deps: AssessFenceDeps): Promise<AssessFenceResult> => {
  const { plans, ledger, events, clock, log } = deps;
  const input = parseRunInput(event.input, 'fence');
  const plan = plans.get(input.plan);
  const incidentId = input.incidentId ?? event.execution.name;
  const startedAt = clock.now().toISOString();
  if (input.trigger.type !== 'manual') {
    throw new InvalidRunInputError([
      { path: 'trigger.type', message: 'the fence runbook is started by hand only: leave trigger out (manual)' },
    ]);
  }
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = input.mode === 'dry-run' ? { epoch: 0 } : await ledger.acquireLock(plan.app, owner, clock.now());
  const topology = currentTopology(plan, await ledger.getTopology(plan.app));
  const globalClusters = Object.fromEntries(
    plan.databases.flatMap((db) => (db.kind === 'aurora-global' ? [[db.id, db.globalCluster]] : [])),
  );
  const targets = fenceTargets(topology, globalClusters);
  const assessment: FenceAssessment = {
    decision: targets.length > 0 ? 'proceed' : 'skip',
    reasons:
      targets.length > 0
        ? targets.map(
            (target) =>
              `${target.id}: old primary ${target.oldPrimary.identifier} (${target.oldPrimary.region}) to fence`,
          )
        : [`plan ${plan.app}: no old primary awaits fencing (${topology.activeRegion} serves)`],
    decidedAt: clock.now().toISOString(),
    topology,
    targets,
  };
  const run = manualRunContext({
    incidentId,
    plan,
    action: 'fence',
    input,
    startedAt,
    executionArn: event.execution.arn,
    epoch: lock.epoch,
  });
  const record = openingRecord(run, assessment);
  await ledger.putRun(record);
  log.info('fence assessed', { decision: assessment.decision, targets: targets.length, epoch: lock.epoch });
  await phaseEvent(events, {
    run,
    phase: 'decide',
    status: 'succeeded',
    at: assessment.decidedAt,
    facts: assessment.reasons,
  });
  return { run, assessment };
};
