import { type ReprotectResult, topologyAfterReprotect } from '../../domain/reprotect';
import { DETAIL_TYPES, type RunContext, type RunRecord } from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import { phaseTiming, publishRunbookEnd, type RecordStepDeps } from '../publish-runbook-end';
import type { ReprotectAssessment } from './assess-reprotect';

export interface RecordReprotectEvent {
  run: RunContext;
  assessment: ReprotectAssessment;
  /** One result per target (absent when the run was blocked). */
  results?: ReprotectResult[];
}

export interface RecordReprotectResult {
  outcome: 'recovered' | 'blocked' | 'failed';
  protected: string[];
  notProtected: string[];
  topology: Topology;
}

export interface RecordReprotectDeps extends RecordStepDeps<'getTopology' | 'putTopology' | 'putRun' | 'getRun'> {
  plans: PlanRegistry;
}

/**
 * "Record Reprotect": writes each new standby into the topology (the old primary `replaced`, or gone from it when
 * it is the standby now), then the run record with its phases, timings and actions: `recovered` when every database
 * is protected again, `failed` (phase reprotect) naming the ones that are not, `blocked` with the findings when the
 * assessment refused. A dry run records what it would have done and leaves the topology as it was.
 */
export const recordReprotect = async (
  event: RecordReprotectEvent,
  deps: RecordReprotectDeps,
): Promise<RecordReprotectResult> => {
  const { run, assessment } = event;
  const results = event.results ?? [];
  const plan = deps.plans.get(run.plan);
  const endedAt = deps.clock.now().toISOString();
  const done = results.filter((r) => r.state === 'protected' || r.state === 'planned');
  const notDone = results.filter((r) => r.state !== 'protected' && r.state !== 'planned');
  const outcome = assessment.decision === 'block' ? 'blocked' : notDone.length === 0 ? 'recovered' : 'failed';

  let topology = currentTopology(plan, await deps.ledger.getTopology(run.plan));
  if (run.mode !== 'dry-run' && results.some((r) => r.state === 'protected')) {
    topology = topologyAfterReprotect(topology, results, { at: endedAt, incidentId: run.incidentId });
    await deps.ledger.putTopology(run.plan, topology);
  }
  const phaseStart = results.map((r) => r.startedAt).sort()[0] ?? assessment.decidedAt;
  const record: RunRecord = {
    run,
    outcome,
    phases: [
      phaseTiming('decide', run.startedAt, assessment.decidedAt),
      ...(results.length > 0 ? [phaseTiming('reprotect', phaseStart, endedAt)] : []),
    ],
    actions: results.flatMap((r) => r.actions),
    warnings: notDone.map((r) => `${r.databaseId}: ${r.detail}`),
    reasons: [...assessment.reasons, ...results.map((r) => `${r.databaseId}: ${r.detail}`)],
    endedAt,
    ...(assessment.findings.length > 0 ? { findings: assessment.findings } : {}),
    ...(outcome === 'failed'
      ? {
          failure: {
            phase: 'reprotect' as const,
            error: 'StandbyNotReady',
            cause: notDone.map((r) => `${r.databaseId}: ${r.detail}`).join('; '),
          },
        }
      : {}),
  };
  await publishRunbookEnd(
    deps,
    record,
    { phase: 'reprotect', facts: results.map((r) => `${r.databaseId}: ${r.detail}`) },
    DETAIL_TYPES.runBlocked,
  );
  deps.log.info('reprotect recorded', { outcome, protected: done.length, notProtected: notDone.length });
  return {
    outcome,
    protected: done.map((r) => r.databaseId),
    notProtected: notDone.map((r) => r.databaseId),
    topology,
  };
};
