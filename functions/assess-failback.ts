import { EventBridgeEvents } from '../shared/aws/events';
import { DynamoLedger } from '../shared/aws/ledger';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import {
  type AssessFailbackDeps,
  type AssessFailbackResult,
  assessFailback,
} from '../shared/usecases/failback/assess-failback';
import * as z from '../shared/zod';

/** The task's envelope, set by the ASL; the runbook input inside it is validated by the use case. */
const eventSchema = z.object({
  input: z.unknown(),
  execution: z.object({
    arn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    startTime: z.optional(z.string()),
  }),
});

let adapters: Omit<AssessFailbackDeps, 'plans'> | undefined;
const defaultDeps = (): AssessFailbackDeps => {
  adapters ??= { ledger: new DynamoLedger(), events: new EventBridgeEvents(), clock: systemClock, log: logger };
  return { ...adapters, plans: plans() };
};

/** "Assess Failback": validate the input, take the lock, read the topology, list the databases to move back. */
export const handler = lambdaHandler(async (event: unknown): Promise<AssessFailbackResult> => {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success)
    throw new MalformedEventError('Assess Failback task payload', toFieldIssues(parsed.error, event));
  const { input, execution } = parsed.data;
  const named = (input ?? {}) as { plan?: unknown };
  logger.appendKeys({
    plan: typeof named.plan === 'string' ? named.plan : undefined,
    incidentId: execution.name,
    executionArn: execution.arn,
  });
  return assessFailback({ input, execution }, defaultDeps());
});
