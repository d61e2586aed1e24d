const { availableParallelism } = require('node:os');

// Jest forks its workers with this process's execArgv: a flag added here applies to every worker. With
// --experimental-async-context-frame, Node 22 keeps AsyncLocalStorage's context in a frame carried by each promise
// instead of promise hooks on every promise of the process; the drill's runner tells which function makes an AWS call
// with one (sim/local-runner.ts), and the hooks cost a drill about 5% of its CPU in a worker (10% of a file's first).
// Files run in band (one file, or --runInBand) run in this process, without it, and behave the same, only slower.
const ASYNC_CONTEXT_FRAME = '--experimental-async-context-frame';
if (!process.execArgv.includes(ASYNC_CONTEXT_FRAME)) process.execArgv.push(ASYNC_CONTEXT_FRAME);
// --single-threaded-gc: V8 collects on the worker's own thread instead of adding helper threads for parallel and
// concurrent marking. With two workers (and packaging and the type check) already on a 2-core machine, the helpers
// only compete for the same cores: four alternating whole jest runs took 2-10% less CPU and 3-10% less wall time with
// it (CPU 72.6 against 75.6 s, 70.9 against 72.6 s, 70.6 against 78.8 s, 79.1 against 83.4 s).
const SINGLE_THREADED_GC = '--single-threaded-gc';
if (!process.execArgv.includes(SINGLE_THREADED_GC)) process.execArgv.push(SINGLE_THREADED_GC);
// --max-semi-space-size=64: V8's young generation, where a drill's short-lived objects (SDK requests, the engine's
// copies of each state, events) are born, grows to 64 MiB per semi-space instead of 16: fewer scavenges, each copying
// about the same survivors. Measured side by side (both runs at once, so both meet the machine's speed of the moment):
// two pairs of whole jest runs, 2.5% and 1.7% less CPU; the drill and state machine suites in band, six pairs, 1-9%
// less (median 6%); about 150 MiB more resident per worker.
const SEMI_SPACE = '--max-semi-space-size=64';
if (!process.execArgv.includes(SEMI_SPACE)) process.execArgv.push(SEMI_SPACE);
// Each worker exits at once when jest ends it, unless a test left something open (scripts/jest-worker-exit.js).
const WORKER_EXIT = require.resolve('./scripts/jest-worker-exit.js');
if (!process.execArgv.includes(WORKER_EXIT)) process.execArgv.push('--require', WORKER_EXIT);

/** Jest with swc: no type-checking here (`npm run typecheck` does that). */
module.exports = {
  // jest's Node environment with an ordinary global object per test file (scripts/jest-environment.js).
  testEnvironment: '<rootDir>/scripts/jest-environment.js',
  // Jest's default, one worker fewer than the cores, runs a 2-core machine in band: use both cores there.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // The suites run on virtual time: a timeout only catches a hang. Jest's 5 s default fails tests that merely share
  // a loaded machine (two workers, and packaging and the type check beside them: npm test starts them together; a
  // file's first drill, which loads every handler, took over 30 s wall at a load average of 25); suites that need
  // longer set their own.
  testTimeout: 120_000,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // The same options compile the modules packaging loads (scripts/require-ts.js).
    '^.+\\.(t|j)sx?$': ['@swc/jest', require('./scripts/swc-options')],
  },
  // middy 7 and commander 15 ship ESM only: let swc transform them; point at middy's entry (it exports only an
  // `import` condition).
  transformIgnorePatterns: ['/node_modules/(?!(@middy|commander)/)'],
  moduleNameMapper: {
    '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
  },
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  // jest's runtime, loading installed packages with less repeated work per test file (scripts/jest-runtime.js).
  runtime: '<rootDir>/scripts/jest-runtime.js',
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
