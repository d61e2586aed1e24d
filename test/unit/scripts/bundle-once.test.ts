import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

// osls loads its plugins with require: CommonJS JavaScript.
const { bundleOnce, oneBuildOptions, removeZipLeftovers } = require('../../../scripts/bundle-once.js') as {
  removeZipLeftovers: (zipNames: string[], pid?: number, dir?: string) => string[];
  bundleOnce: (plugin: unknown, esbuild: { buildSync: (options: BuildOptions) => unknown }) => Promise<void>;
  oneBuildOptions: (
    options: Record<string, unknown>,
    entries: string[],
    buildDir: string,
    root: string,
  ) => BuildOptions;
};

/** custom.esbuild of serverless.yml as serverless-esbuild resolves it (its defaults merged in). */
const BUILD_OPTIONS = {
  concurrency: Number.POSITIVE_INFINITY,
  zipConcurrency: Number.POSITIVE_INFINITY,
  bundle: true,
  minify: true,
  keepNames: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  external: [],
  exclude: [],
  packager: 'npm',
  packagerOptions: { noInstall: false },
  installExtraArgs: [],
  watch: { pattern: './**/*.(js|ts)' },
  keepOutputDirectory: false,
  outputFileExtension: '.js',
  skipBuild: false,
  skipBuildExcludeFns: [],
  stripEntryResolveExtensions: false,
  disposeContext: true,
} as const;

describe('bundle-once', () => {
  it("gives esbuild the function options and every entry, without serverless-esbuild's own options", () => {
    // Act
    const options = oneBuildOptions(
      BUILD_OPTIONS,
      ['functions/a.ts', 'functions/b.ts'],
      '/svc/.esbuild/.build',
      '/svc',
    );

    // Assess
    expect(options).toEqual({
      bundle: true,
      minify: true,
      keepNames: true,
      sourcemap: false,
      target: 'node22',
      platform: 'node',
      format: 'cjs',
      external: [],
      entryPoints: ['functions/a.ts', 'functions/b.ts'],
      absWorkingDir: '/svc',
      outbase: '/svc',
      outdir: '/svc/.esbuild/.build',
    });
  });

  it('sets the bundle of each function where serverless-esbuild would, one build for a handler two functions share', async () => {
    // Prepare
    const builds: BuildOptions[] = [];
    const metafile = { inputs: {}, outputs: {} };
    const func = (handler: string) => ({ handler });
    const plugin = {
      prepare: jest.fn(),
      buildOptions: BUILD_OPTIONS,
      buildDirPath: '/svc/.esbuild/.build',
      serviceDirPath: '/svc',
      functionEntries: [
        { entry: 'functions/assess.ts', func: func('functions/assess.handler'), functionAlias: 'assess' },
        { entry: 'functions/notify.ts', func: func('functions/notify.handler'), functionAlias: 'notify' },
        { entry: 'functions/notify.ts', func: func('functions/notify.handler'), functionAlias: 'notify-again' },
      ],
    } as Record<string, unknown>;

    // Act
    await bundleOnce(plugin, {
      buildSync: (options) => {
        builds.push(options);
        return { metafile };
      },
    });

    // Assess
    expect(plugin.prepare).toHaveBeenCalledTimes(1);
    expect(builds.map((options) => options.entryPoints)).toEqual([['functions/assess.ts', 'functions/notify.ts']]);
    // The metafile is asked for and kept (the hook writes it for test/integration/function-bundles.test.ts).
    expect(builds[0]?.metafile).toBe(true);
    expect(plugin.bundleMetafile).toBe(metafile);
    expect(plugin.buildResults).toEqual([
      { bundlePath: 'functions/assess.js', func: func('functions/assess.handler'), functionAlias: 'assess' },
      { bundlePath: 'functions/notify.js', func: func('functions/notify.handler'), functionAlias: 'notify' },
      { bundlePath: 'functions/notify.js', func: func('functions/notify.handler'), functionAlias: 'notify-again' },
    ]);
  });

  it('writes the same bytes for each function as its own build would', async () => {
    // Prepare: two handlers that share a module, built with serverless.yml's options
    const root = mkdtempSync(join(tmpdir(), 'bundle-once-'));
    mkdirSync(join(root, 'functions'));
    mkdirSync(join(root, 'shared'));
    writeFileSync(
      join(root, 'shared', 'lock.ts'),
      'export class LockHeldError extends Error {}\nexport const release = (plan: string) => "released " + plan;\n',
    );
    writeFileSync(
      join(root, 'functions', 'release-lock.ts'),
      "import { release } from '../shared/lock';\nexport const handler = async (event: { plan: string }) => release(event.plan);\n",
    );
    writeFileSync(
      join(root, 'functions', 'assess.ts'),
      "import { LockHeldError } from '../shared/lock';\nexport const handler = async () => { throw new LockHeldError('held'); };\n",
    );
    const entries = ['functions/release-lock.ts', 'functions/assess.ts'];
    const options = oneBuildOptions(BUILD_OPTIONS, entries, join(root, 'out'), root);
    // As serverless-esbuild builds each: the entry alone, into its folder under the build folder
    const { outbase: _outbase, ...perFunction } = options;

    // Act
    const together = buildSync({ ...options, write: false, logLevel: 'silent' });
    const alone = entries.map((entry) =>
      buildSync({
        ...perFunction,
        entryPoints: [entry],
        outdir: join(root, 'out', 'functions'),
        write: false,
        logLevel: 'silent',
      }),
    );
    rmSync(root, { recursive: true, force: true });

    // Assess
    const text = (files: { path: string; text: string }[]) => files.map((file) => [file.path, file.text]);
    expect(text(together.outputFiles)).toEqual(alone.flatMap((result) => text(result.outputFiles)));
    expect(together.outputFiles.map((file) => file.path)).toEqual([
      join(root, 'out', 'functions', 'release-lock.js'),
      join(root, 'out', 'functions', 'assess.js'),
    ]);
    expect(together.outputFiles[1]?.text).toContain('LockHeldError');
  });

  it("removes the folders serverless-esbuild's zip step left for this process's zips, and nothing else", () => {
    // Prepare: what one package leaves (a folder per zip, with the bundle and the plans), beside look-alikes
    const dir = mkdtempSync(join(tmpdir(), 'switchback-zip-leftovers-'));
    const pid = 5063;
    const leftover = (name: string) => {
      mkdirSync(join(dir, name, 'functions'), { recursive: true });
      writeFileSync(join(dir, name, 'functions', 'handler.js'), 'exports.handler = () => {};\n');
      return name;
    };
    const removable = [
      leftover(`assess-${pid}-1796283927024-2afcf36d`),
      leftover(`assess-fence-${pid}-1796283927031-420a2cc9`),
      leftover(`switchback-${pid}-1796283927040-0badc0de`),
    ];
    const kept = [
      leftover(`assess-${pid + 1}-1796283927024-2afcf36d`), // another process's
      leftover(`unrelated-${pid}-1796283927024-2afcf36d`), // not a zip this package made
      leftover(`assess-${pid}-1796283927024`), // not serverless-esbuild's pattern
    ];
    writeFileSync(join(dir, `verify-recovery-${pid}-1796283927050-12345678`), 'a file, not its folder\n');
    kept.push(`verify-recovery-${pid}-1796283927050-12345678`);

    // Act
    const removed = removeZipLeftovers(['switchback', 'assess', 'assess-fence', 'verify-recovery'], pid, dir);

    // Assess
    expect(removed.sort()).toEqual(removable.sort());
    expect(readdirSync(dir).sort()).toEqual(kept.sort());
    rmSync(dir, { recursive: true, force: true });
  });
});
