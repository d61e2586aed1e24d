import * as z from 'zod';
import type { FailbackResult, FailbackTarget } from '../../domain/failback';
import { promotionResultSchema } from '../step-inputs';

/** What the failback state machine hands its steps, checked at the edge (loose: newer fields pass through). */

const copySchema = z.looseObject({ region: z.string().min(1), identifier: z.string().min(1) });

export const failbackTargetSchema: z.ZodType<FailbackTarget> = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['rds-read-replica', 'aurora-global']),
  from: copySchema,
  to: copySchema,
  globalCluster: z.string().optional(),
});

export const failbackResultSchema: z.ZodType<FailbackResult> = z.intersection(
  promotionResultSchema,
  z.looseObject({
    writer: copySchema,
    globalCluster: z.string().optional(),
    done: z.boolean(),
    checks: z.number().int().nonnegative(),
    detail: z.string(),
  }),
);
