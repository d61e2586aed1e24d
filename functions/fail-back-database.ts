import { RecordingActionLog } from '../shared/aws/action-log';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsAdapter } from '../shared/aws/rds';
import type { FailbackResult } from '../shared/domain/failback';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { type FailBackDatabaseDeps, failBackDatabase } from '../shared/usecases/failback/fail-back-database';
import { failbackResultSchema, failbackTargetSchema } from '../shared/usecases/failback/step-inputs';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Fail Back Database" payload: the run, one target, the lag readings and, after a Wait, the previous check. */
const eventSchema = z.object({
  run: runContextSchema,
  target: failbackTargetSchema,
  readings: z.array(z.looseObject({ databaseId: z.string(), lagSeconds: z.nullable(z.number()) })),
  previous: z.optional(failbackResultSchema),
});

let deps: FailBackDatabaseDeps | undefined;
const defaultDeps = (): FailBackDatabaseDeps => {
  if (!deps) {
    const ledger = new DynamoLedger();
    deps = {
      rds: new RdsAdapter(),
      ledger,
      events: new EventBridgeEvents(),
      // The promotion or switchover goes into the run's record as it is made (evidence for a run that fails later).
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Fail Back Database": check one database and move its writer back when needed. Returns a FailbackResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<FailbackResult> => {
  const { run, target, readings, previous } = parseStepInput('Fail Back Database task payload', eventSchema, event);
  const lagSeconds = readings.find((reading) => reading.databaseId === target.id)?.lagSeconds ?? null;
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    database: target.id,
  });
  return failBackDatabase({ run, target, lagSeconds, ...(previous ? { previous } : {}) }, defaultDeps());
});
