import { EventBridgeEvents } from '../shared/aws/events';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import { RdsReprotectAdapter } from '../shared/aws/reprotect';
import type { ReprotectResult, ReprotectTarget } from '../shared/domain/reprotect';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { recordingStepAdapters } from '../shared/runtime/step-adapters';
import { reprotectDatabase } from '../shared/usecases/reprotect/reprotect-database';
import { actionRecordSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const copySchema = z.object({ region: z.string().check(z.minLength(1)), identifier: z.string().check(z.minLength(1)) });
const targetSchema: z.ZodType<ReprotectTarget> = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
  writer: copySchema,
  oldPrimary: copySchema,
  region: z.string().check(z.minLength(1)),
  names: z.looseObject({
    standby: z.string().check(z.minLength(1)),
    clusterInstance: z.optional(z.string().check(z.minLength(1))),
    snapshot: z.string().check(z.minLength(1)),
    finalSnapshot: z.string().check(z.minLength(1)),
  }),
  globalCluster: z.optional(z.string()),
  path: z.enum(['rds-replica', 'aurora-rejoined', 'aurora-new-secondary']),
  kmsKeyId: z.optional(z.string()),
  instanceClass: z.optional(z.string()),
  deleteOldPrimary: z.boolean(),
  maxLagSeconds: z.number().check(z.nonnegative()),
});
const previousSchema = z.looseObject({
  databaseId: z.string(),
  state: z.enum(['protected', 'planned', 'waiting', 'timed-out']),
  done: z.boolean(),
  pollSeconds: z.number(),
  checks: z.number().check(z.int(), z.nonnegative()),
  startedAt: z.string(),
  checkedAt: z.string(),
  detail: z.string(),
  snapshot: z.optional(z.string()),
  actions: z.array(actionRecordSchema),
});
/** The "Reprotect Database" payload: the run, one target and, after a Wait, the previous check. */
const eventSchema = z.object({ run: runContextSchema, target: targetSchema, previous: z.optional(previousSchema) });

const defaultDeps = recordingStepAdapters(() => ({
  rds: new RdsReprotectAdapter(),
  lag: new CloudWatchReplicaLag(),
  events: new EventBridgeEvents(),
}));

/** "Reprotect Database": one pass over one database's reprotect. Returns a ReprotectResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<ReprotectResult> => {
  const { run, target, previous } = parseStepInput('Reprotect Database task payload', eventSchema, event);
  appendRunKeys(run, { database: target.id });
  return reprotectDatabase(
    { run, target, ...(previous ? { previous: previous as ReprotectResult } : {}) },
    defaultDeps(),
  );
});
