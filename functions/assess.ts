import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { EmfMetrics } from '../shared/aws/metrics';
import { RdsReader } from '../shared/aws/rds';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import { Route53Reader } from '../shared/aws/route53';
import { StepFunctionsExecutions } from '../shared/aws/workflow';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type AssessFailoverDeps, type AssessResult, assessFailover } from '../shared/usecases/assess-failover';
import * as z from '../shared/zod';

/**
 * The task's envelope, set by the ASL: "Assess Failover" passes the execution input, "Reassess Failover" the run
 * and the preflight's wait bound; the runbook input and the run are validated by the use case.
 */
const assessEventSchema = z.object({
  input: z.optional(z.unknown()),
  execution: z.object({
    arn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    startTime: z.optional(z.string()),
  }),
  resume: z.optional(z.object({ run: z.unknown(), waitUntil: z.optional(z.iso.datetime()) })),
});

let adapters: Omit<AssessFailoverDeps, 'plans' | 'rds'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
// Adapters are built on first use, once per process. The plans are looked up on every call, so that a drill or a
// test that brings its own (setPlans) is heard.
const defaultDeps = (): AssessFailoverDeps => {
  if (!adapters) {
    const ledger = new DynamoLedger();
    adapters = {
      ledger,
      // An orphan that failed in verify is recorded in the topology as on-run-failed records it
      // (recordMoveThatHappened).
      topology: ledger,
      route53: new Route53Reader(),
      replicaLag: new CloudWatchReplicaLag(),
      // Reads a lock holder's execution (any runbook's: DescribeExecution takes the ARN); starts nothing.
      executions: new StepFunctionsExecutions(),
      metrics: new EmfMetrics(),
      events: new EventBridgeEvents(),
      clock: systemClock,
      log: logger,
    };
  }
  // The RDS reads of one invocation go out together, in an adapter of its own (RdsReader, `batch`).
  return { ...adapters, rds: new RdsReader({ batch: true }), plans: plans() };
};

/** "Assess Failover": validate the input, take the lock, measure, decide. Returns `{ run, assessment }`. */
export const handler = lambdaHandler(async (event: unknown): Promise<AssessResult> => {
  const parsed = assessEventSchema.safeParse(event);
  if (!parsed.success)
    throw new MalformedEventError('Assess Failover task payload', toFieldIssues(parsed.error, event));
  const { input, execution, resume } = parsed.data;
  const named = (resume?.run ?? input ?? {}) as { plan?: unknown; incidentId?: unknown };
  logger.appendKeys({
    plan: typeof named.plan === 'string' ? named.plan : undefined,
    incidentId: typeof named.incidentId === 'string' ? named.incidentId : execution.name,
    executionArn: execution.arn,
  });
  return assessFailover({ input, execution, ...(resume ? { resume } : {}) }, defaultDeps());
});
