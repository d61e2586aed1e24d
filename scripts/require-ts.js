// Loads our TypeScript in the plain-Node processes of packaging: the osls plugins (scripts/compile-plans.js,
// scripts/plan-resources.js), and scripts/check-template.ts (`node --require ./scripts/require-ts.js`). Plain Node
// cannot resolve our extensionless TypeScript imports; this registers `.ts` with Node's CommonJS loader, compiling
// each of the project's own files in this process with swc (scripts/swc-options.js, as jest compiles them).
//
// Not tsx, which the CLI uses: tsx compiles each file with esbuild's transformSync, and where ESBUILD_WORKER_THREADS=0
// (the package script sets it, so that esbuild's build is a child whose CPU is counted) each call starts an esbuild
// process: 38 of them in a package with tsx's cache empty (a first `npm test`). swc compiles them in this process (its
// binding loads in about 35 ms, a module compiles in about a millisecond), with nothing to cache: a package with every
// cache empty took 17.4-18.2 s of the machine's CPU against 20.3-20.4 s with tsx, a warm one 6.3-6.5 s against 6.8-6.9.
'use strict';

const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join, sep } = require('node:path');
const SWC_OPTIONS = require('./swc-options');

const ROOT = join(__dirname, '..') + sep;
const NODE_MODULES = `${sep}node_modules${sep}`;

/** Whether `filename` is the project's own TypeScript (not an installed package's). */
const isOurs = (filename) => filename.startsWith(ROOT) && !filename.includes(NODE_MODULES, ROOT.length - 1);

/** Compiles one of our TypeScript files as it loads; any other `.ts` goes to the loader that was there before. */
const loader = (previous) =>
  function compileTypeScript(module, filename) {
    if (!isOurs(filename)) {
      if (previous) return previous(module, filename);
      throw new Error(`scripts/require-ts.js compiles only the project's own TypeScript, not ${filename}`);
    }
    const { transformSync } = require('@swc/core');
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
    module._compile(code, filename);
  };

/** Marks our loader: one per process, however many times this module is evaluated (jest evaluates it per file). */
const REGISTERED = Symbol.for('switchback.require-ts');

/** Registers `.ts` with Node's CommonJS loader, once per process. */
const register = () => {
  if (Module._extensions['.ts']?.[REGISTERED]) return;
  const compile = loader(Module._extensions['.ts']);
  compile[REGISTERED] = true;
  Module._extensions['.ts'] = compile;
};

// Requiring this module registers the loader: then `require('../shared/plan/compile')` loads our TypeScript.
register();
