import { EmfMetrics } from '../aws/metrics';
import { StepFunctionsExecutions } from '../aws/workflow';
import { MalformedEventError } from '../errors';
import { toFieldIssues } from '../field-issues';
import type { PlanRegistry } from '../plan/registry';
import type { AssessEvent } from '../usecases/assess-failover';
import type { TakeLockDeps } from '../usecases/orphaned-lock';
import * as z from '../zod';
import { lambdaHandler } from './handler';
import { logger } from './logger';
import { plans } from './plans';
import { type RunbookAdapters, runbookAdapters } from './step-adapters';
import { onColdStart } from './warm';

/** The task's envelope, set by the ASL; the runbook input inside it is validated by the use case. */
const assessTaskSchema = z.object({
  input: z.unknown(),
  execution: z.object({
    arn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    startTime: z.optional(z.string()),
  }),
});

/**
 * What every runbook's "Assess" use case receives: the plans, the ledger, the bus, the clock and the log; and what
 * settles a lock whose execution ended without releasing it (shared/usecases/orphaned-lock.ts).
 */
export interface AssessTaskDeps extends RunbookAdapters {
  plans: PlanRegistry;
  orphans: TakeLockDeps;
}

let orphanAdapters: Pick<TakeLockDeps, 'metrics' | 'executions'> | undefined;
onColdStart(() => {
  orphanAdapters = undefined;
});
/** The lock holder's execution (any runbook's: DescribeExecution takes the ARN; starts nothing), and the metrics. */
const orphanReaders = (): Pick<TakeLockDeps, 'metrics' | 'executions'> => {
  orphanAdapters ??= { metrics: new EmfMetrics(), executions: new StepFunctionsExecutions() };
  return orphanAdapters;
};

/**
 * The Lambda of a runbook's "Assess" task (fence, reprotect, failback, game day): the middy stack, the task's
 * envelope parsed (a malformed one is a `MalformedEventError` naming `task` and each bad field), the plan, incident
 * and execution appended to the logs, and the use case called with the deployment's adapters. The adapters, and
 * `extraAdapters` (what one runbook alone touches), are built once per process on first use; the plans are looked
 * up on every call, so that a drill or a test that brings its own (setPlans) is heard.
 *
 * @param task - the state's name, as in the ASL ("Assess Fence").
 */
export const assessTaskHandler = <TResult, TExtra extends object = Record<never, never>>(
  task: string,
  assess: (event: AssessEvent, deps: AssessTaskDeps & TExtra) => Promise<TResult>,
  extraAdapters: () => TExtra = () => ({}) as TExtra,
) => {
  const adapters = runbookAdapters(extraAdapters);
  return lambdaHandler(async (event: unknown): Promise<TResult> => {
    const parsed = assessTaskSchema.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`${task} task payload`, toFieldIssues(parsed.error, event));
    const { input, execution } = parsed.data;
    const named = (input ?? {}) as { plan?: unknown };
    logger.appendKeys({
      plan: typeof named.plan === 'string' ? named.plan : undefined,
      incidentId: execution.name,
      executionArn: execution.arn,
    });
    const deps = { ...adapters(), plans: plans() };
    // An orphan that failed in verify is recorded in the topology as on-run-failed records it (recordMoveThatHappened).
    const orphans = { ...deps, ...orphanReaders(), topology: deps.ledger };
    return assess({ input, execution }, { ...deps, orphans });
  });
};
