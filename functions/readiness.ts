import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoReadinessLedger } from '../shared/aws/ledger';
import { EmfMetrics } from '../shared/aws/metrics';
import { RdsReader } from '../shared/aws/rds';
import { arnOwner, readinessAdapters, readinessTargetsOf } from '../shared/aws/readiness-adapters';
import type { ReadinessRunSummary } from '../shared/aws/readiness-function';
import { DynamoRestoreTestLedger } from '../shared/aws/restore-test-ledger';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type RecordReadinessDeps, recordReadiness } from '../shared/usecases/record-readiness';
import * as z from '../shared/zod';

/** The input each plan's EventBridge Scheduler schedule sends (serverless.yml, scripts/plan-resources.js). */
const readinessEventSchema = z.looseObject({
  plan: z.string().check(z.minLength(1, { error: 'expected the plan name' })),
});

/**
 * Built once per process: the same readings as `switchback readiness` (shared/aws/readiness-adapters.ts). The roles
 * it simulates are in the function's own partition and account, read from its ARN.
 */
const buildAdapters = (functionArn: string): Omit<RecordReadinessDeps, 'plans'> => {
  const ledger = new DynamoReadinessLedger();
  const targets = readinessTargetsOf(config(), arnOwner(functionArn));
  return {
    ...readinessAdapters(targets, { ledger, restoreTests: new DynamoRestoreTestLedger() }),
    ledger,
    metrics: new EmfMetrics(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
};

let adapters: Omit<RecordReadinessDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
// The plans are looked up on every call, so that a drill or a test that brings its own (setPlans) is heard.
const defaultDeps = (functionArn: string): RecordReadinessDeps => {
  adapters ??= buildAdapters(functionArn);
  // The RDS reads of one invocation go out together, in an adapter of its own (RdsReader, `batch`).
  return { ...adapters, rds: new RdsReader({ batch: true }), plans: plans() };
};

/**
 * Scheduled readiness of one plan (`{ "plan": "<app>" }`): checked, kept in the ledger, metrics, a change event. Its
 * answer is what `switchback readiness --record` reads (shared/aws/readiness-function.ts).
 */
export const handler = lambdaHandler(async (event: unknown, context): Promise<ReadinessRunSummary> => {
  const parsed = readinessEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('readiness schedule input', toFieldIssues(parsed.error, event));
  logger.appendKeys({ plan: parsed.data.plan });
  const deps = defaultDeps(context.invokedFunctionArn);
  const { readiness, change } = await recordReadiness(deps.plans.get(parsed.data.plan), deps);
  return {
    plan: readiness.plan,
    at: readiness.at,
    ready: readiness.ready,
    findings: readiness.findings.length,
    changed: change !== undefined,
  };
});
