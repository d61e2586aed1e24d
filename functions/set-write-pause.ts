import { SsmParameters } from '../shared/aws/parameters';
import { lambdaHandler } from '../shared/runtime/handler';
import { appendRunKeys } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { recordingStepAdapters } from '../shared/runtime/step-adapters';
import { setWritePause, type WritePauseResult } from '../shared/usecases/failback/set-write-pause';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Pause Writes" / "Resume Writes" payload. */
const eventSchema = z.object({ run: runContextSchema, paused: z.boolean() });

const adapters = recordingStepAdapters(() => ({ parameters: new SsmParameters() }));
const defaultDeps = () => ({ ...adapters(), plans: plans() });

/** "Pause Writes" / "Resume Writes": set the plan's write-pause parameter. Returns a WritePauseResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<WritePauseResult> => {
  const { run, paused } = parseStepInput('Set Write Pause task payload', eventSchema, event);
  appendRunKeys(run);
  return setWritePause({ run, paused }, defaultDeps());
});
