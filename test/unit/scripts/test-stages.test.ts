import { spawnSync } from 'node:child_process';

const { childrenCpuSeconds, timedUnderSh } = require('../../../scripts/test.js') as {
  childrenCpuSeconds: (timesOutput: string) => number | undefined;
  timedUnderSh: (command: string, args: string[]) => [string, string[]];
};

describe("npm test's stage timing (scripts/test.js)", () => {
  it("reads the CPU time of the shell's children from POSIX `times`, as dash and bash print it", () => {
    // Act
    const dash = childrenCpuSeconds('0m0.000000s 0m0.004000s\n1m2.440000s 0m0.560000s\n');
    const bash = childrenCpuSeconds('0m0.001s 0m0.002s\n0m7.530s 0m1.870s\n');
    const notTimes = childrenCpuSeconds('sh: 1: times: not found\n');

    // Assess: the second line only, user and system added, minutes counted
    expect(dash).toBeCloseTo(63, 6);
    expect(bash).toBeCloseTo(9.4, 6);
    expect(notTimes).toBeUndefined();
  });

  it("runs a stage's command under sh with its exit status, and tells the CPU it used on file descriptor 3", () => {
    // Prepare: a command that uses some CPU, then fails
    const [command, args] = timedUnderSh(process.execPath, [
      '-e',
      'const end = process.cpuUsage().user + 100000; while (process.cpuUsage().user < end); process.exit(3)',
    ]);

    // Act
    const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8' });

    // Assess: the command's own status; its 0.1 s of user time (and Node's start) in what sh told
    expect(result.status).toBe(3);
    const cpu = childrenCpuSeconds(String(result.output[3]));
    expect(cpu).toBeGreaterThanOrEqual(0.1);
    expect(cpu).toBeLessThan(5);
  });
});
