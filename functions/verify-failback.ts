import { dnsAnswers } from '../shared/aws/dns-answers';
import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsReader } from '../shared/aws/rds';
import { Route53Reader } from '../shared/aws/route53';
import type { VerificationResult } from '../shared/domain/run';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { failbackResultSchema } from '../shared/usecases/failback/step-inputs';
import { type VerifyFailbackDeps, verifyFailback } from '../shared/usecases/failback/verify-failback';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Verify Failback" payload: the run and one result per database. */
const eventSchema = z.object({ run: runContextSchema, results: z.array(failbackResultSchema) });

let adapters: Omit<VerifyFailbackDeps, 'plans' | 'dns'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): VerifyFailbackDeps => {
  adapters ??= {
    rds: new RdsReader(),
    route53: new Route53Reader(),
    events: new EventBridgeEvents(),
    ledger: new DynamoLedger(),
    clock: systemClock,
    log: logger,
  };
  return { ...adapters, plans: plans(), dns: dnsAnswers() };
};

/**
 * "Verify Failback": the writers in the primary region write, its records are PRIMARY again, and DNS answers them.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<VerificationResult> => {
  const { run, results } = parseStepInput('Verify Failback task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return verifyFailback({ run, results }, defaultDeps());
});
