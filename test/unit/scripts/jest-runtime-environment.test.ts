import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { scratchFolders } from '../../support/scratch';

// jest loads its runtime and test environment with require: CommonJS JavaScript.
interface Transformer {
  transform(filename: string, options: Record<string, unknown>, source?: string): { code: string };
}
const { shareInstalledSources, shareInstalledTransforms, lazyJestObject } =
  require('../../../scripts/jest-runtime.js') as {
    shareInstalledSources: (cacheFS: Map<string, string>, watching: boolean) => Map<string, string>;
    shareInstalledTransforms: <T extends Transformer>(transformer: T) => T;
    lazyJestObject: <T extends object>(build: () => T) => T;
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

describe('shareInstalledTransforms (scripts/jest-runtime.js)', () => {
  /** A test file's script transformer: records the files it transforms (jest stats each for its cache key). */
  const transformerOf = (seen: string[]) =>
    shareInstalledTransforms<Transformer>({
      transform: (filename: string) => {
        seen.push(filename);
        return { code: `/* ${seen.length} */` };
      },
    });
  const CJS = { supportsStaticESM: false, supportsDynamicImport: false };

  it("gives a later test file an installed module's transform result without asking jest's transformer again", () => {
    // Prepare: the first test file transforms an SDK module and one of ours
    const seen: string[] = [];
    const first = transformerOf(seen);
    const sdk = first.transform('/repo/node_modules/@smithy/core/dist-cjs/index.js', CJS);
    first.transform('/repo/shared/aws/ledger.ts', CJS);

    // Act: the second test file loads both again
    const second = transformerOf(seen);
    const again = second.transform('/repo/node_modules/@smithy/core/dist-cjs/index.js', CJS);
    second.transform('/repo/shared/aws/ledger.ts', CJS);

    // Assess: ours goes through jest each time (it may change between files in watch mode), the SDK's once
    expect(again).toBe(sdk);
    expect(seen).toEqual([
      '/repo/node_modules/@smithy/core/dist-cjs/index.js',
      '/repo/shared/aws/ledger.ts',
      '/repo/shared/aws/ledger.ts',
    ]);
  });

  it('keeps results apart for the options jest keys them on, and never shares an instrumented one', () => {
    // Prepare
    const seen: string[] = [];
    const file = '/repo/node_modules/@middy/core/index.js';

    // Act
    transformerOf(seen).transform(file, CJS);
    transformerOf(seen).transform(file, { ...CJS, supportsStaticESM: true });
    transformerOf(seen).transform(file, { ...CJS, instrument: true });
    transformerOf(seen).transform(file, { ...CJS, instrument: true });

    // Assess
    expect(seen).toHaveLength(4);
  });
});

describe('lazyJestObject (scripts/jest-runtime.js)', () => {
  it('builds the jest object only when the module first uses it, once, and then behaves as that object', () => {
    // Prepare
    let builds = 0;
    const lazy = lazyJestObject(() => {
      builds += 1;
      return { fn: () => 'mocked', isolateModules: 1 } as Record<string, unknown>;
    });
    const before = builds;

    // Act
    const called = (lazy.fn as () => string)();
    lazy.extra = 2;

    // Assess
    expect(before).toBe(0);
    expect(called).toBe('mocked');
    expect('isolateModules' in lazy).toBe(true);
    expect(Object.keys(lazy)).toEqual(['fn', 'isolateModules', 'extra']);
    expect(lazy.extra).toBe(2);
    expect(builds).toBe(1);
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
