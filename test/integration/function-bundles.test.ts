import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packagedBundles } from '../support/packaged-template';

/**
 * What each Lambda bundle carries on its cold start: the bundles `npm run package` built with serverless.yml's
 * options (scripts/bundle-once.js writes their metafile; `npm test` packages beside jest), not a second build of
 * every function here.
 */
describe('function bundles', () => {
  const dir = join(__dirname, '..', '..', 'functions');
  const entries = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
  let packagesByBundle: Map<string, Set<string>>;
  let inputsByBundle: Map<string, string[]>;

  beforeAll(async () => {
    const metafile = await packagedBundles();
    inputsByBundle = new Map(
      Object.entries(metafile.outputs).map(([output, { inputs }]) => [
        output,
        Object.entries(inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input.replaceAll('\\', '/')),
      ]),
    );
    packagesByBundle = new Map(
      Object.entries(metafile.outputs).map(([output, { inputs }]) => [
        output,
        new Set(
          Object.entries(inputs)
            .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
            .map(([input]) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
            .filter((name): name is string => name !== undefined),
        ),
      ]),
    );
    // Waits for `npm test`'s packaging: minutes on a loaded machine. The timeout only catches a hang.
  }, 960_000);

  it('builds one bundle per function', () => {
    expect(packagesByBundle.size).toBe(entries.length);
    expect([...packagesByBundle.keys()].map((output) => basename(output)).sort()).toEqual(
      entries.map((entry) => basename(entry).replace(/\.ts$/, '.js')).sort(),
    );
  });

  it('carries no YAML parser in any function: plans are compiled to JSON at package time', () => {
    const withYaml = [...packagesByBundle].filter(([, packages]) => packages.has('yaml')).map(([output]) => output);
    expect(withYaml).toEqual([]);
  });

  it("carries only zod's English messages, not its other locales (a namespace import lets esbuild drop them)", () => {
    const locales = [...inputsByBundle].flatMap(([output, inputs]) =>
      inputs
        .filter((input) => /node_modules\/zod\/.*\/locales\/(?!en\.)/.test(input))
        .map((input) => `${output}: ${input}`),
    );
    expect(locales).toEqual([]);
  });
});
