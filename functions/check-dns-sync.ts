import { EventBridgeEvents } from '../shared/aws/events';
import { Route53Reader } from '../shared/aws/route53';
import { CloudWatchSwitchAlarm } from '../shared/aws/switch-alarm';
import type { DnsResult } from '../shared/domain/run';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { onColdStart } from '../shared/runtime/warm';
import { type CheckDnsSyncDeps, checkDnsSync } from '../shared/usecases/check-dns-sync';
import { dnsResultSchema, parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The "Check DNS Sync" payload: the run and the previous DnsResult. */
const eventSchema = z.object({ run: runContextSchema, dns: dnsResultSchema });

let deps: CheckDnsSyncDeps | undefined;
onColdStart(() => {
  deps = undefined;
});
const defaultDeps = (): CheckDnsSyncDeps => {
  deps ??= {
    route53: new Route53Reader(),
    switchAlarm: new CloudWatchSwitchAlarm(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  return deps;
};

/** "Check DNS Sync": have the Route 53 changes reached every server (or the switch alarm its state)? Returns the updated DnsResult. */
export const handler = lambdaHandler(async (event: unknown): Promise<DnsResult> => {
  const { run, dns } = parseStepInput('Check DNS Sync task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return checkDnsSync({ run, dns }, defaultDeps());
});
