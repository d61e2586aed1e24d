import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { PlanValidationError, SwitchbackError } from '../errors';
import { PlanRegistry } from './registry';
import type { Plan } from './schema';
import { parsePlan } from './validate';

export { formatPath, toFieldIssues } from '../field-issues';
// Plans as their authors write them (YAML), for the CLI, the drill and the package step. The functions never load
// this module: they read the compiled plans through ./registry.
export { PlanRegistry } from './registry';
export { parsePlan } from './validate';

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

/** Parses plan YAML text to plain data, without validating it; YAML syntax errors carry their line and column. */
export const readPlanYaml = (text: string, source: string): unknown => {
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
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
};

/** Parses plan YAML text; YAML syntax errors are reported with their line and column. */
export const parsePlanYaml = (text: string, source: string): Plan => parsePlan(readPlanYaml(text, source), source);

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

/** The plan files (`*.yml`, `*.yaml`) of a folder, sorted. */
export const planFilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((file) => ['.yml', '.yaml'].includes(extname(file)))
    .sort()
    .map((file) => join(dir, file));

/** Loads every `*.yml`/`*.yaml` file of a folder; any invalid plan fails the whole load. */
export const loadPlanDirectory = (dir: string): PlanRegistry => new PlanRegistry(planFilesIn(dir).map(loadPlanFile));
