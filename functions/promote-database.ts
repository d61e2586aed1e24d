import { RecordingActionLog } from '../shared/aws/action-log';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsAdapter } from '../shared/aws/rds';
import type { PromotionResult } from '../shared/domain/run';
import { planAtTopology } from '../shared/domain/topology';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type PromotionDeps, promoteDatabase } from '../shared/usecases/promote-database';
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

let deps: PromotionDeps | undefined;
const defaultDeps = (): PromotionDeps => {
  if (!deps) {
    const ledger = new DynamoLedger();
    deps = {
      rds: new RdsAdapter(),
      ledger,
      events: new EventBridgeEvents(),
      // Every promotion call goes into the run's record as it is made (evidence for a run that fails later).
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Start Promotion": promote one database's standby (or find it promoted). Returns a PromotionResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<PromotionResult> => {
  const { run, database, approval } = parseStepInput('Start Promotion task payload', eventSchema, event);
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    database: database.id,
  });
  return promoteDatabase(
    { run, database, approval, plan: planAtTopology(plans().get(run.plan), run.databases) },
    defaultDeps(),
  );
});
