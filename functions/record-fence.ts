import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import type { FenceAssessment } from '../shared/usecases/fence/assess-fence';
import {
  type RecordFenceDeps,
  type RecordFenceEvent,
  type RecordFenceResult,
  recordFence,
} from '../shared/usecases/fence/record-fence';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Record Fence" payload: the run, its assessment, one result per target and the records' results per batch. */
const eventSchema = z.object({
  run: runContextSchema,
  assessment: z.looseObject({
    decision: z.enum(['proceed', 'skip']),
    reasons: z.array(z.string()),
    decidedAt: z.string(),
  }),
  results: z.optional(z.array(z.looseObject({ databaseId: z.string(), state: z.string() }))),
  // One list per batch of records ("Fence Records" runs a batch per zone), flattened below.
  recordResults: z.optional(z.array(z.array(z.looseObject({ key: z.string(), state: z.string() })))),
});

let adapters: Omit<RecordFenceDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): RecordFenceDeps => {
  adapters ??= { ledger: new DynamoLedger(), events: new EventBridgeEvents(), clock: systemClock, log: logger };
  return { ...adapters, plans: plans() };
};

/** "Record Fence": old primaries' states into the topology, the run record, the closing event. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordFenceResult> => {
  const parsed = parseStepInput('Record Fence task payload', eventSchema, event);
  logger.appendKeys({
    plan: parsed.run.plan,
    incidentId: parsed.run.incidentId,
    executionArn: parsed.run.executionArn,
  });
  return recordFence(
    {
      run: parsed.run,
      assessment: parsed.assessment as unknown as FenceAssessment,
      ...(parsed.results ? { results: parsed.results as unknown as RecordFenceEvent['results'] } : {}),
      ...(parsed.recordResults
        ? { recordResults: parsed.recordResults.flat() as unknown as RecordFenceEvent['recordResults'] }
        : {}),
    },
    defaultDeps(),
  );
});
