import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type FieldIssue, PlanNotFoundError, PlanValidationError } from '../errors';
import { type Plan, planSchema } from './schema';

/** `['databases', 1, 'replica', 'region']` -> `databases[1].replica.region` */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');

/** Turns zod issues into field issues with readable paths; a missing field says so. */
export const toFieldIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message:
      issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined
        ? `is required: ${issue.message}`
        : issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against the plan format in the README)`
          : issue.message,
  }));

/** Validates an already-parsed plan object. `source` names it in errors (a file name). */
export const parsePlan = (value: unknown, source: string): Plan => {
  const result = planSchema.safeParse(value);
  if (!result.success) throw new PlanValidationError(source, toFieldIssues(result.error));
  return result.data;
};

/** Parses plan YAML text; YAML syntax errors are reported with their line and column. */
export const parsePlanYaml = (text: string, source: string): Plan => {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanValidationError(
      source,
      doc.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '(yaml)',
        message: `YAML does not parse: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  return parsePlan(doc.toJS(), source);
};

/** Reads and validates one plan file. */
export const loadPlanFile = (file: string): Plan => parsePlanYaml(readFileSync(file, 'utf8'), basename(file));

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
      for (const alarm of plan.trigger.alarms) {
        const other = this.byAlarm.get(alarm);
        if (other) {
          throw new PlanValidationError(plan.app, [
            { path: 'trigger.alarms', message: `alarm "${alarm}" is already named by plan "${other.app}"` },
          ]);
        }
        this.byAlarm.set(alarm, plan);
      }
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
