import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchFolders } from '../../support/scratch';

// scripts/require-ts.js is how the plain-Node processes of packaging (osls's plugins, scripts/check-template.ts) load
// our TypeScript. What it is for shows only in a process of its own, as osls runs it: it compiles in that process,
// where tsx's loader starts an esbuild process per module whenever its cache is empty (ESBUILD_WORKER_THREADS=0, as
// the package script sets it).
const ROOT = join(__dirname, '..', '..', '..');

/**
 * Counts the child processes the code after it starts (esbuild's sync calls go through execFileSync), and the
 * TypeScript modules it loaded (tsx keys its own with a query).
 */
const COUNT_CHILDREN = `
  const childProcess = require('node:child_process');
  let children = 0;
  for (const name of ['spawn', 'spawnSync', 'execFileSync', 'execSync', 'fork']) {
    const original = childProcess[name];
    childProcess[name] = (...args) => { children += 1; return original(...args); };
  }
  const modules = () => Object.keys(require.cache).filter((key) => /\\.ts($|\\?)/.test(key)).length;
  process.on('exit', () => console.log(JSON.stringify({ children, modules: modules(), exports: Object.keys(loaded) })));
`;

/** Loads `load` (an expression) in a new Node process with an empty temporary folder, and tells what it took. */
const loadInNewProcess = (temp: string, load: string): { children: number; modules: number; exports: string[] } => {
  const result = spawnSync(process.execPath, ['-e', `${COUNT_CHILDREN}\nconst loaded = ${load};`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TMPDIR: temp, ESBUILD_WORKER_THREADS: '0' },
  });
  if (result.status !== 0) throw new Error(`node exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
};

const FROM = "require('node:path').join(process.cwd(), 'scripts', 'x.js')";

describe('scripts/require-ts.js', () => {
  const scratch = scratchFolders('switchback-require-ts-');

  it('loads a TypeScript module and its extensionless imports in plain Node, starting no process', () => {
    // Act: plan schema imports the rest of shared/plan and shared/domain without extensions
    const loaded = loadInNewProcess(scratch(), `(require('./scripts/require-ts'), require('./shared/plan/schema'))`);

    // Assess
    expect(loaded.exports).toContain('proberAlarmName');
    expect(loaded.modules).toBeGreaterThan(3);
    expect(loaded.children).toBe(0);
  });

  it("is unlike tsx's require, which starts an esbuild process per module while its cache is empty", () => {
    // Act
    const loaded = loadInNewProcess(scratch(), `require('tsx/cjs/api').require('../shared/plan/schema.ts', ${FROM})`);

    // Assess: one for the module and one for each of its imports
    expect(loaded.exports).toContain('proberAlarmName');
    expect(loaded.modules).toBeGreaterThan(3);
    expect(loaded.children).toBe(loaded.modules);
  });

  it('registers one loader per process, however many times the module is evaluated', () => {
    // Act: evaluated twice, as jest does for each test file that loads scripts/plan-resources.js
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `const Module = require('node:module');
         require('./scripts/require-ts');
         const first = Module._extensions['.ts'];
         delete require.cache[require.resolve('./scripts/require-ts')];
         require('./scripts/require-ts');
         require('./shared/domain/copy-names');
         console.log(Module._extensions['.ts'] === first);`,
      ],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('true');
  });

  it("compiles only the project's own TypeScript, naming itself when asked for another", () => {
    // Prepare
    const temp = scratch();
    const outside = join(temp, 'outside.ts');
    writeFileSync(outside, 'export const answer: number = 42;\n');

    // Act
    const result = spawnSync(
      process.execPath,
      ['-e', `require('./scripts/require-ts'); require(${JSON.stringify(outside)})`],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } },
    );

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`scripts/require-ts.js compiles only the project's own TypeScript, not ${outside}`);
  });
});
