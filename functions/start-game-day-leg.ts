import { legWorkflows } from '../shared/aws/workflow';
import type { GameDayLeg } from '../shared/domain/game-day';
import { systemClock } from '../shared/runtime/clock';
import { runbookStateMachineArns } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import {
  type StartGameDayLegDeps,
  type StartGameDayLegResult,
  startGameDayLeg,
} from '../shared/usecases/game-day/start-game-day-leg';
import { legSchema } from '../shared/usecases/game-day/step-inputs';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({ run: runContextSchema, leg: legSchema });

let deps: StartGameDayLegDeps | undefined;
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
