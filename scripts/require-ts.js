// Loads our TypeScript modules from the plain-Node scripts that osls runs while packaging (scripts/compile-plans.js,
// scripts/plan-resources.js): serverless runs on plain Node, which cannot resolve our extensionless TypeScript
// imports, so tsx compiles them.
//
// Through one tsx registration with a fixed namespace, not tsx's own `require` (tsx/cjs/api): that one registers a
// namespace named after the time (`Date.now()`), and the namespace is part of the key of tsx's compile cache, so
// every `serverless package` compiled all 23 modules again, each with esbuild's transformSync, which spawns an
// esbuild process per call where ESBUILD_WORKER_THREADS=0 (the package script sets it): about 0.7 s of wall time
// per package. With a fixed namespace, a later package reads the compiled modules from tsx's cache while their
// source is unchanged. The namespace keeps the hooks to the modules loaded here: nothing else osls loads is compiled.
'use strict';

const { register } = require('tsx/cjs/api');

/** The namespace of the registration: fixed, so that tsx's cache keys are the same from one package to the next. */
const NAMESPACE = 'switchback-package';

let api;

/** Loads `path` (a TypeScript file, with its extension) relative to the module `from` (its __filename). */
const requireTs = (path, from) => {
  api ??= register({ namespace: NAMESPACE });
  return api.require(path, from);
};

module.exports = { requireTs };
