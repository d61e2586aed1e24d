import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUILD } from '../../bench/weight';

/** What each Lambda bundle carries on its cold start, built as serverless.yml builds it (npm run bench measures it). */
describe('function bundles', () => {
  const dir = join(__dirname, '..', '..', 'functions');
  const entries = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
  let packagesByBundle: Map<string, Set<string>>;
  let inputsByBundle: Map<string, string[]>;
  let textByBundle: Map<string, string>;

  beforeAll(async () => {
    const result = await build({ ...LAMBDA_BUILD, entryPoints: entries, outdir: 'out', write: false, metafile: true });
    textByBundle = new Map(
      result.outputFiles.map((file) => [relative(process.cwd(), file.path).replaceAll('\\', '/'), file.text]),
    );
    inputsByBundle = new Map(
      Object.entries(result.metafile.outputs).map(([output, { inputs }]) => [
        output,
        Object.entries(inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input.replaceAll('\\', '/')),
      ]),
    );
    packagesByBundle = new Map(
      Object.entries(result.metafile.outputs).map(([output, { inputs }]) => [
        output,
        new Set(
          Object.entries(inputs)
            .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
            .map(([input]) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
            .filter((name): name is string => name !== undefined),
        ),
      ]),
    );
    // esbuild bundles every handler in one pass: a few seconds idle; beside packaging at a load average of 30 it took
    // over 180 s. The timeout only catches a hang.
  }, 600_000);

  it('builds one bundle per function', () => {
    expect(packagesByBundle.size).toBe(entries.length);
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

  it('carries the plan schema only in functions that load plans (shared/runtime/plans.ts)', () => {
    const schemaWithoutPlans = [...inputsByBundle]
      .filter(([, inputs]) => inputs.includes('shared/plan/schema.ts') && !inputs.includes('shared/runtime/plans.ts'))
      .map(([output]) => output);
    const withPlans = [...inputsByBundle].filter(([, inputs]) => inputs.includes('shared/runtime/plans.ts'));
    expect(schemaWithoutPlans).toEqual([]);
    // Guards the filter above: it would pass on paths that never match.
    expect(withPlans.length).toBeGreaterThan(0);
    expect(withPlans.every(([, inputs]) => inputs.includes('shared/plan/schema.ts'))).toBe(true);
  });

  it("carries none of zod's ISO formats and coercions that no schema uses (shared/zod.ts keeps z.iso and z.coerce narrow)", () => {
    expect(textByBundle.size).toBe(entries.length);
    // zod names each class in its bundle as a quoted string ("ZodMiniISODate" does not match "ZodMiniISODateTime").
    const unused = ['ZodMiniISODuration', 'ZodMiniISODate', 'ZodMiniISOTime', 'ZodMiniBigInt', 'ZodMiniDate'];
    const found = [...textByBundle].flatMap(([output, text]) =>
      unused.filter((name) => text.includes(`"${name}"`)).map((name) => `${output}: ${name}`),
    );
    expect(found).toEqual([]);
    // The one format the schemas use is there, under the name zod gives it.
    expect([...textByBundle.values()].some((text) => text.includes('"ZodMiniISODateTime"'))).toBe(true);
  });
});
