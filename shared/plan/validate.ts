import { PlanValidationError } from '../errors';
import { toFieldIssues } from '../field-issues';
import { type Plan, planSchema } from './schema';

// Plan validation without the YAML parser: the functions load plans compiled to JSON at package time
// (shared/plan/compile.ts) and must not carry a YAML parser in their cold start.

/** Validates an already-parsed plan object. `source` names it in errors (a file name). */
export const parsePlan = (value: unknown, source: string): Plan => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlanValidationError(source, [
      {
        path: '(root)',
        message: `expected a plan: a YAML mapping with app, regions, budgets, trigger, databases and dns; got ${
          value === null || value === undefined ? 'an empty document' : Array.isArray(value) ? 'a list' : typeof value
        }`,
      },
    ]);
  }
  const result = planSchema.safeParse(value);
  if (!result.success) throw new PlanValidationError(source, toFieldIssues(result.error, value));
  return result.data;
};
