import { z } from 'zod';
import { RecordingActionLog } from '../shared/aws/action-log';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { Route53Adapter } from '../shared/aws/route53';
import type { DnsResult } from '../shared/domain/run';
import { systemClock } from '../shared/runtime/clock';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type FlipDnsDeps, flipDns } from '../shared/usecases/flip-dns';
import { parseStepInput, promotionResultSchema, runContextSchema } from '../shared/usecases/step-inputs';

/** The "Flip DNS" payload: the run and the Map's PromotionResults. */
const eventSchema = z.object({ run: runContextSchema, promotions: z.array(promotionResultSchema) });

let deps: FlipDnsDeps | undefined;
const defaultDeps = (): FlipDnsDeps => {
  if (!deps) {
    const ledger = new DynamoLedger();
    deps = {
      // Route 53 record edits are control-plane calls served from us-east-1 (see Route53Adapter): ARC routing
      // controls are the data-plane alternative when that region is the one in trouble.
      route53: new Route53Adapter(),
      route53Region: config().ROUTE53_REGION,
      ledger,
      // Every record change goes into the run's record as it is made (evidence for a run that fails later).
      actions: new RecordingActionLog({ clock: systemClock, log: logger, ledger }),
      events: new EventBridgeEvents(),
      clock: systemClock,
      log: logger,
    };
  }
  return deps;
};

/** "Flip DNS": make the standby records PRIMARY in every hosted zone of the plan. Returns a DnsResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<DnsResult> => {
  const { run, promotions } = parseStepInput('Flip DNS task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return flipDns({ run, promotions, plan: plans().get(run.plan) }, defaultDeps());
});
