import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { EmfMetrics } from '../shared/aws/metrics';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import {
  RECORDED_OUTCOMES,
  type RecordOutcomeDeps,
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

let adapters: Omit<RecordOutcomeDeps, 'plans'> | undefined;
// Adapters are built on first use, once per process. The plans are looked up on every call, so that a drill or a
// test that brings its own (setPlans) is heard.
const defaultDeps = (): RecordOutcomeDeps => {
  adapters ??= {
    ledger: new DynamoLedger(),
    metrics: new EmfMetrics(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  return { ...adapters, plans: plans() };
};

/** "Record Recovery" / "Record Skipped Run" / "Record Denied Run": the run's evidence. Returns `{ outcome, rto, rpo }`. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordOutcomeResult> => {
  const parsed = recordOutcomeEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('Record task payload', toFieldIssues(parsed.error, event));
  const { approval, ...rest } = parsed.data;
  logger.appendKeys({ plan: rest.run.plan, incidentId: rest.run.incidentId, executionArn: rest.run.executionArn });
  return recordOutcome({ ...rest, ...(approval ? { approval } : {}) } as unknown as RecordOutcomeEvent, defaultDeps());
});
