import { Route53Adapter } from '../shared/aws/route53';
import { RoutingControlAdapter } from '../shared/aws/routing-control';
import type { DnsFenceBatchResult, RecordFenceTarget } from '../shared/domain/fence';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { type RecordingStepAdapters, recordingStepAdapters } from '../shared/runtime/step-adapters';
import { type FenceRecordDeps, fenceRecordBatch } from '../shared/usecases/fence/fence-record';
import { actionRecordSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const nonEmpty = () => z.string().check(z.minLength(1));
const targetSchema = z.looseObject({
  key: nonEmpty(),
  hostedZoneId: nonEmpty(),
  name: nonEmpty(),
  type: nonEmpty(),
  setIdentifier: nonEmpty(),
  region: nonEmpty(),
  fence: z.looseObject({ method: z.enum(['maintenance-target', 'routing-control-off', 'health-check-inverted']) }),
  routingControl: z.optional(
    z.looseObject({ arn: nonEmpty(), endpoints: z.array(z.looseObject({ region: nonEmpty(), url: nonEmpty() })) }),
  ),
  healthCheckId: z.optional(nonEmpty()),
});
const previousSchema = z.looseObject({
  key: z.string(),
  state: z.enum(['fenced', 'unreachable', 'unknown']),
  done: z.boolean(),
  pollSeconds: z.number(),
  checks: z.int().check(z.gte(0)),
  detail: z.string(),
  checkedAt: z.string(),
  verifiedAt: z.optional(z.string()),
  changeId: z.optional(z.string()),
  replaced: z.array(z.string()),
  healthCheck: z.optional(z.looseObject({ id: z.string(), inverted: z.boolean() })),
  actions: z.array(actionRecordSchema),
});
/**
 * The "Fence Record Batch" payload: the run, one batch of the old region's records (a zone's maintenance-target
 * records, or one record of another method) and, after a Wait, the previous check of the batch.
 */
const eventSchema = z.object({
  run: runContextSchema,
  targets: z.array(targetSchema).check(z.minLength(1)),
  previous: z.optional(z.looseObject({ done: z.boolean(), pollSeconds: z.number(), records: z.array(previousSchema) })),
});

/** Route 53 serves the record edits and the health checks; the record change goes into the run's record as it is made. */
const defaultDeps = recordingStepAdapters((): Omit<FenceRecordDeps, keyof RecordingStepAdapters> => {
  const route53 = new Route53Adapter();
  return { route53, healthChecks: route53, routingControls: new RoutingControlAdapter() };
});

/** "Fence Record Batch": check one batch of the old region's records and keep them out of DNS by the plan's fence methods. */
export const handler = lambdaHandler(async (event: unknown): Promise<DnsFenceBatchResult> => {
  const { run, targets, previous } = parseStepInput('Fence Record Batch task payload', eventSchema, event);
  logger.appendKeys({
    plan: run.plan,
    incidentId: run.incidentId,
    executionArn: run.executionArn,
    records: targets.map((target) => target.key),
  });
  return fenceRecordBatch(
    {
      run,
      targets: targets as RecordFenceTarget[],
      ...(previous ? { previous: previous as DnsFenceBatchResult } : {}),
    },
    defaultDeps(),
  );
});
