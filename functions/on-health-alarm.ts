import { DynamoLedger } from '../shared/aws/ledger';
import { EmfMetrics } from '../shared/aws/metrics';
import { StepFunctionsWorkflow } from '../shared/aws/workflow';
import { SeenStateChanges } from '../shared/domain/seen-state-changes';
import { formatIssues } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import type { PlanRegistry } from '../shared/plan/registry';
import { systemClock } from '../shared/runtime/clock';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import {
  type AlarmIntakeResult,
  alarmStateChangeSchema,
  type HandleHealthAlarmDeps,
  handleHealthAlarm,
} from '../shared/usecases/handle-health-alarm';

let adapters: Omit<HandleHealthAlarmDeps, 'plans' | 'seen'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
// One memory of state changes taken in per set of plans: a container loads its plans once, and a drill or a test
// that brings its own (setPlans) starts with an empty memory, as a new deployment would.
const seenByPlans = new WeakMap<PlanRegistry, SeenStateChanges<AlarmIntakeResult>>();
const seenFor = (registry: PlanRegistry): SeenStateChanges<AlarmIntakeResult> => {
  let seen = seenByPlans.get(registry);
  if (!seen) {
    seen = new SeenStateChanges<AlarmIntakeResult>();
    seenByPlans.set(registry, seen);
  }
  return seen;
};
// Adapters are built on first use, once per process. The plans are looked up on every call, so that a drill or a
// test that brings its own (setPlans) is heard.
const defaultDeps = (): HandleHealthAlarmDeps => {
  adapters ??= {
    ledger: new DynamoLedger(),
    workflow: new StepFunctionsWorkflow(),
    metrics: new EmfMetrics(),
    clock: systemClock,
    log: logger,
    maxEventAgeSeconds: config().MAX_EVENT_AGE_SECONDS,
    maxClockSkewSeconds: config().MAX_CLOCK_SKEW_SECONDS,
  };
  const registry = plans();
  return { ...adapters, plans: registry, seen: seenFor(registry) };
};

/**
 * EventBridge "CloudWatch Alarm State Change" -> at most one failover execution per incident. Never throws for a
 * bad event (EventBridge would retry it for 24 h): a malformed one is dropped with a warning naming the field and
 * counted (AlarmEventsRejected, reason malformed). The adapters and the memo of state changes taken in live as
 * long as the container.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<AlarmIntakeResult> => {
  const parsed = alarmStateChangeSchema.safeParse(event);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error, event);
    logger.warn('malformed alarm event dropped', { issues });
    defaultDeps().metrics.countRejectedAlarmEvent('malformed');
    return { status: 'dropped', reason: `malformed alarm event:\n${formatIssues(issues)}` };
  }
  const deps = defaultDeps();
  const { alarmName } = parsed.data.detail;
  logger.appendKeys({ alarmName, plan: deps.plans.findByAlarm(alarmName)?.app });
  const result = await handleHealthAlarm(parsed.data, deps);
  if (result.status === 'started' || result.status === 'duplicate') {
    logger.appendKeys({ incidentId: result.incidentId, executionArn: result.executionArn });
  }
  return result;
});
