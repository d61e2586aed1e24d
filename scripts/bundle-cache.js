// The function bundles of an earlier `npm test`, reused while nothing they were built from has changed: the one
// esbuild build of scripts/bundle-once.js costs about 11 s of CPU (39 minified bundles, 33 MB), the most of any step
// of packaging, and most runs change no file the functions bundle. Only `npm test` asks for it
// (SWITCHBACK_BUNDLE_CACHE, scripts/test.js): `serverless package` and `serverless deploy` alone always build.
// A build is reused only when the esbuild release, its options and entry points are the same, and so is every byte
// it read: each input file, each package.json of a package it bundled, the lockfiles and tsconfig.json, and the
// listing of each folder an input came from (a file added beside an import can change what the import resolves to).
// Reused bundles are the same bytes as a new build's: esbuild's output depends on nothing else.
'use strict';

const { createHash } = require('node:crypto');
const { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/** Files that decide how the build resolves and compiles, besides the inputs it lists. */
const SETTINGS_FILES = ['package-lock.json', join('node_modules', '.package-lock.json'), 'tsconfig.json'];

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** A file's digest, or null when it cannot be read (a missing file is recorded as missing). */
const fileDigest = (path) => {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
};

/** A folder's file names, as a digest, or null when it cannot be read. */
const listingDigest = (path) => {
  try {
    return sha256(readdirSync(path).sort().join('\n'));
  } catch {
    return null;
  }
};

/** The package.json of the package a node_modules input belongs to (`node_modules/x/` or `node_modules/@s/x/`). */
const packageJsonOf = (input) => {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const name = parts[at + 1].startsWith('@') ? 2 : 1;
  return [...parts.slice(0, at + 1 + name), 'package.json'].join('/');
};

/**
 * What a build with these inputs read (paths from the metafile, relative to the service folder): the digest of each
 * file and of each input's folder listing.
 */
const fingerprintOf = (serviceDir, inputs) => {
  const files = new Set(SETTINGS_FILES);
  const folders = new Set();
  for (const input of inputs) {
    files.add(input);
    const packageJson = packageJsonOf(input);
    if (packageJson) files.add(packageJson);
    folders.add(dirname(input));
  }
  return {
    files: Object.fromEntries([...files].sort().map((file) => [file, fileDigest(join(serviceDir, file))])),
    folders: Object.fromEntries([...folders].sort().map((folder) => [folder, listingDigest(join(serviceDir, folder))])),
  };
};

/** The build a cache entry holds: esbuild's release, and its options with the service's paths made relative. */
const keyOf = (options, esbuildVersion) => {
  const serviceDir = options.absWorkingDir;
  return sha256(
    JSON.stringify({
      esbuildVersion,
      options: {
        ...options,
        absWorkingDir: '.',
        outbase: relative(serviceDir, options.outbase),
        outdir: relative(serviceDir, options.outdir),
      },
    }),
  );
};

const MANIFEST = 'manifest.json';
const METAFILE = 'metafile.json';
const BUNDLES = 'bundles';

/**
 * Writes the cached bundles where the build would write them and returns the build's metafile, when the cache in
 * `cacheDir` holds this build and nothing it read has changed; undefined otherwise.
 */
const restore = (cacheDir, options, esbuildVersion) => {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cacheDir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.key !== keyOf(options, esbuildVersion)) return undefined;
  const serviceDir = options.absWorkingDir;
  const now = fingerprintOf(serviceDir, manifest.inputs);
  if (JSON.stringify(now) !== JSON.stringify(manifest.fingerprint)) return undefined;
  const metafile = JSON.parse(readFileSync(join(cacheDir, METAFILE), 'utf8'));
  for (const output of Object.keys(metafile.outputs)) {
    mkdirSync(dirname(join(serviceDir, output)), { recursive: true });
    copyFileSync(join(cacheDir, BUNDLES, output), join(serviceDir, output));
  }
  return metafile;
};

/**
 * Keeps a build's bundles, metafile and fingerprint in `cacheDir` (replacing what it held), once the build has
 * written them. Written to a new folder that then takes the cache's place, so that a cache is always whole.
 */
const save = (cacheDir, options, esbuildVersion, metafile) => {
  const serviceDir = options.absWorkingDir;
  const inputs = Object.keys(metafile.inputs);
  const next = `${cacheDir}.${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  for (const output of Object.keys(metafile.outputs)) {
    mkdirSync(dirname(join(next, BUNDLES, output)), { recursive: true });
    copyFileSync(join(serviceDir, output), join(next, BUNDLES, output));
  }
  writeFileSync(join(next, METAFILE), JSON.stringify(metafile));
  const manifest = { key: keyOf(options, esbuildVersion), inputs, fingerprint: fingerprintOf(serviceDir, inputs) };
  writeFileSync(join(next, MANIFEST), JSON.stringify(manifest));
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(next, cacheDir);
};

/** The environment variable that names the cache folder; unset, every package builds. */
const BUNDLE_CACHE_ENV = 'SWITCHBACK_BUNDLE_CACHE';

module.exports = { BUNDLE_CACHE_ENV, restore, save, fingerprintOf, packageJsonOf };
