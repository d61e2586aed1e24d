import { EventBridgeEvents } from '../shared/aws/events';
import { RdsAdapter } from '../shared/aws/rds';
import type { PromotionResult } from '../shared/domain/run';
import { planAtTopology } from '../shared/domain/topology';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { recordingStepAdapters } from '../shared/runtime/step-adapters';
import { promoteDatabase } from '../shared/usecases/promote-database';
import {
  approvalAnswerSchema,
  databaseAssessmentSchema,
  parseStepInput,
  runContextSchema,
} from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Start Promotion" payload: the run and one item of the assessment's databases. */
const eventSchema = z.object({
  run: runContextSchema,
  database: databaseAssessmentSchema,
  approval: z.nullish(approvalAnswerSchema),
});

const defaultDeps = recordingStepAdapters(() => ({ rds: new RdsAdapter(), events: new EventBridgeEvents() }));

/** "Start Promotion": promote one database's standby (or find it promoted). Returns a PromotionResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<PromotionResult> => {
  const { run, database, approval } = parseStepInput('Start Promotion task payload', eventSchema, event);
  appendRunKeys(run, { database: database.id });
  return promoteDatabase(
    { run, database, approval, plan: planAtTopology(plans().get(run.plan), run.databases) },
    defaultDeps(),
  );
});
