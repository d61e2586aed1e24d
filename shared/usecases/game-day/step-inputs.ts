import * as z from '../../zod';

/** One leg as "Assess Game Day" planned it: the item of the "Run Legs" Map that Start Leg and Check Leg receive. */
export const legSchema = z.looseObject({
  index: z.int().check(z.gte(1)),
  action: z.enum(['failover', 'fence', 'reprotect', 'failback']),
  name: z.string().check(z.minLength(1)),
  mode: z.enum(['live', 'dry-run', 'game-day']),
  waitSeconds: z.number().check(z.gte(0)),
  input: z.looseObject({}),
});
