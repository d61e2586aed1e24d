import { RdsAdapter } from '../shared/aws/rds';
import type { FenceResult, FenceTarget } from '../shared/domain/fence';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { recordingStepAdapters } from '../shared/runtime/step-adapters';
import { fenceDatabase } from '../shared/usecases/fence/fence-database';
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

const defaultDeps = recordingStepAdapters(() => ({ rds: new RdsAdapter() }));

/** "Fence Database": check one old primary and fence it when needed. Returns a FenceResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<FenceResult> => {
  const { run, target, previous } = parseStepInput('Fence Database task payload', eventSchema, event);
  appendRunKeys(run, { database: target.id });
  return fenceDatabase({ run, target, ...(previous ? { previous: previous as FenceResult } : {}) }, defaultDeps());
});
