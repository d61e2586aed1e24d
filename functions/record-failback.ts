import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  type RecordFailbackDeps,
  type RecordFailbackEvent,
  type RecordFailbackResult,
  recordFailback,
} from '../shared/usecases/failback/record-failback';
import { failbackResultSchema } from '../shared/usecases/failback/step-inputs';
import { dnsResultSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Record Failback" payload: the run, its assessment, the outcome and what each step returned. */
const eventSchema = z.object({
  run: runContextSchema,
  outcome: z.enum(['recovered', 'blocked', 'skipped']),
  assessment: z.looseObject({
    decision: z.enum(['proceed', 'skip', 'block']),
    reasons: z.array(z.string()),
    findings: z.array(z.looseObject({})),
    decidedAt: z.string(),
  }),
  pause: z.nullish(z.looseObject({ actions: z.array(z.looseObject({})) })),
  lag: z.nullish(z.looseObject({ checkedAt: z.string(), findings: z.array(z.looseObject({})) })),
  results: z.nullish(z.array(failbackResultSchema)),
  dns: z.nullish(dnsResultSchema),
  verification: z.nullish(z.looseObject({ startedAt: z.string(), endedAt: z.string() })),
  resume: z.nullish(z.looseObject({ actions: z.array(z.looseObject({})) })),
});

let adapters: Omit<RecordFailbackDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): RecordFailbackDeps => {
  adapters ??= { ledger: new DynamoLedger(), events: new EventBridgeEvents(), clock: systemClock, log: logger };
  return { ...adapters, plans: plans() };
};

/** "Record Failback": the run record (RTO, RPO, actions), the topology after it, the closing event. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordFailbackResult> => {
  const parsed = parseStepInput('Record Failback task payload', eventSchema, event);
  logger.appendKeys({
    plan: parsed.run.plan,
    incidentId: parsed.run.incidentId,
    executionArn: parsed.run.executionArn,
  });
  return recordFailback(parsed as unknown as RecordFailbackEvent, defaultDeps());
});
