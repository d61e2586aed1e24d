import { DynamoLedger } from '../shared/aws/ledger';
import { StepFunctionsWorkflow } from '../shared/aws/workflow';
import { systemClock } from '../shared/runtime/clock';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type StartFenceDeps, type StartFenceOutcome, startFence } from '../shared/usecases/fence/start-fence';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/**
 * Either the last step of a failover or a standalone failback (`{ run }`: its incident, plan and action) or the
 * retry schedule's event (anything else: an EventBridge scheduled event, every plan).
 */
const failoverSchema = z.looseObject({
  run: z.looseObject({
    incidentId: z.string().check(z.minLength(1)),
    plan: z.string().check(z.minLength(1)),
    action: z.optional(z.enum(['failover', 'failback'])),
  }),
});

let adapters: Omit<StartFenceDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): StartFenceDeps => {
  if (!adapters) {
    const fence = new StepFunctionsWorkflow({ stateMachineArn: config().FENCE_STATE_MACHINE_ARN });
    // The fence workflow also reads a lock holder's execution (any runbook's: DescribeExecution takes the ARN).
    adapters = { ledger: new DynamoLedger(), fence, executions: fence, clock: systemClock, log: logger };
  }
  return { ...adapters, plans: plans() };
};

/**
 * "Start Fence" (after a failover or a standalone failback) and the fence retry (on its schedule): start the fence
 * runbook where needed.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<{ outcomes: StartFenceOutcome[] }> => {
  const fromFailover =
    typeof event === 'object' && event !== null && 'run' in event
      ? parseStepInput('Start Fence task payload', failoverSchema, event).run
      : undefined;
  if (fromFailover) logger.appendKeys({ plan: fromFailover.plan, incidentId: fromFailover.incidentId });
  const outcomes = await startFence(
    fromFailover
      ? { incidentId: fromFailover.incidentId, plan: fromFailover.plan, after: fromFailover.action ?? 'failover' }
      : {},
    defaultDeps(),
  );
  return { outcomes };
});
