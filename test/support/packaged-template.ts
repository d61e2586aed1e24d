import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

/**
 * The template `npm run package` wrote (`npm test` packages before jest). Throws, with the command to run, when it
 * is missing or older than a file it is built from: a test must never pass on a stale template.
 */
export const readPackagedTemplate = <T>(): T => {
  if (!existsSync(TEMPLATE)) {
    throw new Error('the packaged template is missing: run `npm run package` first (npm test does)');
  }
  const built = statSync(TEMPLATE).mtimeMs;
  const sources = [
    'serverless.yml',
    'scripts/plan-resources.js',
    'statemachines/failover.asl.json',
    ...readdirSync(join(ROOT, 'plans')).map((file) => `plans/${file}`),
  ];
  const newer = sources.filter((source) => statSync(join(ROOT, source)).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(`the packaged template is older than ${newer.join(', ')}: run \`npm run package\` again`);
  }
  return JSON.parse(readFileSync(TEMPLATE, 'utf8')) as T;
};
