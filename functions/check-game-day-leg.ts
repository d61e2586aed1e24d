import { DynamoLedger } from '../shared/aws/ledger';
import { legWorkflows } from '../shared/aws/workflow';
import type { GameDayLeg } from '../shared/domain/game-day';
import { systemClock } from '../shared/runtime/clock';
import { runbookStateMachineArns } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  type CheckGameDayLegDeps,
  type CheckGameDayLegResult,
  checkGameDayLeg,
} from '../shared/usecases/game-day/check-game-day-leg';
import { legSchema } from '../shared/usecases/game-day/step-inputs';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

const eventSchema = z.object({ run: runContextSchema, leg: legSchema });

let deps: Omit<CheckGameDayLegDeps, 'plans'> | undefined;
onColdStart(() => {
  deps = undefined;
});
const defaultDeps = (): CheckGameDayLegDeps => {
  if (!deps) {
    const arns = runbookStateMachineArns();
    deps = {
      workflows: legWorkflows(arns),
      stateMachineArns: arns,
      ledger: new DynamoLedger(),
      clock: systemClock,
      log: logger,
    };
  }
  return { ...deps, plans: plans() };
};

/** "Check Leg": not started, running, or done (its run recovered or skipped); throws when it stopped. */
export const handler = lambdaHandler(async (event: unknown): Promise<CheckGameDayLegResult> => {
  const parsed = parseStepInput('Check Leg task payload', eventSchema, event);
  logger.appendKeys({ plan: parsed.run.plan, incidentId: parsed.run.incidentId, leg: parsed.leg.name });
  return checkGameDayLeg({ run: parsed.run, leg: parsed.leg as unknown as GameDayLeg }, defaultDeps());
});
