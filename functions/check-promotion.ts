import * as z from 'zod';
import { RdsAdapter } from '../shared/aws/rds';
import type { PromotionResult } from '../shared/domain/run';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type CheckPromotionDeps, checkPromotion } from '../shared/usecases/check-promotion';
import {
  databaseAssessmentSchema,
  parseStepInput,
  promotionResultSchema,
  runContextSchema,
} from '../shared/usecases/step-inputs';

/** The "Check Promotion" payload: the run, the database item and the previous PromotionResult. */
const eventSchema = z.object({
  run: runContextSchema,
  database: databaseAssessmentSchema,
  promotion: promotionResultSchema,
});

let deps: CheckPromotionDeps | undefined;
const defaultDeps = (): CheckPromotionDeps => {
  deps ??= { rds: new RdsAdapter(), clock: systemClock, log: logger };
  return deps;
};

/** "Check Promotion": is the promoted database writable yet? Returns the updated PromotionResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<PromotionResult> => {
  const { run, database, promotion } = parseStepInput('Check Promotion task payload', eventSchema, event);
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    database: database.id,
  });
  return checkPromotion({ run, database, promotion, plan: plans().get(run.plan) }, defaultDeps());
});
