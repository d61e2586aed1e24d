import type { EventsPort, LedgerPort } from '../domain/ports';
import { buildRunRecord } from '../domain/recovery';
import { type ApprovalRequestedDetail, type Assessment, DETAIL_TYPES, type RunContext } from '../domain/run';
import type { PlanRegistry } from '../plan/registry';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

/** What the "Request Approval" task receives; the task token is a credential to resume the run: never log it. */
export interface RequestApprovalEvent {
  taskToken: string;
  run: RunContext;
  assessment: Assessment;
}

export interface RequestApprovalDeps {
  plans: PlanRegistry;
  ledger: Pick<LedgerPort, 'putApprovalToken' | 'putRun'>;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

/**
 * Pauses a run for a person: stores the task token (where `switchback approve|deny` finds it), marks the run as
 * awaiting approval, then announces the request. The execution waits for SendTaskSuccess with an ApprovalAnswer,
 * or times out after the plan's `approvalTimeoutSeconds`.
 */
export const requestApproval = async (
  event: RequestApprovalEvent,
  deps: RequestApprovalDeps,
): Promise<{ requested: true }> => {
  const { plans, ledger, events, clock, log } = deps;
  const { run, assessment } = event;
  const plan = plans.get(run.plan);
  const at = clock.now().toISOString();

  // The token first: by the time anyone reads the request, the answer can already be delivered.
  await ledger.putApprovalToken(run.incidentId, run.plan, event.taskToken, at);
  // Rebuilt from what Assess recorded ({ run, assessment }), now with the data at risk as the RPO.
  await ledger.putRun(buildRunRecord(plan, { run, assessment }, 'awaiting-approval', at));
  const detail: ApprovalRequestedDetail = {
    run,
    at,
    reasons: assessment.reasons,
    lagSeconds: assessment.maxLagSeconds,
    rpoBudgetSeconds: plan.budgets.rpoSeconds,
    timeoutSeconds: assessment.approvalTimeoutSeconds,
    // What a person accepts by approving despite a failed preflight (plans with preflight.onFindings: ask).
    ...(assessment.preflight?.findings.length ? { findings: assessment.preflight.findings } : {}),
  };
  await events.publish(DETAIL_TYPES.approvalRequested, detail);
  log.info('approval requested', { timeoutSeconds: assessment.approvalTimeoutSeconds });
  return { requested: true };
};
