import { readFileSync } from 'node:fs';
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

let parsed: { [key: string]: Loose } | undefined;

/**
 * serverless.yml parsed, its CloudFormation tags in their long forms and its variables left as written: read once per
 * process and shared, so callers only read it.
 */
export const readServerlessConfig = (): { [key: string]: Loose } => {
  parsed ??= parse(readFileSync(SERVERLESS_YML, 'utf8'), { customTags }) as { [key: string]: Loose };
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
