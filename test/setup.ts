import { appendFileSync } from 'node:fs';

// aws-sdk-client-mock-jest's matchers (about 40 ms to load) are imported by the files that use them, not here.

// Keep test output about behaviour, not Powertools' JSON logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// SWITCHBACK_TEST_CPU_LOG=<file>: each test file appends its path and the CPU seconds (user + system) its worker
// spent on it, from loading its modules to its last test: the measure to compare on a shared, loaded machine, where
// wall times mostly tell the load (`sort -k2 -n -r <file>` lists the costliest files).
const cpuLog = process.env.SWITCHBACK_TEST_CPU_LOG;
if (cpuLog) {
  const start = process.cpuUsage();
  afterAll(() => {
    const { user, system } = process.cpuUsage(start);
    appendFileSync(cpuLog, `${expect.getState().testPath} ${((user + system) / 1e6).toFixed(2)}\n`);
  });
}
