// osls plugin (serverless.yml `plugins`, listed before serverless-esbuild): bundles every function in ONE esbuild
// build. serverless-esbuild runs one build per handler, and each parses, bundles and minifies the AWS SDK, zod and
// shared/ again: for our 25 functions that is about 55 s of CPU (most of `npm run package`), against about 13 s for
// one build with every handler as an entry point. The bundles are the same bytes (without code splitting esbuild
// bundles each entry point on its own): test/unit/scripts/bundle-once.test.ts checks it. Only serverless-esbuild's
// bundle step is replaced; its options (custom.esbuild), output folder, zipping and artifacts stay its own.
// The build's metafile (every bundle with the inputs that put bytes in it) is written beside the packaged template,
// .serverless/function-bundles.meta.json: test/integration/function-bundles.test.ts reads what was packaged instead of
// building every function a second time (about 20 s of esbuild CPU).
'use strict';

const { mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const bundleCache = require('./bundle-cache');

/** Where the packaged bundles' metafile is written, from the service folder (test/support/packaged-template.ts). */
const METAFILE = join('.serverless', 'function-bundles.meta.json');

/** The serverless-esbuild release whose bundle step this replaces: another must be checked before it is trusted. */
const WRITTEN_FOR = /^1\.57\./;

/** serverless-esbuild's own options in custom.esbuild, which it strips before calling esbuild (its bundle.js). */
const PLUGIN_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/**
 * The esbuild options serverless-esbuild would give each function's build, for all entries at once: the same
 * options, every entry point, and an outbase of the service folder so that `functions/x.ts` lands where it would
 * (`<buildDir>/functions/x.js`).
 */
const oneBuildOptions = (buildOptions, entries, buildDirPath, serviceDir) => {
  const esbuildOptions = Object.fromEntries(
    Object.entries(buildOptions).filter(([name]) => !PLUGIN_OPTIONS.includes(name)),
  );
  const exclude = [buildOptions.exclude ?? []].flat().filter((item) => typeof item === 'string');
  const external = [buildOptions.external ?? []].flat().filter((item) => typeof item === 'string');
  return {
    ...esbuildOptions,
    external: [...external, ...(exclude.includes('*') ? [] : exclude)],
    entryPoints: entries,
    absWorkingDir: serviceDir,
    outbase: serviceDir,
    outdir: buildDirPath,
    ...(buildOptions.outputFileExtension && buildOptions.outputFileExtension !== '.js'
      ? { outExtension: { '.js': buildOptions.outputFileExtension } }
      : {}),
  };
};

/**
 * serverless-esbuild's bundle step, as one esbuild build: sets what its pack step reads (buildResults), and the
 * build's metafile as `plugin.bundleMetafile`. Given a cache folder (scripts/bundle-cache.js), reuses the bundles it
 * holds when nothing they were built from has changed (`plugin.bundlesReused`), and keeps a new build's there.
 */
const bundleOnce = async (plugin, esbuild, cacheDir) => {
  plugin.prepare();
  const { buildOptions, buildDirPath } = plugin;
  if (buildOptions.plugins) {
    throw new Error('bundle-once does not pass custom.esbuild.plugins on: remove ./scripts/bundle-once to use them');
  }
  const extension = buildOptions.outputFileExtension ?? '.js';
  const entries = [...new Set(plugin.functionEntries.map(({ entry }) => entry))];
  const options = { ...oneBuildOptions(buildOptions, entries, buildDirPath, plugin.serviceDirPath), metafile: true };
  const reused = cacheDir ? reuse(cacheDir, options, esbuild.version) : undefined;
  // buildSync, not build: build hands the work to esbuild's long-lived service process, which node never waits for
  // (esbuild unrefs it; it ends once node has exited), so nothing counted its CPU, about 8 s of a cold `npm run
  // package`'s 15: not the shell that `npm test` times each stage with, nor `time`. With ESBUILD_WORKER_THREADS=0 (the
  // package script sets it) buildSync runs the same build in a child that node waits for, so its CPU counts as
  // packaging's; without it buildSync goes through a worker thread and that service again, and builds the same.
  const result = reused ? { metafile: reused } : esbuild.buildSync(options);
  if (cacheDir && !reused) keep(cacheDir, options, esbuild.version, result.metafile);
  plugin.bundlesReused = reused !== undefined;
  plugin.bundleMetafile = result.metafile;
  const bundlePathOf = (entry) => entry.slice(0, entry.lastIndexOf('.')) + extension;
  plugin.buildCache = Object.fromEntries(
    entries.map((entry) => [entry, { bundlePath: bundlePathOf(entry), entry, result }]),
  );
  plugin.buildResults = plugin.functionEntries
    .filter(({ func }) => func !== null)
    .map(({ entry, func, functionAlias }) => ({ bundlePath: bundlePathOf(entry), func, functionAlias }));
};

/** The cache's bundles, or undefined to build: a cache that cannot be read is only a build more. */
const reuse = (cacheDir, options, esbuildVersion) => {
  try {
    return bundleCache.restore(cacheDir, options, esbuildVersion);
  } catch {
    return undefined;
  }
};

/** Keeps a build in the cache, best effort: a cache that cannot be written only means building next time. */
const keep = (cacheDir, options, esbuildVersion, metafile) => {
  try {
    bundleCache.save(cacheDir, options, esbuildVersion, metafile);
  } catch {
    rmSync(cacheDir, { recursive: true, force: true });
  }
};

/**
 * Removes what serverless-esbuild's zip step leaves in the temporary folder. For each zip it copies the function's
 * files into `<tmpdir>/<zip name>-<pid>-<ms>-<8 hex digits>` and means to remove that folder afterwards, but its
 * remove (dist/utils/effect-fs.js, safeFileRemove) is not recursive: it fails on a folder with files, and the failure
 * is ignored. Every package left one folder per function, the bundle and the compiled plans (about 1.2 MB each, 45 MB
 * per `npm test`). Only this process's folders go (its pid in the name), and only those named after a zip it made: a
 * function's (packaged individually) or the service's. Returns the names removed.
 */
const removeZipLeftovers = (zipNames, pid = process.pid, dir = tmpdir()) => {
  const names = new Set(zipNames);
  const removed = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const match = /^(.+)-(\d+)-\d+-[0-9a-f]{8}$/.exec(entry.name);
    if (!entry.isDirectory() || !match || match[2] !== String(pid) || !names.has(match[1])) continue;
    rmSync(join(dir, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
};

class BundleOnce {
  constructor(serverless) {
    const zipNames = () => [serverless.service.service, ...serverless.service.getAllFunctions()];
    const cleanUp = () => removeZipLeftovers(zipNames());
    this.hooks = {
      // After serverless-esbuild's zip step, for `serverless package`, `deploy` and `deploy function`.
      'after:package:createDeploymentArtifacts': cleanUp,
      'after:deploy:function:packageFunction': cleanUp,
      // Runs before serverless-esbuild's hook for the same event (plugins run in the order serverless.yml lists).
      'before:package:createDeploymentArtifacts': () => {
        const plugin = serverless.pluginManager.plugins.find(
          (candidate) => candidate.constructor.name === 'EsbuildServerlessPlugin',
        );
        if (!plugin) {
          throw new Error('bundle-once replaces serverless-esbuild bundle step: list serverless-esbuild in plugins');
        }
        const { version } = require('serverless-esbuild/package.json');
        if (!WRITTEN_FOR.test(version)) {
          throw new Error(
            `bundle-once was written for serverless-esbuild 1.57.x, found ${version}: check its bundle step (dist/bundle.js) still sets buildResults as bundleOnce does, then update WRITTEN_FOR`,
          );
        }
        plugin.bundle = async () => {
          await bundleOnce(plugin, require('esbuild'), process.env[bundleCache.BUNDLE_CACHE_ENV] || undefined);
          if (plugin.bundlesReused)
            serverless.cli.log('Reused the function bundles of an earlier build (no input changed)');
          const metafile = join(plugin.serviceDirPath, METAFILE);
          mkdirSync(join(metafile, '..'), { recursive: true });
          writeFileSync(metafile, JSON.stringify(plugin.bundleMetafile));
        };
      },
    };
  }
}

module.exports = BundleOnce;
module.exports.oneBuildOptions = oneBuildOptions;
module.exports.bundleOnce = bundleOnce;
module.exports.METAFILE = METAFILE;
module.exports.removeZipLeftovers = removeZipLeftovers;
