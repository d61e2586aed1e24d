import { type FieldIssue, PlanValidationError } from '../errors';
import type * as z from '../zod';
import { type Plan, planSchema } from './schema';

// Plan validation without the YAML parser: the functions load plans compiled to JSON at package time
// (shared/plan/compile.ts) and must not carry a YAML parser in their cold start.

/** `['databases', 1, 'replica', 'region']` -> `databases[1].replica.region` */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');

const isRecord = (value: unknown): value is Record<PropertyKey, unknown> => typeof value === 'object' && value !== null;

/** Whether `path` names a field that is absent from `value` (as opposed to present with the wrong type). */
const isMissing = (value: unknown, path: readonly PropertyKey[]): boolean => {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return true;
    current = current[key];
  }
  return current === undefined;
};

// zod's own wording ("Invalid input: expected object, received undefined") says nothing a plan author can act on.
const isZodDefaultMessage = (message: string): boolean => message.startsWith('Invalid input');

/**
 * Turns zod issues into field issues with readable paths. A missing field says "is required"; an unknown field is
 * reported at its own path (`trigger.alarm`), so that the path alone points at the line to fix.
 * `value` is what was validated: it tells a missing field from one of the wrong type.
 */
export const toFieldIssues = (error: z.ZodError, value?: unknown): FieldIssue[] =>
  error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown field: check its spelling against the format in the README, or remove it',
      }));
    }
    const path = formatPath(issue.path);
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && isMissing(value, issue.path)) {
      return [{ path, message: isZodDefaultMessage(issue.message) ? 'is required' : `is required: ${issue.message}` }];
    }
    return [{ path, message: issue.message }];
  });

/** Validates an already-parsed plan object. `source` names it in errors (a file name). */
export const parsePlan = (value: unknown, source: string): Plan => {
  if (!isRecord(value) || Array.isArray(value)) {
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
