import * as z from 'zod';

/**
 * What every restore-test step receives about the test (built by plan-restore-test, carried by the state machine),
 * and the per-database restore state the steps pass along. Loose objects: a field a newer step adds passes through.
 */

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' });

export const restoreTestRunSchema = z.looseObject({
  plan: z.string().min(1),
  testId: z.string().min(1),
  region: z.string().min(1),
  startedAt: isoTime,
  /** After this, the test stops waiting and the sweeper may delete its throwaways. */
  deadline: isoTime,
  requestedBy: z.string().min(1),
});
export type RestoreTestRun = z.output<typeof restoreTestRunSchema>;

export const restoreTestDatabaseSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
});

export const restoreStateSchema = z.looseObject({
  /** The throwaway instance (for Aurora, the instance in the restored cluster). */
  instance: z.string().min(1),
  /** The restored Aurora cluster. */
  cluster: z.string().min(1).optional(),
  restorePointTime: isoTime,
  requestedAt: isoTime,
  status: z.string(),
  pollSeconds: z.number().int().positive(),
  availableAt: isoTime.optional(),
  endpoint: z.looseObject({ address: z.string(), port: z.number() }).optional(),
});
export type RestoreState = z.output<typeof restoreStateSchema>;

export const validationResultSchema = z.looseObject({
  hook: z.string().optional(),
  passed: z.boolean().nullable(),
  detail: z.string().optional(),
});

export const cleanupResultSchema = z.looseObject({ cleanedUpAt: isoTime, deleted: z.array(z.string()) });

/** An error caught by the state machine (ResultPath $.error): Error and Cause. */
export const caughtErrorSchema = z.looseObject({ Error: z.string(), Cause: z.string().optional() });
