import { EventBridgeEvents } from '../shared/aws/events';
import { RdsReader } from '../shared/aws/rds';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import type { LagDecision } from '../shared/domain/failback';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type CheckFailbackLagDeps, checkFailbackLag } from '../shared/usecases/failback/check-failback-lag';
import { failbackTargetSchema } from '../shared/usecases/failback/step-inputs';
import { parseStepInput, runContextSchema } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/**
 * The "Check Failback Lag" payload: the run, the targets, what Pause Writes did and, after a Wait, the previous
 * check's bound.
 */
const eventSchema = z.object({
  run: runContextSchema,
  targets: z.array(failbackTargetSchema),
  pause: z.optional(z.looseObject({ at: z.iso.datetime(), parameter: z.nullable(z.looseObject({})) })),
  previous: z.nullish(z.looseObject({ waitUntil: z.string(), checks: z.number().check(z.int(), z.nonnegative()) })),
});

let adapters: Omit<CheckFailbackLagDeps, 'plans' | 'rds'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
const defaultDeps = (): CheckFailbackLagDeps => {
  adapters ??= {
    replicaLag: new CloudWatchReplicaLag(),
    events: new EventBridgeEvents(),
    clock: systemClock,
    log: logger,
  };
  // The RDS reads of one invocation go out together, in an adapter of its own (RdsReader, `batch`).
  return { ...adapters, rds: new RdsReader({ batch: true }), plans: plans() };
};

/** "Check Failback Lag": read each standby's lag; proceed, wait or block. Returns a LagDecision. */
export const handler = lambdaHandler(async (event: unknown): Promise<LagDecision> => {
  const { run, targets, previous, pause } = parseStepInput('Check Failback Lag task payload', eventSchema, event);
  logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
  return checkFailbackLag(
    { run, targets, ...(pause ? { pause } : {}), ...(previous ? { previous } : {}) },
    defaultDeps(),
  );
});
