import { type FailbackResult, type LagDecision, topologyAfterFailback } from '../../domain/failback';
import type { EventsPort, LedgerPort } from '../../domain/ports';
import {
  type Budgeted,
  DETAIL_TYPES,
  type DnsResult,
  type PhaseTiming,
  type RunContext,
  type RunRecord,
  type VerificationResult,
} from '../../domain/run';
import { currentTopology, type Topology } from '../../domain/topology';
import type { PlanRegistry } from '../../plan/registry';
import { type Clock, secondsBetween } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { loggedActions } from '../publish-runbook-end';
import type { FailbackAssessment } from './assess-failback';
import type { WritePauseResult } from './set-write-pause';

export interface RecordFailbackEvent {
  run: RunContext;
  assessment: FailbackAssessment;
  /** recovered: the failback ran to its end; blocked: the assessment or the lag wait stopped it before any change. */
  outcome: 'recovered' | 'blocked' | 'skipped';
  pause?: WritePauseResult | null;
  lag?: LagDecision | null;
  results?: FailbackResult[] | null;
  dns?: DnsResult | null;
  verification?: VerificationResult | null;
  resume?: WritePauseResult | null;
}

export interface RecordFailbackResult {
  outcome: RecordFailbackEvent['outcome'];
  topology: Topology;
  rpoSeconds: number | null;
}

export interface RecordFailbackDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'getTopology' | 'putTopology' | 'putRun' | 'getRun'>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

const phase = (name: PhaseTiming['name'], startedAt: string, endedAt: string): PhaseTiming => ({
  name,
  startedAt,
  endedAt,
  seconds: secondsBetween(startedAt, endedAt),
});

/**
 * "Record Failback": the run record (phases, every action made or planned, RTO from the run's start to verified,
 * RPO = the largest lag at promotion with why), the topology after a failback (domain/failback.ts; a dry run leaves
 * it), and the closing event. A blocked run records its findings: nothing was changed (writes were resumed).
 */
export const recordFailback = async (
  event: RecordFailbackEvent,
  deps: RecordFailbackDeps,
): Promise<RecordFailbackResult> => {
  const { run, assessment, outcome } = event;
  const plan = deps.plans.get(run.plan);
  const endedAt = deps.clock.now().toISOString();
  const results = event.results ?? [];
  const findings = [...assessment.findings, ...(event.lag?.findings ?? [])];
  const actions = [
    ...(event.pause?.actions ?? []),
    ...results.flatMap((r) => r.actions),
    ...(event.dns?.actions ?? []),
    ...(event.resume?.actions ?? []),
  ];
  const decidedAt = event.lag?.checkedAt ?? assessment.decidedAt;
  const phases: PhaseTiming[] = [phase('decide', run.startedAt, decidedAt)];
  const promoteEnd = results
    .map((r) => r.writableAt ?? endedAt)
    .sort()
    .at(-1);
  const promoteStart = results.map((r) => r.startedAt).sort()[0];
  if (promoteStart && promoteEnd) phases.push(phase('promote', promoteStart, promoteEnd));
  if (event.dns) phases.push(phase('dns', event.dns.startedAt, event.dns.inSyncAt ?? endedAt));
  if (event.verification) phases.push(phase('verify', event.verification.startedAt, event.verification.endedAt));

  const lags = results.map((r) => r.lagSecondsAtPromotion);
  const rpoSeconds =
    outcome !== 'recovered' || lags.some((lag) => lag === null) ? null : Math.max(0, ...lags.map(Number));
  const rpo: Budgeted | undefined =
    rpoSeconds === null
      ? undefined
      : {
          actualSeconds: rpoSeconds,
          budgetSeconds: plan.budgets.rpoSeconds,
          withinBudget: rpoSeconds <= plan.budgets.rpoSeconds,
        };
  const verifiedAt = event.verification?.endedAt ?? endedAt;
  const rtoSeconds = secondsBetween(run.startedAt, verifiedAt);
  const rto: Budgeted | undefined =
    outcome === 'recovered'
      ? {
          actualSeconds: rtoSeconds,
          budgetSeconds: plan.budgets.rtoSeconds,
          withinBudget: rtoSeconds <= plan.budgets.rtoSeconds,
        }
      : undefined;
  const rpoReasons = results.map((r) =>
    r.kind === 'aurora-global'
      ? `${r.databaseId}: RPO 0 s, SwitchoverGlobalCluster waits until ${r.writer.identifier} has caught up`
      : r.lagSecondsAtPromotion === 0
        ? `${r.databaseId}: RPO 0 s, ReplicaLag of ${r.writer.identifier} read 0 s before PromoteReadReplica`
        : `${r.databaseId}: RPO ${r.lagSecondsAtPromotion ?? 'unknown'} s, the lag read before PromoteReadReplica`,
  );

  let topology = currentTopology(plan, await deps.ledger.getTopology(run.plan));
  if (outcome === 'recovered' && run.mode !== 'dry-run') {
    topology = topologyAfterFailback(topology, plan.regions.primary, results, {
      at: endedAt,
      incidentId: run.incidentId,
    });
    await deps.ledger.putTopology(run.plan, topology);
  }
  const record: RunRecord = {
    run,
    outcome,
    phases,
    ...(rto ? { rto } : {}),
    ...(rpo ? { rpo } : {}),
    actions,
    // What Verify Failback checked and could not check (a DNS answer not compared): on the record, as a failover's.
    warnings: event.verification?.warnings ?? [],
    ...(event.verification ? { checks: event.verification.checks } : {}),
    reasons: [...assessment.reasons, ...rpoReasons, ...results.map((r) => `${r.databaseId}: ${r.detail}`)],
    ...(findings.length > 0 ? { findings } : {}),
    endedAt,
  };
  await deps.ledger.putRun({ ...record, actions: await loggedActions(deps.ledger, record) });
  await deps.events.publish(
    outcome === 'recovered'
      ? DETAIL_TYPES.recoveryCompleted
      : outcome === 'blocked'
        ? DETAIL_TYPES.runBlocked
        : DETAIL_TYPES.runSkipped,
    record,
  );
  deps.log.info('failback recorded', { outcome, rpoSeconds, rtoSeconds: rto?.actualSeconds });
  return { outcome, topology, rpoSeconds };
};
