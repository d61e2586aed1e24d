import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The CPU time of this process's ended children: what a suite run cost in CPU beside its wall time, which on this
 * machine tells a slow hour from a slower suite (the same commit's first `npm test` took 85 s of CPU one half-hour and
 * 114 s the next).
 */

/**
 * Clock ticks of a /proc/<pid>/stat line's cutime + cstime (fields 16 and 17): the user and system time of the
 * process's children that ended and were waited for, each with its own waited-for descendants. The fields are counted
 * after the command name's closing parenthesis, since the name may hold spaces and parentheses.
 */
export const childCpuTicks = (stat: string): number => {
  const after = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  // `after` starts at field 3 (the state): cutime is field 16, cstime field 17.
  const ticks = Number(after[13]) + Number(after[14]);
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: "${stat.slice(0, 80)}"`);
  return ticks;
};

let ticksPerSecond: number | undefined;

/**
 * CPU seconds (user + system) used so far by this process's ended children, or undefined where /proc is not there
 * (not Linux). A process that outlives its parent is not counted: esbuild's service process, which Node leaves to end
 * on its own (tsx's, in the CLIs some suites spawn; esbuild's builds run in a child that is waited for, and count, under
 * ESBUILD_WORKER_THREADS=0, which `npm test` sets).
 */
export const childCpuSeconds = (): number | undefined => {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  return childCpuTicks(stat) / ticksPerSecond;
};
