import { CloudWatchAlarms } from '../shared/aws/alarms';
import { EventBridgeEvents } from '../shared/aws/events';
import { IamPolicySimulator } from '../shared/aws/iam-simulator';
import { DynamoLedger } from '../shared/aws/ledger';
import { EmfMetrics } from '../shared/aws/metrics';
import { RdsAdapter } from '../shared/aws/rds';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import { DynamoRestoreTestLedger } from '../shared/aws/restore-test-ledger';
import { Route53Adapter } from '../shared/aws/route53';
import { SwitchbackWiring } from '../shared/aws/wiring';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/plan/validate';
import { systemClock } from '../shared/runtime/clock';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { type RecordReadinessDeps, recordReadiness } from '../shared/usecases/record-readiness';
import * as z from '../shared/zod';

/** The input each plan's EventBridge Scheduler schedule sends (serverless.yml, scripts/plan-resources.js). */
const readinessEventSchema = z.looseObject({
  plan: z.string().check(z.minLength(1, { error: 'expected the plan name' })),
});

let adapters: Omit<RecordReadinessDeps, 'plans'> | undefined;
// Adapters are built on first use, once per process. The plans are looked up on every call, so that a drill or a
// test that brings its own (setPlans) is heard.
const defaultDeps = (): RecordReadinessDeps => {
  adapters ??= {
    rds: new RdsAdapter(),
    route53: new Route53Adapter(),
    alarms: new CloudWatchAlarms(),
    replicaLag: new CloudWatchReplicaLag(),
    ledger: new DynamoLedger(),
    restoreTests: new DynamoRestoreTestLedger(),
    wiring: {
      targets: {
        rules: config().WIRING_RULES,
        stateMachineArns: config().WIRING_STATE_MACHINE_ARNS,
        deadLetterQueueUrls: config().WIRING_DEAD_LETTER_QUEUE_URLS,
      },
      reader: new SwitchbackWiring(),
    },
    ...(Object.keys(config().FUNCTION_ROLE_ARNS).length
      ? { permissions: { roles: config().FUNCTION_ROLE_ARNS, simulator: new IamPolicySimulator() } }
      : {}),
    metrics: new EmfMetrics(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  return { ...adapters, plans: plans() };
};

/** Scheduled readiness of one plan (`{ "plan": "<app>" }`): checked, kept in the ledger, metrics, a change event. */
export const handler = lambdaHandler(async (event: unknown) => {
  const parsed = readinessEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('readiness schedule input', toFieldIssues(parsed.error, event));
  logger.appendKeys({ plan: parsed.data.plan });
  const deps = defaultDeps();
  const { readiness, change } = await recordReadiness(deps.plans.get(parsed.data.plan), deps);
  return {
    plan: readiness.plan,
    at: readiness.at,
    ready: readiness.ready,
    findings: readiness.findings.length,
    changed: change !== undefined,
  };
});
