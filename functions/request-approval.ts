import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  type RequestApprovalDeps,
  type RequestApprovalEvent,
  requestApproval,
} from '../shared/usecases/request-approval';
import * as z from '../shared/zod';

/** The ASL builds this payload from Assess's result; the check is for the fields this step cannot do without. */
const requestApprovalEventSchema = z.object({
  taskToken: z.string().check(z.minLength(1)),
  run: z.looseObject({
    incidentId: z.string().check(z.minLength(1)),
    plan: z.string().check(z.minLength(1)),
    epoch: z.number(),
  }),
  assessment: z.looseObject({ reasons: z.array(z.string()), approvalTimeoutSeconds: z.number() }),
});

let adapters: Omit<RequestApprovalDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
// Adapters are built on first use, once per process. The plans are looked up on every call, so that a drill or a
// test that brings its own (setPlans) is heard.
const defaultDeps = (): RequestApprovalDeps => {
  adapters ??= {
    ledger: new DynamoLedger(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  return { ...adapters, plans: plans() };
};

/** "Request Approval" (.waitForTaskToken): store the token, announce the request; the execution then waits. */
export const handler = lambdaHandler(async (event: unknown): Promise<{ requested: true }> => {
  const parsed = requestApprovalEventSchema.safeParse(event);
  // The issues name fields only, never values: the payload carries the task token.
  if (!parsed.success)
    throw new MalformedEventError('Request Approval task payload', toFieldIssues(parsed.error, event));
  const { run } = parsed.data;
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return requestApproval(parsed.data as unknown as RequestApprovalEvent, defaultDeps());
});
