import { RecordingActionLog } from '../shared/aws/action-log';
import { DynamoLedger } from '../shared/aws/ledger';
import { SsmParameters } from '../shared/aws/parameters';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import {
  type SetWritePauseDeps,
  setWritePause,
  type WritePauseResult,
} from '../shared/usecases/failback/set-write-pause';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Pause Writes" / "Resume Writes" payload. */
const eventSchema = z.object({ run: runContextSchema, paused: z.boolean() });

let adapters: Omit<SetWritePauseDeps, 'plans'> | undefined;
const defaultDeps = (): SetWritePauseDeps => {
  if (!adapters) {
    const ledger = new DynamoLedger();
    adapters = {
      parameters: new SsmParameters(),
      ledger,
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      clock: systemClock,
      log: logger,
    };
  }
  return { ...adapters, plans: plans() };
};

/** "Pause Writes" / "Resume Writes": set the plan's write-pause parameter. Returns a WritePauseResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<WritePauseResult> => {
  const { run, paused } = parseStepInput('Set Write Pause task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return setWritePause({ run, paused }, defaultDeps());
});
