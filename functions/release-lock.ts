import { DynamoLedger } from '../shared/aws/ledger';
import type { RunContext } from '../shared/domain/run';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { onColdStart } from '../shared/runtime/warm';
import { type ReleaseLockDeps, releaseLock } from '../shared/usecases/release-lock';
import * as z from '../shared/zod';

const releaseLockEventSchema = z.object({
  run: z.looseObject({
    incidentId: z.string().check(z.minLength(1)),
    plan: z.string().check(z.minLength(1)),
    epoch: z.number(),
  }),
});

let deps: ReleaseLockDeps | undefined;
onColdStart(() => {
  deps = undefined;
});
const defaultDeps = (): ReleaseLockDeps => {
  deps ??= { ledger: new DynamoLedger(), log: logger };
  return deps;
};

/** "Release Lock": frees the plan for the next incident. Returns `{ released: true }`. */
export const handler = lambdaHandler(async (event: unknown): Promise<{ released: true }> => {
  const parsed = releaseLockEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('Release Lock task payload', toFieldIssues(parsed.error, event));
  const run = parsed.data.run as unknown as RunContext;
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return releaseLock({ run }, defaultDeps());
});
