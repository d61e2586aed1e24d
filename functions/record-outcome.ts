import { EmfMetrics } from '../shared/aws/metrics';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { runbookAdapters } from '../shared/runtime/step-adapters';
import {
  RECORDED_OUTCOMES,
  type RecordOutcomeEvent,
  type RecordOutcomeResult,
  recordOutcome,
} from '../shared/usecases/record-outcome';
import * as z from '../shared/zod';

/** The ASL builds this payload from earlier results; the check is for the fields the record cannot do without. */
const recordOutcomeEventSchema = z.looseObject({
  run: z.looseObject({
    incidentId: z.string().check(z.minLength(1)),
    plan: z.string().check(z.minLength(1)),
    impactStartedAt: z.string(),
    startedAt: z.string(),
  }),
  assessment: z.looseObject({ decision: z.string(), reasons: z.array(z.string()), warnings: z.array(z.string()) }),
  outcome: z.enum(RECORDED_OUTCOMES, { error: `expected one of: ${RECORDED_OUTCOMES.join(', ')}` }),
  promotions: z.optional(z.array(z.looseObject({ actions: z.array(z.unknown()) }))),
  dns: z.optional(z.looseObject({ actions: z.array(z.unknown()) })),
  verification: z.optional(
    z.looseObject({ startedAt: z.string(), endedAt: z.string(), warnings: z.array(z.string()) }),
  ),
  // null when no approval was asked (Assess seeds `$.approval` so that Record Recovery can always pass it).
  approval: z.nullish(z.looseObject({ approved: z.boolean() })),
});

const adapters = runbookAdapters(() => ({ metrics: new EmfMetrics() }));
const defaultDeps = () => ({ ...adapters(), plans: plans() });

/** "Record Recovery" / "Record Skipped Run" / "Record Denied Run": the run's evidence. Returns `{ outcome, rto, rpo }`. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordOutcomeResult> => {
  const parsed = recordOutcomeEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('Record task payload', toFieldIssues(parsed.error, event));
  const { approval, ...rest } = parsed.data;
  logger.appendKeys({ plan: rest.run.plan, incidentId: rest.run.incidentId, executionArn: rest.run.executionArn });
  return recordOutcome({ ...rest, ...(approval ? { approval } : {}) } as unknown as RecordOutcomeEvent, defaultDeps());
});
