import type { FieldIssue } from './errors';
import type * as z from './zod';

// Zod issues as field issues, for every input a function or the CLI validates (events, step inputs, plans). Kept
// apart from the plan schema (shared/plan/validate.ts): a module that imports the schema carries all of it, with
// the zod it uses, into every bundle that imports anything of the module (its schemas are built at module scope).

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
