import { spawnSync } from 'node:child_process';
import { childCpuSeconds, childCpuTicks } from '../../../bench/cpu';

describe('childCpuTicks', () => {
  it('reads cutime + cstime, fields 16 and 17, after a command name that holds spaces and parentheses', () => {
    // Prepare: fields 1-17 of a real line, with cutime 1234 and cstime 56, and a name that would shift a naive split
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 9000 120 0 0 800 90 1234 56 20 0 11 0 1 2 3';

    // Act
    const ticks = childCpuTicks(stat);

    // Assess
    expect(ticks).toBe(1290);
  });

  it('refuses a line that is not /proc/<pid>/stat, naming what it read', () => {
    expect(() => childCpuTicks('not a stat line')).toThrow(/not a \/proc\/<pid>\/stat line: "not a stat line"/);
  });
});

describe('childCpuSeconds', () => {
  it('grows by the CPU a child used once it ended; without /proc (not Linux), is undefined', () => {
    if (process.platform !== 'linux') {
      expect(childCpuSeconds()).toBeUndefined();
      return;
    }
    // Prepare
    const before = childCpuSeconds() ?? Number.NaN;

    // Act: a child that spins for 100 ms of CPU (ten clock ticks)
    spawnSync(process.execPath, [
      '-e',
      'const end = process.cpuUsage().user + 100000; while (process.cpuUsage().user < end);',
    ]);
    const after = childCpuSeconds() ?? Number.NaN;

    // Assess
    expect(after - before).toBeGreaterThanOrEqual(0.09);
  });
});
