// jest's runtime (jest.config.js `runtime`), with three changes for the modules of installed packages (under
// node_modules), which every test file that loads the AWS SDK, the Step Functions engine and dynalite loads again,
// a thousand-odd files each. Measured with --cpu-prof over a whole run in band, of about 60 s of CPU:
// - their source is read from disk once per worker, not once per test file: jest gives each test file a fresh file
//   cache (jest-runner's testWorker: `cacheFS = new Map(...)`), and opening, reading and decoding them again took
//   about 5.5 s;
// - their transform result is looked up once per worker: jest's script transformer already keeps it per worker, but
//   stats each file on every lookup for its cache key (its modification time), about 1.1 s;
// - the `jest` object each module is handed (jest-runtime builds one per module, some 40 closures, about 1.0 s) is
//   built only when the module reads it, which test files and our own modules may do and installed packages do not.
// Each test file still gets its own module registry and evaluates every module in its own context, as before.
//
// Installed packages do not change while jest runs. In watch mode they may (an install between runs, in a worker that
// lives on): there a source is reused only while its size and modification time are unchanged, and transform results
// are looked up as jest does.
'use strict';

const { statSync } = require('node:fs');
const { sep } = require('node:path');
const JestRuntime = require('jest-runtime').default;

const NODE_MODULES = `${sep}node_modules${sep}`;
/** Our own caches live under node_modules/.cache and change during a run: never share those. */
const OWN_CACHE = `${NODE_MODULES}.cache${sep}`;

/** filename -> { source, stamp }: the sources of installed packages this worker has read. */
const shared = new Map();
/** filename and transform options -> jest's transform result, for installed packages (not in watch mode). */
const transformed = new Map();

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

/** What jest's script transformer keys a transform result on besides the file (its getScriptCacheKey). */
const transformKey = (filename, options) =>
  [
    filename,
    options?.instrument ? 'instrumented' : '',
    options?.supportsDynamicImport,
    options?.supportsExportNamespaceFrom,
    options?.supportsStaticESM,
    options?.supportsTopLevelAwait,
  ].join('|');

/** Makes a test file's script transformer look an installed file's transform result up once per worker. */
const shareInstalledTransforms = (transformer) => {
  const transform = transformer.transform.bind(transformer);
  transformer.transform = (filename, options, source) => {
    if (!isInstalled(filename) || options?.instrument) return transform(filename, options, source);
    const key = transformKey(filename, options);
    let result = transformed.get(key);
    if (result === undefined) {
      result = transform(filename, options, source);
      transformed.set(key, result);
    }
    return result;
  };
  return transformer;
};

/**
 * A `jest` object that jest builds on first use: `build` runs when the module first reads, sets, lists or checks one
 * of its properties, and the object then behaves as the one jest would have handed the module.
 */
const lazyJestObject = (build) => {
  let built;
  const target = () => {
    built ??= build();
    return built;
  };
  return new Proxy(
    {},
    {
      get: (_, property) => Reflect.get(target(), property),
      set: (_, property, value) => Reflect.set(target(), property, value),
      has: (_, property) => Reflect.has(target(), property),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, property) => Reflect.getOwnPropertyDescriptor(target(), property),
      defineProperty: (_, property, descriptor) => Reflect.defineProperty(target(), property, descriptor),
      deleteProperty: (_, property) => Reflect.deleteProperty(target(), property),
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    },
  );
};

class Runtime extends JestRuntime {
  constructor(config, environment, resolver, transformer, cacheFS, coverageOptions, testPath, globalConfig) {
    const watching = Boolean(globalConfig?.watch || globalConfig?.watchAll);
    super(
      config,
      environment,
      resolver,
      watching ? transformer : shareInstalledTransforms(transformer),
      shareInstalledSources(cacheFS, watching),
      coverageOptions,
      testPath,
      globalConfig,
    );
    const jestObjectFor = this.jestGlobals.jestObjectFor.bind(this.jestGlobals);
    this.jestGlobals.jestObjectFor = (from) =>
      isInstalled(from) ? lazyJestObject(() => jestObjectFor(from)) : jestObjectFor(from);
  }
}

module.exports = Runtime;
module.exports.default = Runtime;
module.exports.shareInstalledSources = shareInstalledSources;
module.exports.shareInstalledTransforms = shareInstalledTransforms;
module.exports.lazyJestObject = lazyJestObject;
