import { RecordingActionLog } from '../shared/aws/action-log';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsAdapter } from '../shared/aws/rds';
import type { FenceResult, FenceTarget } from '../shared/domain/fence';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { type FenceDatabaseDeps, fenceDatabase } from '../shared/usecases/fence/fence-database';
import { actionRecordSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const copySchema = z.object({ region: z.string().check(z.minLength(1)), identifier: z.string().check(z.minLength(1)) });
const targetSchema: z.ZodType<FenceTarget> = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
  oldPrimary: copySchema,
  writer: copySchema,
  globalCluster: z.optional(z.string()),
});
const previousSchema = z.looseObject({
  databaseId: z.string(),
  state: z.enum(['fenced', 'rejoined', 'unreachable', 'unknown']),
  done: z.boolean(),
  pollSeconds: z.number(),
  checks: z.number().check(z.int(), z.nonnegative()),
  detail: z.string(),
  checkedAt: z.string(),
  verifiedAt: z.optional(z.string()),
  actions: z.array(actionRecordSchema),
});
/** The "Fence Database" payload: the run, one target and, after a Wait, the previous check. */
const eventSchema = z.object({ run: runContextSchema, target: targetSchema, previous: z.optional(previousSchema) });

let deps: FenceDatabaseDeps | undefined;
const defaultDeps = (): FenceDatabaseDeps => {
  if (!deps) {
    const ledger = new DynamoLedger();
    deps = {
      rds: new RdsAdapter(),
      ledger,
      // The StopDBInstance call goes into the run's record as it is made (evidence for a run that fails later).
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Fence Database": check one old primary and fence it when needed. Returns a FenceResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<FenceResult> => {
  const { run, target, previous } = parseStepInput('Fence Database task payload', eventSchema, event);
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    database: target.id,
  });
  return fenceDatabase({ run, target, ...(previous ? { previous: previous as FenceResult } : {}) }, defaultDeps());
});
