import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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

  beforeAll(async () => {
    const result = await build({ ...LAMBDA_BUILD, entryPoints: entries, outdir: 'out', write: false, metafile: true });
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
});
