import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';
import { LAMBDA_BUILD } from '../../bench/weight';
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

  it("carries zod's English messages in every function that validates, and none of its other locales", () => {
    const locales = [...inputsByBundle].flatMap(([output, inputs]) =>
      inputs
        .filter((input) => /node_modules\/zod\/.*\/locales\/(?!en\.)/.test(input))
        .map((input) => `${output}: ${input}`),
    );
    expect(locales).toEqual([]);
    // shared/zod.ts sets the English error map as it loads: a bundle with zod and no English would answer a plan
    // author's type mismatch with "Invalid input" alone.
    const withZod = [...packagesByBundle].filter(([, packages]) => packages.has('zod')).map(([output]) => output);
    const withoutEnglish = withZod.filter(
      (output) =>
        !(inputsByBundle.get(output) ?? []).some((input) => input.endsWith('node_modules/zod/v4/locales/en.js')),
    );
    expect(withZod.length).toBeGreaterThan(0);
    expect(withoutEnglish).toEqual([]);
  });

  it('carries no plan schema: functions load plans validated at package time, checked by field digests', () => {
    const withSchema = [...inputsByBundle]
      .filter(([, inputs]) => inputs.some((input) => /shared\/plan\/(schema|validate)\.ts$/.test(input)))
      .map(([output]) => output);
    const withPlans = [...inputsByBundle].filter(([, inputs]) => inputs.includes('shared/runtime/plans.ts'));
    expect(withSchema).toEqual([]);
    // Guards the filter above: it would pass on paths that never match.
    expect(withPlans.length).toBeGreaterThan(0);
    expect(withPlans.every(([, inputs]) => inputs.includes('shared/plan/compiled.ts'))).toBe(true);
  });

  it("carries none of zod's ISO formats and coercions that no schema uses (shared/zod.ts keeps z.iso and z.coerce narrow)", async () => {
    // zod's formats share one module, so the metafile cannot tell them apart: build two functions that validate
    // timestamps (readiness, assess) with the same options and read their text.
    const picked = ['readiness.ts', 'assess.ts'].map((file) => join(dir, file));
    const result = buildSync({ ...LAMBDA_BUILD, entryPoints: picked, outdir: 'out', write: false });
    expect(result.outputFiles).toHaveLength(picked.length);
    // zod names each class in its bundle as a quoted string ("ZodMiniISODate" does not match "ZodMiniISODateTime").
    const unused = ['ZodMiniISODuration', 'ZodMiniISODate', 'ZodMiniISOTime', 'ZodMiniBigInt', 'ZodMiniDate'];
    const found = result.outputFiles.flatMap((file) =>
      unused.filter((name) => file.text.includes(`"${name}"`)).map((name) => `${basename(file.path)}: ${name}`),
    );
    expect(found).toEqual([]);
    // The one format the schemas use is there, under the name zod gives it.
    expect(result.outputFiles.every((file) => file.text.includes('"ZodMiniISODateTime"'))).toBe(true);
  }, 120_000);
});
