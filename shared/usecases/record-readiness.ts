import type { EventsPort, LedgerPort, MetricsPort } from '../domain/ports';
import { type PlanReadiness, type ReadinessChange, readinessChange } from '../domain/readiness';
import { DETAIL_TYPES } from '../domain/run';
import type { Plan } from '../plan/schema';
import { type CheckReadinessDeps, checkReadiness } from './check-readiness';

export interface RecordReadinessDeps extends CheckReadinessDeps {
  ledger: CheckReadinessDeps['ledger'] & Pick<LedgerPort, 'putReadiness' | 'listReadiness'>;
  metrics: Pick<MetricsPort, 'recordReadiness'>;
  events: EventsPort;
}

export interface RecordReadinessResult {
  readiness: PlanReadiness;
  /** What changed since the previous run, when readiness flipped (and a "Readiness Changed" event went out). */
  change?: ReadinessChange;
}

/**
 * One scheduled readiness run of a plan: checks it (checkReadiness, reads only), keeps the result in the ledger
 * beside the earlier ones, emits the plan's readiness metrics, and, only when readiness flipped since the last
 * run, puts a "Readiness Changed" event on the bus saying which findings appeared and which cleared (the notifier
 * turns it into a Slack message). The previous run is read before this one is stored; a record pair Route 53's API
 * does not answer for is kept as that run had it (shared/domain/readiness.ts carryUnansweredRecords).
 */
export const recordReadiness = async (plan: Plan, deps: RecordReadinessDeps): Promise<RecordReadinessResult> => {
  const [previous] = await deps.ledger.listReadiness(plan.app, 1);
  const readiness = await checkReadiness(plan, deps, previous ? { previous } : {});
  await deps.ledger.putReadiness(readiness);
  deps.metrics.recordReadiness(readiness);
  const change = readinessChange(previous, readiness);
  if (change) {
    await deps.events.publish(DETAIL_TYPES.readinessChanged, change);
    deps.log.info('readiness changed', {
      plan: plan.app,
      ready: change.ready,
      appeared: change.appeared.length,
      cleared: change.cleared.length,
    });
  }
  return change ? { readiness, change } : { readiness };
};
