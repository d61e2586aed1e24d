import { EventBridgeEvents } from '../shared/aws/events';
import { RdsAdapter } from '../shared/aws/rds';
import type { FailbackResult } from '../shared/domain/failback';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { recordingStepAdapters } from '../shared/runtime/step-adapters';
import { failBackDatabase } from '../shared/usecases/failback/fail-back-database';
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

const defaultDeps = recordingStepAdapters(() => ({ rds: new RdsAdapter(), events: new EventBridgeEvents() }));

/** "Fail Back Database": check one database and move its writer back when needed. Returns a FailbackResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<FailbackResult> => {
  const { run, target, readings, previous } = parseStepInput('Fail Back Database task payload', eventSchema, event);
  const lagSeconds = readings.find((reading) => reading.databaseId === target.id)?.lagSeconds ?? null;
  appendRunKeys(run, { database: target.id });
  return failBackDatabase({ run, target, lagSeconds, ...(previous ? { previous } : {}) }, defaultDeps());
});
