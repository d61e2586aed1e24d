import { createHash } from 'node:crypto';
import { type FieldIssue, PlanValidationError } from '../errors';
import { formatPath } from '../field-issues';
import type { Plan } from './schema';

/**
 * A compiled plan: what `npm run package` writes for each `plans/*.yml` (shared/plan/compile.ts) and the functions
 * load. The package step validates the plan with the full schema (the errors of `switchback plan validate`) and writes
 * the validated plan, defaults applied, with a digest of each of its fields. Loading it checks those digests instead
 * of running the schema again: the schema and the zod only it uses stay out of every function's bundle and cold start
 * (about 20 KiB each), and a file edited after the package step (by hand, or by a stale build) still fails with its
 * file and the fields that changed, and says to validate and package again.
 */
export type CompiledPlan = {
  /** What the file is, and the version of its format: a file of another format is refused, not guessed at. */
  compiledPlan: typeof COMPILED_PLAN_FORMAT;
  /** The validated plan (defaults applied), as the functions use it. */
  plan: Plan;
  /** Digest of every leaf of `plan`, by its path (`databases[0].replica.region`): what was validated. */
  fields: Record<string, string>;
};

export const COMPILED_PLAN_FORMAT = 'switchback/1';

/** The extension of a compiled plan, one file per plan. */
export const COMPILED_PLAN_EXTENSION = '.json';

const REPACKAGE = 'validate the plan (npx switchback plan validate plans/*.yml) and package again (npm run package)';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each leaf of a JSON value by its path; an empty list or object is a leaf of its own, so that emptying one shows. */
const leaves = (value: unknown, path: PropertyKey[] = [], out = new Map<string, string>()): Map<string, string> => {
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isRecord(value)
      ? Object.entries(value)
      : [];
  if (entries.length === 0) out.set(formatPath(path), JSON.stringify(value) ?? 'undefined');
  for (const [key, item] of entries) leaves(item, [...path, key], out);
  return out;
};

const digest = (path: string, json: string): string =>
  createHash('sha256').update(`${path}\n${json}`).digest('base64url').slice(0, 22);

const fieldDigests = (plan: unknown): Record<string, string> =>
  Object.fromEntries([...leaves(plan)].map(([path, json]) => [path, digest(path, json)]));

/** The text of a compiled plan, for a plan that `parsePlan` validated. */
export const compiledPlanText = (plan: Plan): string => {
  const compiled: CompiledPlan = { compiledPlan: COMPILED_PLAN_FORMAT, plan, fields: fieldDigests(plan) };
  return `${JSON.stringify(compiled, null, 2)}\n`;
};

/** The fields of `plan` that differ from what the package step validated, each named by its path. */
const changedFields = (plan: unknown, fields: Record<string, string>): FieldIssue[] => {
  const now = fieldDigests(plan);
  const issues: FieldIssue[] = [];
  for (const [path, value] of Object.entries(now)) {
    if (fields[path] === undefined) {
      issues.push({ path, message: `is not in the plan as validated at package time: ${REPACKAGE}` });
    } else if (fields[path] !== value) {
      issues.push({ path, message: `was changed after the package step validated the plan: ${REPACKAGE}` });
    }
  }
  for (const path of Object.keys(fields)) {
    if (now[path] === undefined) {
      issues.push({ path, message: `was removed after the package step validated the plan: ${REPACKAGE}` });
    }
  }
  return issues;
};

/**
 * Reads one compiled plan's text; `source` is its file name. Throws PlanValidationError naming the file and, for a
 * plan changed since it was validated, each changed field.
 */
export const parseCompiledPlan = (text: string, source: string): Plan => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanValidationError(source, [
      {
        path: '(json)',
        message: `compiled plan does not parse (${error instanceof Error ? error.message : String(error)}): package again with npm run package`,
      },
    ]);
  }
  if (!isRecord(value) || value.compiledPlan !== COMPILED_PLAN_FORMAT || !isRecord(value.plan)) {
    throw new PlanValidationError(source, [
      {
        path: '(root)',
        message: `not a compiled plan of this Switchback (expected "compiledPlan": "${COMPILED_PLAN_FORMAT}" with the plan): package again with npm run package`,
      },
    ]);
  }
  if (!isRecord(value.fields)) {
    throw new PlanValidationError(source, [
      { path: '(fields)', message: `the digests of the validated fields are missing: ${REPACKAGE}` },
    ]);
  }
  const issues = changedFields(value.plan, value.fields as Record<string, string>);
  if (issues.length > 0) throw new PlanValidationError(source, issues);
  return value.plan as Plan;
};
