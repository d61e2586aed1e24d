// jest's runtime (jest.config.js `runtime`), with one change: the source of a module under node_modules is read from
// disk once per worker, not once per test file.
//
// Jest gives each test file a fresh file cache (jest-runner's testWorker: `cacheFS = new Map(...)`), so every file
// that loads the AWS SDK, the Step Functions engine and dynalite opens, reads and decodes the same thousand-odd
// files again: about 5.5 s of a whole run's CPU went to that (open, read, Buffer#toString under jest-runtime's
// FileCache, measured with --cpu-prof). Only the reading is shared: each test file still gets its own module registry
// and evaluates every module in its own context, as before.
//
// Installed packages do not change while jest runs. In watch mode they may (an install between runs, in a worker that
// lives on), so there a source is reused only while its size and modification time are unchanged.
'use strict';

const { statSync } = require('node:fs');
const { sep } = require('node:path');
const JestRuntime = require('jest-runtime').default;

const NODE_MODULES = `${sep}node_modules${sep}`;
/** Our own caches live under node_modules/.cache and change during a run: never share those. */
const OWN_CACHE = `${NODE_MODULES}.cache${sep}`;

/** filename -> { source, stamp }: the sources of installed packages this worker has read. */
const shared = new Map();

const isInstalled = (filename) =>
  typeof filename === 'string' && filename.includes(NODE_MODULES) && !filename.includes(OWN_CACHE);

/** A file's size and modification time, or undefined when it cannot be read. */
const stampOf = (filename) => {
  try {
    const stats = statSync(filename);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined;
  }
};

/**
 * Makes a test file's file cache (the Map jest gives both the runtime and the script transformer) keep the sources of
 * installed packages in the worker-wide map; everything else stays the test file's own, and clear() clears only that.
 */
const shareInstalledSources = (cacheFS, watching) => {
  const own = {
    get: cacheFS.get.bind(cacheFS),
    set: cacheFS.set.bind(cacheFS),
    has: cacheFS.has.bind(cacheFS),
  };
  const current = (filename) => {
    const entry = shared.get(filename);
    if (entry === undefined) return undefined;
    if (watching && entry.stamp !== stampOf(filename)) {
      shared.delete(filename);
      return undefined;
    }
    return entry.source;
  };
  cacheFS.get = (filename) => own.get(filename) ?? (isInstalled(filename) ? current(filename) : undefined);
  cacheFS.has = (filename) => own.has(filename) || (isInstalled(filename) && current(filename) !== undefined);
  cacheFS.set = (filename, source) => {
    if (!isInstalled(filename)) return own.set(filename, source);
    shared.set(filename, { source, stamp: watching ? stampOf(filename) : undefined });
    return cacheFS;
  };
  return cacheFS;
};

class Runtime extends JestRuntime {
  constructor(config, environment, resolver, transformer, cacheFS, coverageOptions, testPath, globalConfig) {
    const watching = Boolean(globalConfig?.watch || globalConfig?.watchAll);
    super(
      config,
      environment,
      resolver,
      transformer,
      shareInstalledSources(cacheFS, watching),
      coverageOptions,
      testPath,
      globalConfig,
    );
  }
}

module.exports = Runtime;
module.exports.default = Runtime;
module.exports.shareInstalledSources = shareInstalledSources;
