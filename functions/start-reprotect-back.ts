import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { StepFunctionsWorkflow } from '../shared/aws/workflow';
import type { ReprotectBack } from '../shared/domain/failback';
import { systemClock } from '../shared/runtime/clock';
import { runbookStateMachineArns } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  type StartReprotectBackDeps,
  type StartReprotectBackEvent,
  startReprotectBack,
} from '../shared/usecases/failback/start-reprotect-back';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Start Reprotect" payload: the failback's run, what "Start Fence" answered (or its error), the last look. */
const eventSchema = z.object({
  run: runContextSchema,
  fence: z.looseObject({
    outcomes: z.optional(
      z.array(
        z.looseObject({
          plan: z.string().check(z.minLength(1)),
          started: z.boolean(),
          execution: z.optional(z.string()),
          reason: z.string(),
        }),
      ),
    ),
    Error: z.optional(z.string()),
    Cause: z.optional(z.string()),
  }),
  previous: z.optional(
    z.nullable(z.looseObject({ state: z.enum(['waiting', 'started', 'not-started']), checks: z.number() })),
  ),
});

let adapters: Omit<StartReprotectBackDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): StartReprotectBackDeps => {
  if (!adapters) {
    const arns = runbookStateMachineArns();
    adapters = {
      ledger: new DynamoLedger(),
      fence: new StepFunctionsWorkflow({ stateMachineArn: arns.fence }),
      reprotect: new StepFunctionsWorkflow({ stateMachineArn: arns.reprotect }),
      events: new EventBridgeEvents(),
      fenceStateMachineArn: arns.fence,
      clock: systemClock,
      log: logger,
    };
  }
  return { ...adapters, plans: plans() };
};

/** "Start Reprotect": after a standalone failback's fence ended, start reprotect the other way (idempotent). */
export const handler = lambdaHandler(async (event: unknown): Promise<ReprotectBack> => {
  const parsed = parseStepInput('Start Reprotect task payload', eventSchema, event);
  logger.appendKeys({ plan: parsed.run.plan, incidentId: parsed.run.incidentId });
  return startReprotectBack(parsed as unknown as StartReprotectBackEvent, defaultDeps());
});
