import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { loadPlanFile, PlanFileError } from '../shared/plan/load';

/**
 * `--plan`, the same in every command: a plan file (a path that exists, or ends in .yml/.yaml, or has a folder in
 * it) or a plan's name (its `app`), looked up among the plan files of the plans folder.
 */

/** What `--plan` named: the plan's name, and its file when there is one here. */
export interface PlanArg {
  app: string;
  file?: string;
}

const PLAN_EXTENSIONS = ['.yml', '.yaml'];

const looksLikeFile = (value: string): boolean =>
  PLAN_EXTENSIONS.includes(extname(value)) || /[/\\]/.test(value) || existsSync(value);

/** The plan files of `dir` by their `app`; files that do not load are skipped (`plan validate` reports them). */
const plansIn = (dir: string): Map<string, string> => {
  const found = new Map<string, string>();
  if (!existsSync(dir)) return found;
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => PLAN_EXTENSIONS.includes(extname(file)));
  } catch {
    return found;
  }
  for (const file of files.sort()) {
    try {
      found.set(loadPlanFile(join(dir, file)).app, join(dir, file));
    } catch {
      // Not a valid plan: it cannot be the one asked for by name.
    }
  }
  return found;
};

/**
 * Resolves `--plan`. A file is loaded (and validated): its `app` is the name. A name is looked up in `plansDir`;
 * when no plan file there has it, only the name is known (a deployed plan, for the commands that call AWS).
 *
 * @throws PlanFileError for a file that cannot be read; PlanValidationError for a plan that is not valid
 */
export const resolvePlanArg = (value: string, plansDir = 'plans'): PlanArg => {
  if (looksLikeFile(value)) return { app: loadPlanFile(value).app, file: value };
  const file = plansIn(plansDir).get(value);
  return file ? { app: value, file } : { app: value };
};

/** Resolves `--plan` to a plan file, for the commands that need one here (the drill). */
export const resolvePlanFile = (value: string, plansDir = 'plans'): string => {
  const resolved = resolvePlanArg(value, plansDir);
  if (resolved.file) return resolved.file;
  const known = [...plansIn(plansDir).keys()];
  throw new PlanFileError(
    `"${value}"`,
    `does not exist, and no plan in ${plansDir}/ is named "${value}"` +
      `${known.length > 0 ? ` (plans there: ${known.join(', ')})` : ''}: give a plan file or a plan's name`,
  );
};
