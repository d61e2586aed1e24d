// The order jest starts test files in. With timings from an earlier run (jest's cache) jest's own order stands:
// failed first, then slowest first. Without them (a clean checkout, as in CI) jest orders by file size, which starts
// the suites that run whole drills and state machines (test/integration, test/statemachines) late, and the run
// then ends with one worker busy on them and the other idle: start them first, biggest first within each group.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

/** Whether a test file runs whole paths: drills, state machines, the packaged template. */
const runsWholePaths = (test) => /[\\/]test[\\/](integration|statemachines)[\\/]/.test(test.path);

class WholePathsFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return [...sorted.filter(runsWholePaths), ...sorted.filter((test) => !runsWholePaths(test))];
  }
}

module.exports = WholePathsFirstSequencer;
