#!/usr/bin/env node
// `npm test`: every check, side by side. Type-check, lint, ASL validation, `npm run package` and jest all start at
// once: the only suites that need the packaged template (the IAM and template suites) wait for packaging through a
// status file (SWITCHBACK_PACKAGE_STATUS, test/support/packaged-template.ts), the IAM suite after running its drills.
// Each stage's output is printed whole when it ends (never interleaved), every stage runs to its end even when
// another fails, and the exit code is 1 when any stage failed. Extra arguments go to jest (`npm test -- test/unit`).
// The summary at the end gives each stage's wall time and the CPU time (user + system) of what it ran, as the shell
// that runs it counts it: on two cores the stages share, CPU is what tells a slower suite from a slower hour. A
// process that outlives its parent is not counted: esbuild's service process, which tsx starts in the CLIs some
// suites spawn (tsx's cached compiles, on a first run only); esbuild's builds are counted (ESBUILD_WORKER_THREADS).
// The stages run their package.json scripts through the shell as `npm run` would, and jest through its own bin, not
// through npm and npx: each npm start costs 0.3-0.7 s of CPU, 2 s in all, on a machine whose two cores the stages
// and jest's workers already share.
'use strict';

const { spawn } = require('node:child_process');
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { delimiter, join } = require('node:path');

const root = join(__dirname, '..');
const { scripts } = require('../package.json');
const jestArgs = process.argv.slice(2);

/** One stage: a package.json script, run by the shell as `npm run` runs it, or jest with the arguments given. */
const stages = {
  typecheck: ['sh', ['-c', scripts.typecheck]],
  lint: ['sh', ['-c', scripts.lint]],
  'validate:asl': ['sh', ['-c', scripts['validate:asl']]],
  package: ['sh', ['-c', scripts.package]],
  // The Node running this script: npm test runs it with the Node 22 of node_modules/.bin (`pretest` checks it).
  jest: [process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs]],
};

const cache = join(root, 'node_modules', '.cache', 'switchback');

/** Where packaging's state is told to the jest suites that wait for the template: pending, passed or failed. */
const PACKAGE_STATUS = join(cache, 'package-status');

/**
 * Every stage's environment. node_modules/.bin first on PATH, as `npm run` puts it. Node's compile cache (V8 code
 * for the CommonJS modules each Node process loads: osls and its plugins, jest's main process and workers,
 * asl-validator) saves about 0.5 s of CPU in all on later runs; jest's test modules, which it compiles itself, are
 * not in it.
 */
const env = {
  ...process.env,
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(cache, 'node-compile-cache'),
  FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
  SWITCHBACK_PACKAGE_STATUS: PACKAGE_STATUS,
  // esbuild's sync calls (packaging's build, the builds of the bundle tests) in a child each stage waits for, so that
  // their CPU is counted: with worker threads they go to esbuild's service process, which nothing waits for.
  ESBUILD_WORKER_THREADS: '0',
  // Packaging reuses the function bundles of an earlier run while nothing they are built from has changed (about
  // 11 s of esbuild CPU each run): scripts/bundle-cache.js.
  SWITCHBACK_BUNDLE_CACHE: process.env.SWITCHBACK_BUNDLE_CACHE ?? join(cache, 'function-bundles'),
};

/**
 * Tells packaging's state by replacing the status file, never rewriting it in place: a suite polling it reads the
 * old state or the new one, never a half-written file, and a copy of node_modules made with hard links (one
 * checkout's per worktree) does not share the file with the other copies.
 */
const writeStatus = (status) => {
  const next = `${PACKAGE_STATUS}.${process.pid}`;
  writeFileSync(next, `${status}\n`);
  renameSync(next, PACKAGE_STATUS);
};

/**
 * Runs a stage's command under sh, which, once it ends, writes the CPU time of everything the command ran (POSIX
 * `times`: its second line is the user and system time of the shell's ended children, each with its own ended
 * descendants) to file descriptor 3, and exits with the command's status.
 */
const timedUnderSh = (command, args) => [
  'sh',
  ['-c', '"$0" "$@"; status=$?; times >&3; exit $status', command, ...args],
];

/**
 * The CPU seconds (user + system) in the output of POSIX `times` (`0m7.530000s 0m1.870000s` per line: the shell's
 * own, then its children's), or undefined when it is not that.
 */
const childrenCpuSeconds = (timesOutput) => {
  const children = timesOutput.trim().split('\n')[1] ?? '';
  const parts = [...children.matchAll(/(\d+)m(\d+(?:\.\d+)?)s/g)];
  if (parts.length !== 2) return undefined;
  return parts.reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
};

const started = Date.now();
const results = [];

/** Runs a stage with its output captured; resolves with its exit code, printing its output once it ends. */
const run = (name) =>
  new Promise((resolve) => {
    const [command, args] = stages[name];
    const begin = Date.now();
    const chunks = [];
    const times = [];
    const child = spawn(...timedUnderSh(command, args), { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.stdio[3].on('data', (chunk) => times.push(chunk));
    const finish = (code, why) => {
      const seconds = (Date.now() - begin) / 1000;
      results.push({ name, code, seconds, cpu: childrenCpuSeconds(Buffer.concat(times).toString('utf8')) });
      const output = Buffer.concat(chunks).toString('utf8').trimEnd();
      const shown = command === 'sh' ? args[1] : ['jest', ...jestArgs].join(' ');
      process.stdout.write(`\n==> ${name}: ${shown}\n`);
      if (output) process.stdout.write(`${output}\n`);
      process.stdout.write(`<== ${name} ${code === 0 ? 'passed' : `FAILED (${why})`} in ${seconds.toFixed(1)} s\n`);
      resolve(code);
    };
    child.on('error', (error) => finish(1, error.message));
    child.on('close', (code, signal) => finish(code ?? 1, signal ? `killed by ${signal}` : `exit ${code}`));
  });

const main = async () => {
  mkdirSync(cache, { recursive: true });
  writeStatus('pending');
  const packaged = run('package').then((code) => writeStatus(code === 0 ? 'passed' : 'failed'));
  await Promise.all([run('typecheck'), run('lint'), run('validate:asl'), packaged, run('jest')]);
  const failed = results.filter((result) => result.code !== 0);
  process.stdout.write('\n---- npm test ----\n');
  for (const result of results) {
    const status = result.code === 0 ? 'passed' : 'FAILED';
    const cpu = result.cpu === undefined ? '' : `${result.cpu.toFixed(1).padStart(6)} s CPU`;
    process.stdout.write(
      `${result.name.padEnd(13)} ${result.seconds.toFixed(1).padStart(6)} s ${cpu.padEnd(12)}  ${status}\n`,
    );
  }
  const cpu = results.reduce((sum, result) => sum + (result.cpu ?? 0), 0);
  process.stdout.write(
    `${'total'.padEnd(13)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s ${cpu.toFixed(1).padStart(6)} s CPU\n`,
  );
  if (failed.length > 0) {
    process.stdout.write(`npm test FAILED: ${failed.map((result) => result.name).join(', ')}\n`);
    process.exitCode = 1;
  }
};

if (require.main === module) void main();

module.exports = { childrenCpuSeconds, timedUnderSh };
