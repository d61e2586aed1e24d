import type { ReprotectResult } from '../shared/domain/reprotect';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { runbookAdapters } from '../shared/runtime/step-adapters';
import type { ReprotectAssessment } from '../shared/usecases/reprotect/assess-reprotect';
import { type RecordReprotectResult, recordReprotect } from '../shared/usecases/reprotect/record-reprotect';
import { blockableAssessmentFields, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Record Reprotect" payload: the run, its assessment and one result per target. */
const eventSchema = z.object({
  run: runContextSchema,
  assessment: z.looseObject(blockableAssessmentFields),
  results: z.optional(z.array(z.looseObject({ databaseId: z.string(), state: z.string() }))),
});

const adapters = runbookAdapters();
const defaultDeps = () => ({ ...adapters(), plans: plans() });

/** "Record Reprotect": the new standbys into the topology, the run record, the closing event. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordReprotectResult> => {
  const parsed = parseStepInput('Record Reprotect task payload', eventSchema, event);
  appendRunKeys(parsed.run);
  return recordReprotect(
    {
      run: parsed.run,
      assessment: parsed.assessment as unknown as ReprotectAssessment,
      ...(parsed.results ? { results: parsed.results as unknown as ReprotectResult[] } : {}),
    },
    defaultDeps(),
  );
});
