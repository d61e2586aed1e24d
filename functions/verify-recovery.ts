import { dnsAnswers } from '../shared/aws/dns-answers';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsReader } from '../shared/aws/rds';
import { Route53Reader } from '../shared/aws/route53';
import type { VerificationResult } from '../shared/domain/run';
import { planAtTopology } from '../shared/domain/topology';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  assessmentSchema,
  parseStepInput,
  promotionResultSchema,
  runContextSchema,
} from '../shared/usecases/step-inputs';
import { type VerifyRecoveryDeps, verifyRecovery } from '../shared/usecases/verify-recovery';
import * as z from '../shared/zod';

/** The "Verify Recovery" payload: the run, the assessment and the Map's PromotionResults. */
const eventSchema = z.object({
  run: runContextSchema,
  assessment: assessmentSchema,
  promotions: z.array(promotionResultSchema),
});

let deps: Omit<VerifyRecoveryDeps, 'rds' | 'dns'> | undefined;
onColdStart(() => {
  deps = undefined;
});
const defaultDeps = (): VerifyRecoveryDeps => {
  deps ??= {
    route53: new Route53Reader(),
    events: new EventBridgeEvents(),
    ledger: new DynamoLedger(),
    clock: systemClock,
    log: logger,
  };
  // The RDS reads of one invocation go out together, in an adapter of its own (RdsReader, `batch`).
  return { ...deps, rds: new RdsReader({ batch: true }), dns: dnsAnswers() };
};

/**
 * "Verify Recovery": new primaries writable, backups on and fresh, and DNS answering the standby region's record (an
 * ARC or alarm plan's: as its last readiness read it, from the ledger). Returns a VerificationResult.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<VerificationResult> => {
  const { run, assessment, promotions } = parseStepInput('Verify Recovery task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return verifyRecovery(
    { run, assessment, promotions, plan: planAtTopology(plans().get(run.plan), run.databases) },
    defaultDeps(),
  );
});
