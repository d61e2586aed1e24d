import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * serverless.yml as the simulator reads it: the deployment it models (each function's role for IAM's policy simulator,
 * sim/models/iam.ts; each function's timeout for the local Lambda, sim/local-runner.ts). Read from the file itself, so
 * that the drill cannot drift from what deploys.
 */

const SERVERLESS_YML = join(__dirname, '..', 'serverless.yml');

// CloudFormation's short tags, as their long forms (the form of the packaged template).
const CFN_TAGS = ['Sub', 'GetAtt', 'Join', 'If', 'Equals', 'Select', 'Split', 'Not', 'And', 'Or', 'Base64', 'Ref'];
const longForm = (name: string, value: unknown) =>
  name === 'Ref'
    ? { Ref: value }
    : { [`Fn::${name}`]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value };
const customTags: Tags = CFN_TAGS.flatMap(
  (name): Tags => [
    { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
    ...(['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => longForm(name, node.toJSON()),
    })),
  ],
);

export type Loose = null | boolean | number | string | Loose[] | { [key: string]: Loose };

/**
 * Where parsed serverless.yml files are kept between processes, beside the project's other caches: parsing the file
 * (about 90 KB) takes 40-130 ms of CPU, and every process that runs a drill, and every test file of a jest run (each
 * has its own modules), reads it; reading the parse back takes about a millisecond.
 */
export const PARSED_CACHE_DIR = join(__dirname, '..', 'node_modules', '.cache', 'switchback', 'serverless-yml');

/** What decides a parse besides the file's text: this module's source (its tags) and the parser's release. */
const parserIdentity = (() => {
  try {
    const source = readFileSync(__filename, 'utf8');
    const release = (JSON.parse(readFileSync(require.resolve('yaml/package.json'), 'utf8')) as { version: string })
      .version;
    return `${release}\n${source}`;
  } catch {
    return undefined;
  }
})();

/**
 * serverless.yml's text parsed, its CloudFormation tags in their long forms and its variables left as written. Given
 * a cache folder, the parse is kept there under the digest of the text, this module's source and the parser's
 * release, and read back while none of them changed. Best effort: a cache that cannot be read or written only means
 * parsing again.
 */
export const parseServerlessConfig = (text: string, cacheDir?: string): { [key: string]: Loose } => {
  const key =
    cacheDir && parserIdentity !== undefined
      ? createHash('sha256').update(parserIdentity).update('\n').update(text).digest('hex')
      : undefined;
  const file = key && cacheDir ? join(cacheDir, `${key}.json`) : undefined;
  if (file) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { [key: string]: Loose };
    } catch {
      // Not kept yet (or unreadable): parse it.
    }
  }
  const config = parse(text, { customTags }) as { [key: string]: Loose };
  if (file && cacheDir) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed into place: a process reading it meanwhile sees no file or the whole file.
      const next = `${file}.${process.pid}`;
      writeFileSync(next, JSON.stringify(config));
      renameSync(next, file);
    } catch {
      // Not kept: the next process parses it again.
    }
  }
  return config;
};

let parsed: { [key: string]: Loose } | undefined;

/** serverless.yml, parsed (parseServerlessConfig) once per process and shared, so callers only read it. */
export const readServerlessConfig = (): { [key: string]: Loose } => {
  parsed ??= parseServerlessConfig(readFileSync(SERVERLESS_YML, 'utf8'), PARSED_CACHE_DIR);
  return parsed;
};

/** The Serverless Framework's own default when neither the function nor the provider sets a timeout. */
const FRAMEWORK_DEFAULT_TIMEOUT_SECONDS = 6;

const seconds = (value: Loose | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

const objectOf = (value: Loose | undefined): { [key: string]: Loose } | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;

/**
 * The timeout Lambda gives a function (`functions.<name>.timeout`, else `provider.timeout`), in seconds. A name that
 * serverless.yml does not define (a test's own handler) gets the provider's.
 */
export const functionTimeoutSeconds = (name: string): number => {
  const config = readServerlessConfig();
  return (
    seconds(objectOf(objectOf(config.functions)?.[name])?.timeout) ??
    seconds(objectOf(config.provider)?.timeout) ??
    FRAMEWORK_DEFAULT_TIMEOUT_SECONDS
  );
};

const listOf = (value: Loose | undefined): Loose[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The detail-type Step Functions sends when an execution's status changes (EventBridge events reference). */
const STATUS_CHANGE = 'Step Functions Execution Status Change';

/**
 * Where serverless.yml routes the "Step Functions Execution Status Change" events of one state machine, named by its
 * definition file (`statemachines/<name>.asl.json`): the function whose eventBridge rule matches `aws.states` status
 * changes of that state machine (its `detail.stateMachineArn` lists `!Ref <id>` of the machine), with the statuses the
 * rule matches; undefined when no rule routes them (in AWS, nobody hears that machine's executions end).
 */
export const statusChangeRoute = (definition: string): { target: string; statuses: string[] } | undefined => {
  const config = readServerlessConfig();
  const machines = objectOf(objectOf(config.stepFunctions)?.stateMachines) ?? {};
  const id = Object.values(machines)
    .map(objectOf)
    .find((machine) => machine?.definition === `\${file(./statemachines/${definition}.asl.json)}`)?.id;
  if (typeof id !== 'string') return undefined;
  for (const [name, fn] of Object.entries(objectOf(config.functions) ?? {})) {
    for (const event of listOf(objectOf(fn)?.events)) {
      const pattern = objectOf(objectOf(objectOf(event)?.eventBridge)?.pattern);
      const detail = objectOf(pattern?.detail);
      if (
        listOf(pattern?.source).includes('aws.states') &&
        listOf(pattern?.['detail-type']).includes(STATUS_CHANGE) &&
        listOf(detail?.stateMachineArn).some((arn) => objectOf(arn)?.Ref === id)
      ) {
        return { target: name, statuses: listOf(detail?.status).filter((status) => typeof status === 'string') };
      }
    }
  }
  return undefined;
};
