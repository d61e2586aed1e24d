import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, buildSync, version } from 'esbuild';

// osls loads its plugins with require: CommonJS JavaScript.
const { restore, save, packageJsonOf } = require('../../../scripts/bundle-cache.js') as {
  restore: (cacheDir: string, options: BuildOptions, esbuildVersion: string) => Metafile | undefined;
  save: (cacheDir: string, options: BuildOptions, esbuildVersion: string, metafile: Metafile) => void;
  packageJsonOf: (input: string) => string | undefined;
};

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** A service folder with two handlers, a shared module and a bundled package, and the build of serverless.yml. */
const service = () => {
  const root = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('shared/lock.ts', "import { tag } from 'tagger';\nexport const release = (plan: string) => tag(plan);\n");
  write('functions/release-lock.ts', "import { release } from '../shared/lock';\nexport const handler = release;\n");
  write('functions/assess.ts', 'export const handler = async () => 1;\n');
  write('node_modules/tagger/package.json', '{"name":"tagger","main":"main.js"}');
  write('node_modules/tagger/main.js', "exports.tag = (text) => 'released ' + text;\n");
  write('node_modules/tagger/other.js', "exports.tag = (text) => 'other ' + text;\n");
  const options: BuildOptions = {
    bundle: true,
    minify: true,
    keepNames: true,
    target: 'node22',
    platform: 'node',
    format: 'cjs',
    entryPoints: ['functions/release-lock.ts', 'functions/assess.ts'],
    absWorkingDir: root,
    outbase: root,
    outdir: join(root, '.esbuild', '.build'),
    metafile: true,
    logLevel: 'silent',
  };
  const cache = join(root, 'cache');
  const bundle = join(root, '.esbuild', '.build', 'functions', 'release-lock.js');
  /** Builds, keeps the build in the cache, and clears the build folder as packaging does. */
  const buildAndSave = async () => {
    const { metafile } = buildSync(options);
    if (!metafile) throw new Error('esbuild wrote no metafile');
    save(cache, options, version, metafile);
    const bytes = readFileSync(bundle, 'utf8');
    rmSync(join(root, '.esbuild'), { recursive: true, force: true });
    return { metafile, bytes };
  };
  return { root, write, options, cache, bundle, buildAndSave };
};

describe('bundle-cache', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const fixture = () => {
    const made = service();
    roots.push(made.root);
    return made;
  };

  it('writes the bundles of the build it holds, the same bytes, when nothing the build read has changed', async () => {
    // Prepare
    const { options, cache, bundle, buildAndSave } = fixture();
    const { metafile, bytes } = await buildAndSave();

    // Act
    const reused = restore(cache, options, version);

    // Assess
    expect(reused).toEqual(metafile);
    expect(readFileSync(bundle, 'utf8')).toBe(bytes);
    expect(bytes).toContain('released');
  });

  it.each([
    ['an input changes', (write: (path: string, text: string) => void) => write('shared/lock.ts', 'export {};\n')],
    [
      'a file is added beside an input (it may be what an import now resolves to)',
      (write: (path: string, text: string) => void) => write('shared/lock.js', 'export {};\n'),
    ],
    [
      "a bundled package's package.json changes",
      (write: (path: string, text: string) => void) =>
        write('node_modules/tagger/package.json', '{"name":"tagger","main":"other.js"}'),
    ],
    [
      'the lockfile changes',
      (write: (path: string, text: string) => void) => write('package-lock.json', '{"lockfileVersion":3}'),
    ],
  ])('builds again when %s', async (_change, change) => {
    // Prepare
    const { write, options, cache, bundle, buildAndSave } = fixture();
    await buildAndSave();
    change(write);

    // Act
    const reused = restore(cache, options, version);

    // Assess
    expect(reused).toBeUndefined();
    expect(existsSync(bundle)).toBe(false);
  });

  it('builds again for other options, entry points or esbuild release', async () => {
    // Prepare
    const { options, cache, buildAndSave } = fixture();
    await buildAndSave();

    // Act / Assess
    expect(restore(cache, { ...options, minify: false }, version)).toBeUndefined();
    expect(restore(cache, { ...options, entryPoints: ['functions/assess.ts'] }, version)).toBeUndefined();
    expect(restore(cache, options, '0.0.0')).toBeUndefined();
    expect(restore(cache, options, version)).toBeDefined();
  });

  it('builds when the cache holds nothing', () => {
    // Prepare
    const { options, root } = fixture();

    // Act / Assess
    expect(restore(join(root, 'no-cache'), options, version)).toBeUndefined();
  });

  it("finds the package.json of a bundled file's package, scoped or nested", () => {
    expect(packageJsonOf('node_modules/zod/v4/core/api.js')).toBe('node_modules/zod/package.json');
    expect(packageJsonOf('node_modules/@aws-sdk/client-rds/dist-cjs/index.js')).toBe(
      'node_modules/@aws-sdk/client-rds/package.json',
    );
    expect(packageJsonOf('node_modules/a/node_modules/@s/b/x.js')).toBe(
      'node_modules/a/node_modules/@s/b/package.json',
    );
    expect(packageJsonOf('shared/lock.ts')).toBeUndefined();
  });
});
