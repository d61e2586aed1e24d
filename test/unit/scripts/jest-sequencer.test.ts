import type { Test } from '@jest/test-result';
import type TestSequencer from '@jest/test-sequencer';

// jest loads its sequencer with require: CommonJS JavaScript.
const WholePathsFirstSequencer = require('../../../scripts/jest-sequencer.js') as typeof TestSequencer;

/** Test files as jest hands them to a sequencer: a path, a size, and a cache directory with or without timings. */
const testsOf = (files: Record<string, number>, cacheDirectory: string): Test[] =>
  Object.keys(files).map(
    (path) =>
      ({
        path,
        context: {
          config: { cache: true, cacheDirectory, id: 'sequencer-test', haste: {}, rootDir: '/repo' },
          hasteFS: { getSize: (file: string) => files[file] },
        },
      }) as unknown as Test,
  );

const FILES = {
  '/repo/test/unit/shared/big.test.ts': 9000,
  '/repo/test/integration/iam.test.ts': 5000,
  '/repo/test/unit/cli/small.test.ts': 1000,
  '/repo/test/statemachines/fence.test.ts': 3000,
  '/repo/test/integration/drill-end.test.ts': 2000,
};

describe('WholePathsFirstSequencer', () => {
  it('starts the integration and state-machine suites first, biggest first, when no run recorded timings', () => {
    // Prepare: a cache directory with no timings in it, as in a clean checkout
    const tests = testsOf(FILES, '/nonexistent/jest-cache');

    // Act
    const order = new WholePathsFirstSequencer({} as never).sort(tests) as Test[];

    // Assess
    expect(order.map((test) => test.path)).toEqual([
      '/repo/test/integration/iam.test.ts',
      '/repo/test/statemachines/fence.test.ts',
      '/repo/test/integration/drill-end.test.ts',
      '/repo/test/unit/shared/big.test.ts',
      '/repo/test/unit/cli/small.test.ts',
    ]);
  });

  it("keeps jest's slowest-first order when an earlier run recorded timings", () => {
    // Prepare
    const tests = testsOf(FILES, '/nonexistent/jest-cache');
    const sequencer = new WholePathsFirstSequencer({} as never);
    const seconds: Record<string, number> = {
      '/repo/test/unit/shared/big.test.ts': 30,
      '/repo/test/integration/iam.test.ts': 20,
      '/repo/test/unit/cli/small.test.ts': 10,
      '/repo/test/statemachines/fence.test.ts': 2,
      '/repo/test/integration/drill-end.test.ts': 1,
    };
    // jest's own lookup of the recorded time (`time` is not in its typings)
    jest
      .spyOn(sequencer as unknown as { time(test: Test): number | undefined }, 'time')
      .mockImplementation((test) => seconds[test.path]);

    // Act
    const order = sequencer.sort(tests) as Test[];

    // Assess
    expect(order.map((test) => test.path)).toEqual(Object.keys(seconds));
  });

  it('starts the packaged-template and function-bundles suites last, in either order: they only wait for packaging, then check', () => {
    // Prepare
    const files = {
      ...FILES,
      '/repo/test/integration/packaged-template.test.ts': 8000,
      '/repo/test/integration/function-bundles.test.ts': 7000,
    };
    const withTimings = new WholePathsFirstSequencer({} as never);
    jest
      .spyOn(withTimings as unknown as { time(test: Test): number | undefined }, 'time')
      .mockImplementation((test) => (/(packaged-template|function-bundles)\.test\.ts$/.test(test.path) ? 90 : 1));

    // Act
    const clean = new WholePathsFirstSequencer({} as never).sort(testsOf(files, '/nonexistent/jest-cache')) as Test[];
    const timed = withTimings.sort(testsOf(files, '/nonexistent/jest-cache')) as Test[];

    // Assess
    expect(clean.map((test) => test.path)).toEqual([
      '/repo/test/integration/iam.test.ts',
      '/repo/test/statemachines/fence.test.ts',
      '/repo/test/integration/drill-end.test.ts',
      '/repo/test/unit/shared/big.test.ts',
      '/repo/test/unit/cli/small.test.ts',
      '/repo/test/integration/packaged-template.test.ts',
      '/repo/test/integration/function-bundles.test.ts',
    ]);
    expect(
      timed
        .slice(-2)
        .map((test) => test.path)
        .sort(),
    ).toEqual(['/repo/test/integration/function-bundles.test.ts', '/repo/test/integration/packaged-template.test.ts']);
    expect(timed).toHaveLength(7);
  });
});
