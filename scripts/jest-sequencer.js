// The order jest starts test files in. With timings from an earlier run (jest's cache) jest's own order stands:
// failed first, then slowest first. Without them (a clean checkout, as in CI) jest orders by file size, which starts
// the suites that run whole drills and state machines (test/integration, test/statemachines) late, and the run
// then ends with one worker busy on them and the other idle: start them first, biggest first within each group.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

/** Whether a test file runs whole paths: drills, state machines, the packaged template. */
const runsWholePaths = (test) => /[\\/]test[\\/](integration|statemachines)[\\/]/.test(test.path);

/**
 * Whether a test file does nothing but wait for `npm test`'s packaging (scripts/test.js starts jest beside it) and
 * then check what it wrote (the template, the function bundles' metafile): it goes last in either order, so that it
 * does not hold a worker idle while packaging runs (its recorded time, mostly waiting, would otherwise put it first).
 */
const onlyChecksTemplate = (test) => /[\\/](packaged-template|function-bundles)\.test\.ts$/.test(test.path);

class WholePathsFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const order = sorted.some((test) => test.duration != null)
      ? sorted
      : [...sorted.filter(runsWholePaths), ...sorted.filter((test) => !runsWholePaths(test))];
    return [...order.filter((test) => !onlyChecksTemplate(test)), ...order.filter(onlyChecksTemplate)];
  }
}

module.exports = WholePathsFirstSequencer;
