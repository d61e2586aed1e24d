import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { runbookAdapters } from '../shared/runtime/step-adapters';
import type { GameDayAssessment } from '../shared/usecases/game-day/assess-game-day';
import { type RecordGameDayResult, recordGameDay } from '../shared/usecases/game-day/record-game-day';
import { blockableAssessmentFields, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Record Game Day" payload: the run and its assessment (the legs' records are read from the ledger). */
const eventSchema = z.object({
  run: runContextSchema,
  assessment: z.looseObject({
    ...blockableAssessmentFields,
    legs: z.array(z.looseObject({ name: z.string(), action: z.string() })),
    toStart: z.array(z.looseObject({ name: z.string() })),
  }),
});

const defaultDeps = runbookAdapters();

/** "Record Game Day": the game day's one record from its legs' records, and its closing event. */
export const handler = lambdaHandler(async (event: unknown): Promise<RecordGameDayResult> => {
  const parsed = parseStepInput('Record Game Day task payload', eventSchema, event);
  appendRunKeys(parsed.run);
  return recordGameDay(
    {
      run: parsed.run,
      assessment: parsed.assessment as unknown as GameDayAssessment,
    },
    defaultDeps(),
  );
});
