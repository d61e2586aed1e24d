import {
  type DnsFenceResult,
  FENCE_RETRY_MINUTES,
  type FenceResult,
  topologyAfterFence,
  unverifiedFenceOutcome,
} from '../../domain/fence';
import { DETAIL_TYPES, type FenceDeferral, type RunContext, type RunRecord } from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import { phaseTiming, publishRunbookEnd, type RecordStepDeps } from '../publish-runbook-end';
import type { FenceAssessment } from './assess-fence';

export interface RecordFenceEvent {
  run: RunContext;
  assessment: FenceAssessment;
  /** One result per target (absent when the run was skipped). */
  results?: FenceResult[];
  /** One result per record of the old region (absent when the run was skipped). */
  recordResults?: DnsFenceResult[];
}

export interface RecordFenceResult {
  outcome: 'recovered' | 'skipped' | 'failed' | 'deferred';
  fenced: string[];
  notFenced: string[];
  /** Records of the old region verified out of DNS, and those that are not yet. */
  recordsFenced: string[];
  recordsNotFenced: string[];
  topology: Topology;
}

export interface RecordFenceDeps extends RecordStepDeps<'getTopology' | 'putTopology' | 'putRun' | 'getRun'> {
  plans: PlanRegistry;
}

const VERIFIED = new Set(['fenced', 'rejoined']);

/**
 * "Record Fence": writes each old primary's state into the topology (fenced or rejoined, with the time it was
 * verified; unreachable when its region did not answer), then the run record: `recovered` when every old primary
 * is verified, `skipped` when there was nothing to fence; when some are not: `deferred` for a run Switchback started
 * that found the old region not answering (what it fenced and what waits for the fence retry, no failure), else
 * `failed` (phase fence) naming the ones that are not (unverifiedFenceOutcome). A dry run records what it would
 * have done and leaves the topology as it was.
 */
export const recordFence = async (event: RecordFenceEvent, deps: RecordFenceDeps): Promise<RecordFenceResult> => {
  const { run, assessment } = event;
  const results = event.results ?? [];
  const recordResults = event.recordResults ?? [];
  const plan = deps.plans.get(run.plan);
  const endedAt = deps.clock.now().toISOString();
  const fenced = results.filter((r) => VERIFIED.has(r.state)).map((r) => r.databaseId);
  const notFenced = results.filter((r) => !VERIFIED.has(r.state));
  const recordsFenced = recordResults.filter((r) => r.state === 'fenced');
  const recordsNotFenced = recordResults.filter((r) => r.state !== 'fenced');
  const unverified = [
    ...notFenced.map((r) => `${r.databaseId}: ${r.detail}`),
    ...recordsNotFenced.map((r) => r.detail),
  ];
  const outcome =
    assessment.decision === 'skip'
      ? 'skipped'
      : unverified.length === 0 || run.mode === 'dry-run'
        ? 'recovered'
        : unverifiedFenceOutcome(run.trigger, [...notFenced, ...recordsNotFenced]);

  let topology = currentTopology(plan, await deps.ledger.getTopology(run.plan));
  if (run.mode !== 'dry-run' && results.length + recordResults.length > 0) {
    topology = topologyAfterFence(
      topology,
      results,
      { at: endedAt, incidentId: run.incidentId },
      recordResults,
      (assessment.recordBatches ?? []).flat(),
    );
    await deps.ledger.putTopology(run.plan, topology);
  }
  const all = [...results, ...recordResults];
  const fenceStart = all.map((r) => r.actions[0]?.at ?? r.checkedAt).sort()[0] ?? assessment.decidedAt;
  const record: RunRecord = {
    run,
    outcome,
    phases: [
      phaseTiming('decide', run.startedAt, assessment.decidedAt),
      ...(all.length > 0 ? [phaseTiming('fence', fenceStart, endedAt)] : []),
    ],
    actions: all.flatMap((r) => r.actions),
    // A deferral lists what waits in `deferral.waiting`; a warning is for what needs a person.
    warnings: [...(assessment.warnings ?? []), ...(outcome === 'deferred' ? [] : unverified)],
    reasons: [
      ...assessment.reasons,
      ...results.map((r) => `${r.databaseId}: ${r.detail}`),
      ...recordResults.map((r) => r.detail),
    ],
    endedAt,
    ...(outcome === 'deferred' ? { deferral: deferralOf(event, unverified) } : {}),
    ...(outcome === 'failed'
      ? {
          failure: {
            phase: 'fence' as const,
            error: 'OldPrimaryNotFenced',
            cause: unverified.join('; '),
          },
        }
      : {}),
  };
  await publishRunbookEnd(
    deps,
    record,
    {
      phase: 'fence',
      facts: [...results.map((r) => `${r.databaseId}: ${r.detail}`), ...recordResults.map((r) => r.detail)],
    },
    DETAIL_TYPES.runSkipped,
  );
  deps.log.info('fence recorded', {
    outcome,
    fenced: fenced.length,
    notFenced: notFenced.length,
    recordsFenced: recordsFenced.length,
    recordsNotFenced: recordsNotFenced.length,
  });
  return {
    outcome,
    fenced,
    notFenced: notFenced.map((r) => r.databaseId),
    recordsFenced: recordsFenced.map((r) => r.key),
    recordsNotFenced: recordsNotFenced.map((r) => r.key),
    topology,
  };
};

const VERIFIED_RECORD = (result: DnsFenceResult): boolean => result.state === 'fenced';

/**
 * A deferred run's summary. It changed something when the failover started it (the first word on the fence), when
 * it fenced anything, or when an old primary it could not reach was not already recorded unreachable.
 */
const deferralOf = (event: RecordFenceEvent, waiting: string[]): FenceDeferral => {
  const results = event.results ?? [];
  const recordResults = event.recordResults ?? [];
  const before = new Map(event.assessment.topology.databases.map((db) => [db.id, db.oldPrimary?.state]));
  const fenced = [
    ...results.filter((r) => VERIFIED.has(r.state)).map((r) => `${r.databaseId}: ${r.detail}`),
    ...recordResults.filter(VERIFIED_RECORD).map((r) => r.detail),
  ];
  const newlyUnreachable = results.some((r) => r.state === 'unreachable' && before.get(r.databaseId) !== 'unreachable');
  const trigger = event.run.trigger;
  const region =
    event.assessment.targets[0]?.oldPrimary.region ??
    event.assessment.recordBatches[0]?.[0]?.region ??
    event.run.regions.primary;
  return {
    region,
    fenced,
    waiting,
    retryMinutes: FENCE_RETRY_MINUTES,
    changed: (trigger.type === 'automatic' && trigger.by === 'failover') || fenced.length > 0 || newlyUnreachable,
  };
};
