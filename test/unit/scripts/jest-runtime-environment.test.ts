import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { scratchFolders } from '../../support/scratch';

// jest loads its runtime and test environment with require: CommonJS JavaScript.
const { shareInstalledSources } = require('../../../scripts/jest-runtime.js') as {
  shareInstalledSources: (cacheFS: Map<string, string>, watching: boolean) => Map<string, string>;
};
const OrdinaryGlobalEnvironment = require('../../../scripts/jest-environment.js') as typeof NodeEnvironment;

const scratch = scratchFolders('jest-runtime-');

/** A test file's file cache as jest-runner makes it: the test file's own source in it. */
const fileCacheOf = (testPath: string, watching = false) =>
  shareInstalledSources(new Map([[testPath, '// the test file']]), watching);

describe('shareInstalledSources (scripts/jest-runtime.js)', () => {
  it('gives a later test file the sources of installed packages an earlier one read, and nothing else of its', () => {
    // Prepare: the first test file reads an SDK module, one of ours, and a file of our own cache folder
    const first = fileCacheOf('/repo/test/a.test.ts');
    first.set('/repo/node_modules/@smithy/core/dist-cjs/index.js', 'module.exports = "smithy";');
    first.set('/repo/shared/aws/ledger.ts', 'export const ledger = 1;');
    first.set('/repo/node_modules/.cache/switchback/plans.json', '{}');

    // Act: the second test file of the same worker looks them up
    const second = fileCacheOf('/repo/test/b.test.ts');

    // Assess
    expect(second.get('/repo/node_modules/@smithy/core/dist-cjs/index.js')).toBe('module.exports = "smithy";');
    expect(second.has('/repo/node_modules/@smithy/core/dist-cjs/index.js')).toBe(true);
    expect(second.get('/repo/shared/aws/ledger.ts')).toBeUndefined();
    expect(second.has('/repo/shared/aws/ledger.ts')).toBe(false);
    expect(second.get('/repo/node_modules/.cache/switchback/plans.json')).toBeUndefined();
    expect(second.get('/repo/test/a.test.ts')).toBeUndefined();
    // Each keeps its own files
    expect(first.get('/repo/shared/aws/ledger.ts')).toBe('export const ledger = 1;');
    expect(second.get('/repo/test/b.test.ts')).toBe('// the test file');
  });

  it("clears only the test file's own sources when jest tears the file down", () => {
    // Prepare
    const first = fileCacheOf('/repo/test/a.test.ts');
    first.set('/repo/node_modules/dynalite/index.js', 'module.exports = "dynalite";');
    first.set('/repo/sim/drill.ts', 'export {};');

    // Act
    first.clear();

    // Assess
    expect(first.get('/repo/sim/drill.ts')).toBeUndefined();
    expect(first.get('/repo/test/a.test.ts')).toBeUndefined();
    expect(fileCacheOf('/repo/test/b.test.ts').get('/repo/node_modules/dynalite/index.js')).toBe(
      'module.exports = "dynalite";',
    );
  });

  it('in watch mode, reads an installed file again once it changed on disk (an install between runs)', () => {
    // Prepare: a package file on disk, read by a first test file
    const module = join(scratch(), 'node_modules', 'left-pad', 'index.js');
    mkdirSync(join(module, '..'), { recursive: true });
    writeFileSync(module, 'module.exports = 1;');
    const first = fileCacheOf('/repo/test/a.test.ts', true);
    first.set(module, 'module.exports = 1;');
    const unchanged = fileCacheOf('/repo/test/b.test.ts', true).get(module);

    // Act: a new version is installed
    writeFileSync(module, 'module.exports = 2; // v2');
    const afterInstall = fileCacheOf('/repo/test/c.test.ts', true);

    // Assess
    expect(unchanged).toBe('module.exports = 1;');
    expect(afterInstall.get(module)).toBeUndefined();
    expect(afterInstall.has(module)).toBe(false);
  });
});

/** What jest-environment-node reads of a project's config, with jest's defaults. */
const projectConfig = (testEnvironmentOptions: Record<string, unknown> = {}) =>
  ({
    testEnvironmentOptions,
    globals: {},
    fakeTimers: {},
    injectGlobals: true,
  }) as never;

const environment = (Environment: typeof NodeEnvironment, options?: Record<string, unknown>) =>
  new Environment(
    { globalConfig: {} as never, projectConfig: projectConfig(options) },
    { console, docblockPragmas: {}, testPath: '/repo/test/a.test.ts' },
  );

describe('OrdinaryGlobalEnvironment (scripts/jest-environment.js)', () => {
  it("makes each test file's context with an ordinary global object, where jest's own contextifies one", async () => {
    // Act
    const ours = environment(OrdinaryGlobalEnvironment);
    const jests = environment(NodeEnvironment);

    // Assess: node:vm hands back the global object itself only for an ordinary (DONT_CONTEXTIFY) context
    const ourContext = ours.getVmContext() as vm.Context;
    expect(vm.runInContext('globalThis', ourContext)).toBe(ourContext);
    const jestsContext = jests.getVmContext() as vm.Context;
    expect(vm.runInContext('globalThis', jestsContext)).not.toBe(jestsContext);
    // The context is still set up as jest sets it up: Node's globals, jest's, and a realm of its own
    expect(vm.runInContext('typeof setTimeout + typeof process.cpuUsage + typeof Buffer.from', ourContext)).toBe(
      'functionfunctionfunction',
    );
    expect(ours.global.Uint8Array).toBe(Uint8Array);
    expect(vm.runInContext('Object', ourContext)).not.toBe(Object);
    expect(ours.fakeTimersModern).not.toBeNull();
    await Promise.all([ours.teardown(), jests.teardown()]);
  });

  it("leaves node:vm's createContext as it found it, also when jest's setup throws", () => {
    // Prepare
    const createContext = vm.createContext;

    // Act: jest-environment-node throws on export conditions that are not strings, after making the context
    const failure = (() => {
      try {
        environment(OrdinaryGlobalEnvironment, { customExportConditions: [1] });
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();

    // Assess
    expect(failure?.message).toMatch(/export conditions/);
    expect(vm.createContext).toBe(createContext);
    expect(vm.runInContext('1 + 1', vm.createContext({}))).toBe(2);
  });
});
