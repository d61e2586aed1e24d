import { RdsReader } from '../shared/aws/rds';
import type { PromotionsProgress } from '../shared/domain/run';
import { planAtTopology } from '../shared/domain/topology';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type CheckPromotionDeps, checkPromotions } from '../shared/usecases/check-promotion';
import { parseStepInput, promotionResultSchema, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Check Promotions" payload: the run and every database's previous PromotionResult. */
const eventSchema = z.object({
  run: runContextSchema,
  promotions: z.array(promotionResultSchema).check(z.minLength(1)),
});

// The RDS reads of one invocation go out together, in an adapter of its own (RdsReader, `batch`).
const defaultDeps = (): CheckPromotionDeps => ({
  rds: new RdsReader({ batch: true }),
  clock: systemClock,
  log: logger,
});

/** "Check Promotions": are the promoted databases writable yet? Returns each one's PromotionResult and the next wait. */
export const handler = lambdaHandler(async (event: unknown): Promise<PromotionsProgress> => {
  const { run, promotions } = parseStepInput('Check Promotions task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return checkPromotions(
    { run, promotions, plan: planAtTopology(plans().get(run.plan), run.databases) },
    defaultDeps(),
  );
});
