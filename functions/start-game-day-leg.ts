import { legWorkflows } from '../shared/aws/workflow';
import type { GameDayLeg } from '../shared/domain/game-day';
import { systemClock } from '../shared/runtime/clock';
import { runbookStateMachineArns } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { onColdStart } from '../shared/runtime/warm';
import {
  type StartGameDayLegDeps,
  type StartGameDayLegResult,
  startGameDayLeg,
} from '../shared/usecases/game-day/start-game-day-leg';
import { legSchema } from '../shared/usecases/game-day/step-inputs';
import { parseStepInput } from '../shared/usecases/parse-step-input';
import * as z from '../shared/zod';

/**
 * The leg is what this step acts on; of the game day's `$.run` it reads only the correlation keys it logs. Checking
 * no more than that keeps the whole run-context schema (and the run-input one beside it) out of this function's
 * cold start: the leg's own runbook checks its input when it starts.
 */
const eventSchema = z.object({
  run: z.looseObject({ plan: z.string().check(z.minLength(1)), incidentId: z.string().check(z.minLength(1)) }),
  leg: legSchema,
});

let deps: StartGameDayLegDeps | undefined;
onColdStart(() => {
  deps = undefined;
});
const defaultDeps = (): StartGameDayLegDeps => {
  if (!deps) {
    const arns = runbookStateMachineArns();
    deps = {
      workflows: legWorkflows(arns),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Start Leg": start the leg's runbook under its derived execution name (idempotent). */
export const handler = lambdaHandler(async (event: unknown): Promise<StartGameDayLegResult> => {
  const parsed = parseStepInput('Start Leg task payload', eventSchema, event);
  logger.appendKeys({ plan: parsed.run.plan, incidentId: parsed.run.incidentId, leg: parsed.leg.name });
  return startGameDayLeg({ run: parsed.run, leg: parsed.leg as unknown as GameDayLeg }, defaultDeps());
});
