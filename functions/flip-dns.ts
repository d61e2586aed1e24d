import { EventBridgeEvents } from '../shared/aws/events';
import { Route53Adapter } from '../shared/aws/route53';
import { RoutingControlAdapter } from '../shared/aws/routing-control';
import { CloudWatchSwitchAlarm } from '../shared/aws/switch-alarm';
import type { DnsResult } from '../shared/domain/run';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type RecordingStepAdapters, recordingStepAdapters } from '../shared/runtime/step-adapters';
import { checkDnsSwitch, type DnsSwitchCheck } from '../shared/usecases/check-dns-switch';
import { type FlipDnsDeps, flipDns } from '../shared/usecases/flip-dns';
import { parseStepInput, promotionResultSchema, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/**
 * Two payloads, one per state, so that the reads before the promotion and the switch after it run with the same
 * IAM role (the same records and routing controls): "Check DNS Switch" `{ run, check: true }`, "Flip DNS"
 * `{ run, promotions }`.
 */
const checkSchema = z.object({ run: runContextSchema, check: z.literal(true) });
const flipSchema = z.object({ run: runContextSchema, promotions: z.array(promotionResultSchema) });

// Every record change goes into the run's record as it is made (evidence for a run that fails later).
const defaultDeps = recordingStepAdapters((): Omit<FlipDnsDeps, keyof RecordingStepAdapters> => {
  const route53 = new Route53Adapter();
  return {
    // Route 53 record edits are control-plane calls served from us-east-1 (see Route53Adapter): ARC routing
    // controls (RoutingControlAdapter) are the data-plane alternative when that region is the one in trouble.
    route53,
    // The health checks a `health-check-inverted` fence inverted, restored when their record is PRIMARY again.
    healthChecks: route53,
    routingControls: new RoutingControlAdapter(),
    // The switch alarm's metric, in the standby region's CloudWatch (data plane): alarm-health-check plans.
    switchAlarm: new CloudWatchSwitchAlarm(),
    route53Region: config().ROUTE53_REGION,
    events: new EventBridgeEvents(),
  };
});

/**
 * "Check DNS Switch": can the plan's DNS switch be made now (before any database changes)? Returns a DnsSwitchCheck.
 * "Flip DNS": switch DNS to the standby, by the plan's method. Returns a DnsResult.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<DnsResult | DnsSwitchCheck> => {
  if ((event as { check?: unknown } | null)?.check === true) {
    const { run } = parseStepInput('Check DNS Switch task payload', checkSchema, event);
    logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
    return checkDnsSwitch({ run, plan: plans().get(run.plan) }, defaultDeps());
  }
  const { run, promotions } = parseStepInput('Flip DNS task payload', flipSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return flipDns({ run, promotions, plan: plans().get(run.plan) }, defaultDeps());
});
