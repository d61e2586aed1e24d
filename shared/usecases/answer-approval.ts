import type { IdentityPort, LedgerPort, WorkflowPort } from '../domain/ports';
import { ApprovalNotPendingError } from '../errors';

export interface AnswerApprovalDeps {
  ledger: Pick<LedgerPort, 'getApprovalToken'>;
  workflow: Pick<WorkflowPort, 'sendApproval'>;
  identity: IdentityPort;
}

export interface ApprovalRequest {
  incidentId: string;
  approved: boolean;
  /** A name the answerer gives; recorded beside the authenticated principal, never instead of it. */
  displayName?: string;
  comment?: string;
}

export interface ApprovalSent {
  plan: string;
  /** The authenticated principal recorded as the approver. */
  by: string;
  displayName?: string;
}

/**
 * Answers a paused approval (`switchback approve|deny`, and the drill the same way): finds the task token the
 * paused run left in the ledger, establishes who answers from the caller's credentials (STS GetCallerIdentity),
 * and sends the answer with that principal as `by`. A name the answerer types is only a display name.
 *
 * @throws ApprovalNotPendingError when the incident has no pending approval; IdentityUnknownError when the caller's
 *   identity cannot be established (nothing is sent then)
 */
export const answerApproval = async (request: ApprovalRequest, deps: AnswerApprovalDeps): Promise<ApprovalSent> => {
  const pending = await deps.ledger.getApprovalToken(request.incidentId);
  if (!pending) throw new ApprovalNotPendingError(`incident ${request.incidentId}`);
  const principal = await deps.identity.callerIdentity();
  const displayName = request.displayName?.trim() || undefined;
  await deps.workflow.sendApproval(
    pending.taskToken,
    {
      approved: request.approved,
      by: principal.arn,
      ...(displayName ? { displayName } : {}),
      ...(request.comment ? { comment: request.comment } : {}),
    },
    request.incidentId,
  );
  return { plan: pending.plan, by: principal.arn, ...(displayName ? { displayName } : {}) };
};
