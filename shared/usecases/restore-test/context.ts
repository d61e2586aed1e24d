import * as z from '../../zod';

/**
 * What every restore-test step receives about the test (built by plan-restore-test, carried by the state machine),
 * and the per-database restore state the steps pass along. Loose objects: a field a newer step adds passes through.
 */

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' });

export const restoreTestRunSchema = z.looseObject({
  plan: z.string().check(z.minLength(1)),
  testId: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  startedAt: isoTime,
  /** After this, the test stops waiting and the sweeper may delete its throwaways. */
  deadline: isoTime,
  requestedBy: z.string().check(z.minLength(1)),
});
export type RestoreTestRun = z.output<typeof restoreTestRunSchema>;

export const restoreTestDatabaseSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
});

export const restoreStateSchema = z.looseObject({
  /** The throwaway instance (for Aurora, the instance in the restored cluster). */
  instance: z.string().check(z.minLength(1)),
  /** The restored Aurora cluster. */
  cluster: z.optional(z.string().check(z.minLength(1))),
  restorePointTime: isoTime,
  requestedAt: isoTime,
  status: z.string(),
  pollSeconds: z.number().check(z.int(), z.positive()),
  availableAt: z.optional(isoTime),
  endpoint: z.optional(z.looseObject({ address: z.string(), port: z.number() })),
});
export type RestoreState = z.output<typeof restoreStateSchema>;

export const validationResultSchema = z.looseObject({
  hook: z.optional(z.string()),
  passed: z.nullable(z.boolean()),
  detail: z.optional(z.string()),
});

export const cleanupResultSchema = z.looseObject({ cleanedUpAt: isoTime, deleted: z.array(z.string()) });

/** An error caught by the state machine (ResultPath $.error): Error and Cause. */
export const caughtErrorSchema = z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) });
