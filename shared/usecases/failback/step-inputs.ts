import type { FailbackResult, FailbackTarget } from '../../domain/failback';
import * as z from '../../zod';
import { promotionResultSchema } from '../step-inputs';

/** What the failback state machine hands its steps, checked at the edge (loose: newer fields pass through). */

const copySchema = z.looseObject({
  region: z.string().check(z.minLength(1)),
  identifier: z.string().check(z.minLength(1)),
});

export const failbackTargetSchema: z.ZodType<FailbackTarget> = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
  from: copySchema,
  to: copySchema,
  globalCluster: z.optional(z.string()),
});

export const failbackResultSchema: z.ZodType<FailbackResult> = z.intersection(
  promotionResultSchema,
  z.looseObject({
    writer: copySchema,
    globalCluster: z.optional(z.string()),
    done: z.boolean(),
    checks: z.number().check(z.int(), z.nonnegative()),
    detail: z.string(),
  }),
);
