import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

/**
 * Set by `npm test` (scripts/test.js), which starts jest while `npm run package` still runs: the path of a file that
 * says `pending` until packaging ends, then `passed` or `failed`. The suites that read the template wait for it.
 */
export const PACKAGE_STATUS_ENV = 'SWITCHBACK_PACKAGE_STATUS';

/** How long a suite waits for packaging: `npm run package` takes seconds idle, minutes on a loaded machine. */
const PACKAGE_WAIT_MS = 15 * 60_000;

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

/** Resolves once `npm test`'s packaging has ended (at once outside `npm test`); throws when it failed or timed out. */
const packagingEnded = async (waitMs: number): Promise<void> => {
  const statusFile = process.env[PACKAGE_STATUS_ENV];
  if (statusFile) {
    const deadline = Date.now() + waitMs;
    for (let status = readFileSync(statusFile, 'utf8').trim(); status !== 'passed'; ) {
      if (status === 'failed') {
        throw new Error('`npm run package` failed (see its stage in the npm test output): no template to check');
      }
      if (Date.now() > deadline) {
        throw new Error(`\`npm run package\` had not ended after ${waitMs / 1000} s (${statusFile}: ${status})`);
      }
      await sleep(200);
      status = readFileSync(statusFile, 'utf8').trim();
    }
  }
};

/**
 * The packaged template once `npm test`'s packaging has ended (at once outside `npm test`), checked as
 * `readPackagedTemplate` checks it. Throws when packaging failed or has not ended within `waitMs`.
 */
export const packagedTemplate = async <T>(waitMs = PACKAGE_WAIT_MS): Promise<T> => {
  await packagingEnded(waitMs);
  return readPackagedTemplate<T>();
};

/** The part of esbuild's metafile the bundle checks read. */
export interface BundleMetafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

/**
 * The metafile of the function bundles `npm run package` built (scripts/bundle-once.js writes it), once packaging has
 * ended. Throws, with the command to run, when it is missing or older than serverless.yml, a handler in functions/
 * or any file it bundled: a test must never pass on stale bundles.
 */
export const packagedBundles = async (waitMs = PACKAGE_WAIT_MS): Promise<BundleMetafile> => {
  await packagingEnded(waitMs);
  const file = join(ROOT, '.serverless', 'function-bundles.meta.json');
  if (!existsSync(file)) {
    throw new Error("the packaged bundles' metafile is missing: run `npm run package` first (npm test does)");
  }
  const metafile = JSON.parse(readFileSync(file, 'utf8')) as BundleMetafile;
  const built = statSync(file).mtimeMs;
  const sources = [
    'serverless.yml',
    ...readdirSync(join(ROOT, 'functions')).map((name) => `functions/${name}`),
    ...Object.keys(metafile.inputs),
  ];
  const newer = sources.filter(
    (source) => !existsSync(join(ROOT, source)) || statSync(join(ROOT, source)).mtimeMs > built,
  );
  if (newer.length > 0) {
    throw new Error(
      `the packaged bundles were built before a change to ${newer.slice(0, 5).join(', ')}${newer.length > 5 ? ` and ${newer.length - 5} more` : ''}: run \`npm run package\` again`,
    );
  }
  return metafile;
};
