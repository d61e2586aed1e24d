import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type FieldIssue, PlanNotFoundError, PlanValidationError, SwitchbackError } from '../errors';
import { type Plan, planSchema } from './schema';

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

/** A plan file that cannot be read: names the file, what is wrong with the path, and what to give instead. */
export class PlanFileError extends SwitchbackError {
  readonly file: string;

  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`plan file ${file} ${problem}`, options);
    this.name = 'PlanFileError';
    this.file = file;
  }
}

/** What a plan path's file-system error means for a person, and the fix. */
const fileProblem = (file: string, error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist: give the path of a plan file, e.g. plans/example.yml';
    case 'EISDIR':
      return `is a folder, not a plan file: give one file in it, e.g. ${join(file, 'example.yml')}`;
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied): check its permissions';
    case 'ENOTDIR':
      return 'has a file where its path needs a folder: check the path';
    case 'ENAMETOOLONG':
      return 'has a name too long for the file system: check the path';
    default:
      return `cannot be read (${typeof code === 'string' ? code : 'unknown error'}): check the path`;
  }
};

/**
 * YAML aliases (`*name`) repeat whole subtrees: a few lines can expand into billions of nodes (an "alias bomb").
 * The yaml library stops such a document with a ReferenceError; a plan never needs that many.
 */
const MAX_ALIAS_COUNT = 100;

/** Parses plan YAML text; YAML syntax errors are reported with their line and column. */
export const parsePlanYaml = (text: string, source: string): Plan => {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanValidationError(
      source,
      doc.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '(yaml)',
        // The yaml library repeats the position at the end of its first line; the path already carries it.
        message: `YAML does not parse: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const aliases = error instanceof ReferenceError && /alias/i.test(error.message);
    throw new PlanValidationError(source, [
      {
        path: '(yaml)',
        message: aliases
          ? `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias nodes): write the values out instead of repeating anchors`
          : `YAML cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      },
    ]);
  }
  return parsePlan(value, source);
};

/**
 * Reads and validates one plan file.
 *
 * @throws PlanFileError when the path cannot be read as a file; PlanValidationError when the plan is not valid
 */
export const loadPlanFile = (file: string): Plan => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PlanFileError(file, fileProblem(file, error), { cause: error });
  }
  return parsePlanYaml(text, basename(file));
};

/** The plans of one deployment, found by name or by alarm name. */
export class PlanRegistry {
  private readonly byApp = new Map<string, Plan>();
  private readonly byAlarm = new Map<string, Plan>();

  constructor(plans: readonly Plan[]) {
    for (const plan of plans) {
      if (this.byApp.has(plan.app)) {
        throw new PlanValidationError(plan.app, [{ path: 'app', message: `two plans are named "${plan.app}"` }]);
      }
      this.byApp.set(plan.app, plan);
      plan.trigger.alarms.forEach((alarm, index) => {
        const other = this.byAlarm.get(alarm);
        if (other) {
          throw new PlanValidationError(plan.app, [
            {
              path: `trigger.alarms[${index}]`,
              message: `alarm "${alarm}" is already named by plan "${other.app}": one alarm can start only one plan`,
            },
          ]);
        }
        this.byAlarm.set(alarm, plan);
      });
    }
  }

  /** Loads every `*.yml`/`*.yaml` file of a folder; any invalid plan fails the whole load. */
  static fromDirectory(dir: string): PlanRegistry {
    const files = readdirSync(dir)
      .filter((file) => ['.yml', '.yaml'].includes(extname(file)))
      .sort();
    return new PlanRegistry(files.map((file) => loadPlanFile(join(dir, file))));
  }

  get names(): string[] {
    return [...this.byApp.keys()];
  }

  /** The plan named `app`; throws PlanNotFoundError naming the known plans. */
  get(app: string): Plan {
    const plan = this.byApp.get(app);
    if (!plan) throw new PlanNotFoundError(app, this.names);
    return plan;
  }

  /** The plan whose trigger names this alarm, if any. */
  findByAlarm(alarmName: string): Plan | undefined {
    return this.byAlarm.get(alarmName);
  }
}
