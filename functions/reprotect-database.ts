import * as z from 'zod';
import { RecordingActionLog } from '../shared/aws/action-log';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import { RdsReprotectAdapter } from '../shared/aws/reprotect';
import type { ReprotectResult, ReprotectTarget } from '../shared/domain/reprotect';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { type ReprotectDatabaseDeps, reprotectDatabase } from '../shared/usecases/reprotect/reprotect-database';
import { actionRecordSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';

const copySchema = z.object({ region: z.string().min(1), identifier: z.string().min(1) });
const targetSchema: z.ZodType<ReprotectTarget> = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
  writer: copySchema,
  oldPrimary: copySchema,
  region: z.string().min(1),
  names: z.looseObject({
    standby: z.string().min(1),
    clusterInstance: z.string().min(1).optional(),
    snapshot: z.string().min(1),
    finalSnapshot: z.string().min(1),
  }),
  globalCluster: z.string().optional(),
  path: z.enum(['rds-replica', 'aurora-rejoined', 'aurora-new-secondary']),
  kmsKeyId: z.string().optional(),
  instanceClass: z.string().optional(),
  deleteOldPrimary: z.boolean(),
  maxLagSeconds: z.number().nonnegative(),
});
const previousSchema = z.looseObject({
  databaseId: z.string(),
  state: z.enum(['protected', 'planned', 'waiting', 'timed-out']),
  done: z.boolean(),
  pollSeconds: z.number(),
  checks: z.number().int().nonnegative(),
  startedAt: z.string(),
  checkedAt: z.string(),
  detail: z.string(),
  snapshot: z.string().optional(),
  actions: z.array(actionRecordSchema),
});
/** The "Reprotect Database" payload: the run, one target and, after a Wait, the previous check. */
const eventSchema = z.object({ run: runContextSchema, target: targetSchema, previous: previousSchema.optional() });

let deps: ReprotectDatabaseDeps | undefined;
const defaultDeps = (): ReprotectDatabaseDeps => {
  if (!deps) {
    const ledger = new DynamoLedger();
    deps = {
      rds: new RdsReprotectAdapter(),
      lag: new CloudWatchReplicaLag(),
      ledger,
      events: new EventBridgeEvents(),
      // Each create or delete goes into the run's record as it is made (evidence for a run that fails later).
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Reprotect Database": one pass over one database's reprotect. Returns a ReprotectResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<ReprotectResult> => {
  const { run, target, previous } = parseStepInput('Reprotect Database task payload', eventSchema, event);
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    database: target.id,
  });
  return reprotectDatabase(
    { run, target, ...(previous ? { previous: previous as ReprotectResult } : {}) },
    defaultDeps(),
  );
});
