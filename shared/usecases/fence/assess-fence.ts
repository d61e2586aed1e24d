import {
  type FenceTarget,
  fenceTargets,
  type RecordFenceTarget,
  recordFenceBatches,
  recordFenceIntent,
  recordFenceTargets,
  unfencedRecordNames,
} from '../../domain/fence';
import type { EventsPort, LedgerPort } from '../../domain/ports';
import { DETAIL_TYPES, type PhaseChangedDetail, type RunContext } from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import { InvalidRunInputError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { Plan } from '../../plan/schema';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { type AssessEvent, parseRunInput } from '../assess-failover';
import { openManualRun, takeRunLock } from '../assess-runbook';
import type { TakeLockDeps } from '../orphaned-lock';

export interface FenceAssessment {
  decision: 'proceed' | 'skip';
  reasons: string[];
  decidedAt: string;
  /** The topology the run read (the record and the report show it before the fence). */
  topology: Topology;
  targets: FenceTarget[];
  /**
   * The old region's records to keep out of DNS (the plan's `dns[].records[].fence`), in the batches the fence
   * changes them in (recordFenceBatches: a zone's maintenance-target records together).
   */
  recordBatches: RecordFenceTarget[][];
  /** What the run cannot fence: record pairs the plan gives no fence. */
  warnings: string[];
}

export interface AssessFenceResult {
  run: RunContext;
  assessment: FenceAssessment;
}

export interface AssessFenceDeps {
  plans: PlanRegistry;
  /** What settles an orphaned lock before the run takes it (takeRunLock); without it, such a lock stays held. */
  orphans?: TakeLockDeps;
  ledger: Pick<LedgerPort, 'acquireLock' | 'getTopology' | 'putRun'>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

const phaseEvent = (events: EventsPort, detail: PhaseChangedDetail): Promise<void> =>
  events.publish(DETAIL_TYPES.phaseChanged, detail);

/**
 * When Route 53 answers an unfenced old region again, by the plan's DNS switch: its failover records answer whichever
 * record is healthy, and only a fence changes what the old region's record answers.
 */
const OLD_REGION_RETURNS: Readonly<Record<Plan['dnsSwitch']['method'], string>> = {
  'route53-records': "when the new primary's health check fails, Route 53 answers the old region again",
  'arc-routing-control': "when the new primary's routing control reads Off, Route 53 answers the old region again",
  'alarm-health-check':
    'when the switch alarm leaves the state the switch set it to (its metric published again, the alarm edited), Route 53 answers the old region again',
};

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
  if (input.trigger.type === 'alarm') {
    throw new InvalidRunInputError([
      {
        path: 'trigger.type',
        message:
          'the fence runbook is started by hand, by the failover or by the fence retry, never by an alarm: leave trigger out (manual)',
      },
    ]);
  }
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = await takeRunLock(deps, plan.app, owner, input.mode, clock.now());
  const topology = currentTopology(plan, await ledger.getTopology(plan.app));
  const globalClusters = Object.fromEntries(
    plan.databases.flatMap((db) => (db.kind === 'aurora-global' ? [[db.id, db.globalCluster]] : [])),
  );
  const targets = fenceTargets(topology, globalClusters);
  const records = recordFenceTargets(plan, topology);
  const proceed = targets.length > 0 || records.length > 0;
  const unfenced = unfencedRecordNames(plan);
  const assessment: FenceAssessment = {
    decision: proceed ? 'proceed' : 'skip',
    reasons: proceed
      ? [
          ...targets.map(
            (target) =>
              `${target.id}: old primary ${target.oldPrimary.identifier} (${target.oldPrimary.region}) to fence`,
          ),
          ...records.map(
            (record) =>
              `${record.name} ${record.type} "${record.setIdentifier}" (${record.region}): ${recordFenceIntent(record)}`,
          ),
        ]
      : [`plan ${plan.app}: no old primary or record awaits fencing (${topology.activeRegion} serves)`],
    decidedAt: clock.now().toISOString(),
    topology,
    targets,
    recordBatches: recordFenceBatches(records),
    warnings:
      proceed && unfenced.length > 0
        ? [
            `no fence in the plan for ${unfenced.join(', ')}: ${OLD_REGION_RETURNS[plan.dnsSwitch.method]} (add dns[].records[].fence)`,
          ]
        : [],
  };
  // What was settled to take the lock (an orphan's), first among the reasons.
  if (lock.tookOver) assessment.reasons.unshift(lock.tookOver);
  const run = await openManualRun(
    ledger,
    {
      incidentId,
      plan,
      action: 'fence',
      input,
      startedAt,
      executionArn: event.execution.arn,
      epoch: lock.epoch,
    },
    assessment,
  );
  log.info('fence assessed', {
    decision: assessment.decision,
    targets: targets.length,
    records: records.length,
    epoch: lock.epoch,
  });
  await phaseEvent(events, {
    run,
    phase: 'decide',
    status: 'succeeded',
    at: assessment.decidedAt,
    facts: assessment.reasons,
  });
  // Once per run, here: from each of the Map's parallel "Fence Database" steps it would post the same message twice.
  if (proceed) await phaseEvent(events, { run, phase: 'fence', status: 'started', at: assessment.decidedAt });
  return { run, assessment };
};
