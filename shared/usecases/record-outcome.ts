import type { EventsPort, LedgerPort, MetricsPort } from '../domain/ports';
import { buildRunRecord } from '../domain/recovery';
import {
  type ApprovalAnswer,
  type Assessment,
  type Budgeted,
  DETAIL_TYPES,
  type DnsResult,
  type PromotionResult,
  type RunContext,
  type VerificationResult,
} from '../domain/run';
import { currentTopology, topologyAfterFailover } from '../domain/topology';
import type { PlanRegistry } from '../plan/registry';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { loggedActions } from './publish-runbook-end';

export const RECORDED_OUTCOMES = ['recovered', 'skipped', 'denied', 'blocked'] as const;
export type RecordedOutcome = (typeof RECORDED_OUTCOMES)[number];

/** What the "Record …" tasks receive: all the run reached, and how it ended. */
export interface RecordOutcomeEvent {
  run: RunContext;
  assessment: Assessment;
  outcome: RecordedOutcome;
  promotions?: PromotionResult[];
  dns?: DnsResult;
  verification?: VerificationResult;
  approval?: ApprovalAnswer;
}

export interface RecordOutcomeResult {
  outcome: RecordedOutcome;
  rto?: Budgeted;
  rpo?: Budgeted;
}

export interface RecordOutcomeDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'putRun' | 'getRun' | 'getTopology' | 'putTopology'>;
  metrics: MetricsPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/**
 * The "Record …" step: writes the run record (phases, RTO and RPO against budget, every action, every warning),
 * and after a real recovery records the new topology: the standby region serves, each standby writes with no
 * standby of its own, the old primary's state unknown until fenced (this arms the cool-down and stops an automatic
 * failback). Then metrics and the "Recovery Completed" or "Run Skipped" event.
 */
export const recordOutcome = async (
  event: RecordOutcomeEvent,
  deps: RecordOutcomeDeps,
): Promise<RecordOutcomeResult> => {
  const { plans, ledger, metrics, events, clock, log } = deps;
  const { run, outcome } = event;
  const plan = plans.get(run.plan);
  const endedAt = clock.now().toISOString();
  const built = buildRunRecord(plan, event, outcome, endedAt);
  const record = { ...built, actions: await loggedActions(ledger, built) };

  await ledger.putRun(record);
  // A dry run changed nothing; a drill really failed over and must be failed back like any failover.
  if (outcome === 'recovered' && run.mode !== 'dry-run') {
    const before = currentTopology(plan, await ledger.getTopology(run.plan));
    await ledger.putTopology(
      run.plan,
      topologyAfterFailover(before, { toRegion: run.regions.standby, at: endedAt, incidentId: run.incidentId }),
    );
  }
  metrics.recordRun(record);
  // verify-recovery announced the verify phase; the record is the closing event.
  if (outcome === 'recovered') {
    await events.publish(DETAIL_TYPES.recoveryCompleted, record);
  } else if (outcome === 'blocked') {
    // The findings travel in the record: the channel learns what to fix.
    await events.publish(DETAIL_TYPES.runBlocked, record);
  } else {
    await events.publish(DETAIL_TYPES.runSkipped, record);
  }
  log.info('run recorded', {
    outcome,
    rtoSeconds: record.rto?.actualSeconds,
    rpoSeconds: record.rpo?.actualSeconds,
    warnings: record.warnings.length,
    findings: record.findings?.length ?? 0,
  });
  return { outcome, ...(record.rto ? { rto: record.rto } : {}), ...(record.rpo ? { rpo: record.rpo } : {}) };
};
