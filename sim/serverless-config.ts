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

/** serverless.yml parsed, its CloudFormation tags in their long forms and its variables left as written. */
export const readServerlessConfig = (): { [key: string]: Loose } =>
  parse(readFileSync(SERVERLESS_YML, 'utf8'), { customTags }) as { [key: string]: Loose };

/** The Serverless Framework's own default when neither the function nor the provider sets a timeout. */
const FRAMEWORK_DEFAULT_TIMEOUT_SECONDS = 6;

let timeouts: { provider: number; functions: Map<string, number> } | undefined;

const seconds = (value: Loose | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * The timeout Lambda gives a function (`functions.<name>.timeout`, else `provider.timeout`), in seconds. A name that
 * serverless.yml does not define (a test's own handler) gets the provider's.
 */
export const functionTimeoutSeconds = (name: string): number => {
  if (!timeouts) {
    const config = readServerlessConfig();
    const provider = config.provider as { [key: string]: Loose } | undefined;
    const functions = config.functions as { [key: string]: { [key: string]: Loose } } | undefined;
    timeouts = {
      provider: seconds(provider?.timeout) ?? FRAMEWORK_DEFAULT_TIMEOUT_SECONDS,
      functions: new Map(
        Object.entries(functions ?? {}).flatMap(([fn, spec]) => {
          const own = seconds(spec?.timeout);
          return own === undefined ? [] : [[fn, own] as const];
        }),
      ),
    };
  }
  return timeouts.functions.get(name) ?? timeouts.provider;
};
