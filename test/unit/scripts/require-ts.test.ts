import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scratchFolders } from '../../support/scratch';

// scripts/require-ts.js is how osls's plain-Node plugins load our TypeScript while packaging. What it is for shows only
// across processes: a second `serverless package` reads the compiled modules from tsx's cache instead of compiling
// them again (each compile an esbuild process where ESBUILD_WORKER_THREADS=0). Each check runs plain Node, as osls
// does, with a temporary folder of its own, where tsx keeps its cache.
const ROOT = join(__dirname, '..', '..', '..');

/** Loads shared/domain/copy-names.ts through requireTs (or `how`) in a new Node process; returns its export names. */
const loadInNewProcess = (temp: string, how: 'requireTs' | 'tsx.require'): string[] => {
  const load =
    how === 'requireTs'
      ? "require('./scripts/require-ts').requireTs('../shared/domain/copy-names.ts', require('node:path').join(process.cwd(), 'scripts', 'x.js'))"
      : "require('tsx/cjs/api').require('./shared/domain/copy-names.ts', require('node:path').join(process.cwd(), 'x.js'))";
  const result = spawnSync(process.execPath, ['-e', `console.log(Object.keys(${load}).join(','))`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TMPDIR: temp, ESBUILD_WORKER_THREADS: '0' },
  });
  if (result.status !== 0) throw new Error(`node exited ${result.status}: ${result.stderr}`);
  return result.stdout.trim().split(',');
};

/** tsx's cache in a temporary folder: each file's name and modification time. */
const cacheOf = (temp: string): Map<string, number> => {
  const files = new Map<string, number>();
  for (const dir of readdirSync(temp).filter((name) => name.startsWith('tsx'))) {
    for (const name of readdirSync(join(temp, dir))) files.set(name, statSync(join(temp, dir, name)).mtimeMs);
  }
  return files;
};

describe('requireTs (scripts/require-ts.js)', () => {
  const scratch = scratchFolders('switchback-require-ts-');

  it("loads a TypeScript module in plain Node, and a second process reads it from tsx's cache", () => {
    // Prepare
    const temp = scratch();

    // Act
    const first = loadInNewProcess(temp, 'requireTs');
    const cachedFirst = cacheOf(temp);
    const second = loadInNewProcess(temp, 'requireTs');

    // Assess
    expect(first).toContain('copyPattern');
    expect(second).toEqual(first);
    expect(cachedFirst.size).toBeGreaterThan(0);
    // Nothing compiled again: the same cache files, none rewritten.
    expect(cacheOf(temp)).toEqual(cachedFirst);
  });

  it("is unlike tsx's own require, which compiles the module again in every process", () => {
    // Prepare
    const temp = scratch();

    // Act
    loadInNewProcess(temp, 'tsx.require');
    const cachedFirst = cacheOf(temp);
    loadInNewProcess(temp, 'tsx.require');

    // Assess: a namespace named after the time is a new cache key each time
    expect(cacheOf(temp).size).toBeGreaterThan(cachedFirst.size);
  });
});
