import { spawnSync } from 'node:child_process';

/**
 * The machine's speed of the moment, for the suite section: on the 2-core development machine the same work takes a
 * third more CPU from one hour to the next (the README's suite table: one commit's first `npm test` took 85 s of CPU one
 * half-hour and 114 s the next), so a suite run's CPU alone cannot tell a heavier suite from a slower hour. The probe
 * runs a fixed JavaScript workload of the suite's kind (objects built, JSON written and read back, a Map filled: what a
 * drill's SDK calls and state copies do) in a fresh Node process, and reports the least CPU time of a few tries. A
 * suite run's CPU divided by it stays put when only the hour changes, and grows when the suite does.
 */

/** The workload, as the source the probe's process runs: `rounds` rounds, `tries` times; prints its CPU ms per try. */
const probeSource = (rounds: number, tries: number): string => `
const work = () => {
  let sum = 0;
  for (let i = 0; i < ${rounds}; i++) {
    const items = Array.from({ length: 1000 }, (_, j) => ({ id: 'db-' + i + '-' + j, lag: (i * j) % 97, tags: ['a', 'b'] }));
    const text = JSON.stringify(items);
    const back = JSON.parse(text);
    const byId = new Map(back.map((item) => [item.id, item]));
    sum = (sum + byId.size + (text.length % 13)) % 1e9;
  }
  return sum;
};
const tries = [];
let checksum;
for (let t = 0; t < ${tries}; t++) {
  const start = process.cpuUsage();
  checksum = work();
  const used = process.cpuUsage(start);
  tries.push((used.user + used.system) / 1000);
}
process.stdout.write(JSON.stringify({ tries, checksum }));
`;

export interface SpeedProbe {
  /** The least CPU milliseconds of the tries: the machine's speed with the least interference. */
  ms: number;
  /** Every try's CPU milliseconds, in order. */
  tries: number[];
  /** What the workload computed: the same for the same rounds, so the work is done and is the same work. */
  checksum: number;
}

/** 400 rounds: about 230 ms of CPU a try on the development machine at a fast hour. */
export const PROBE_ROUNDS = 400;
export const PROBE_TRIES = 3;

/**
 * Runs the probe in a fresh Node process (the one running this, with no flags of its own).
 *
 * @throws Error naming what the process printed when it did not print the probe's result.
 */
export const speedProbe = (options: { rounds?: number; tries?: number } = {}): SpeedProbe => {
  const { rounds = PROBE_ROUNDS, tries = PROBE_TRIES } = options;
  const child = spawnSync(process.execPath, ['-e', probeSource(rounds, tries)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  let result: { tries?: unknown; checksum?: unknown };
  try {
    result = JSON.parse(child.stdout) as typeof result;
  } catch {
    throw new Error(
      `the speed probe printed no result (exit ${child.status}): ${(child.stderr || child.stdout).slice(0, 200)}`,
    );
  }
  const ms = Array.isArray(result.tries) ? result.tries.filter((n): n is number => typeof n === 'number') : [];
  if (ms.length !== tries || typeof result.checksum !== 'number') {
    throw new Error(`the speed probe printed an unexpected result: ${child.stdout.slice(0, 200)}`);
  }
  return { ms: Math.min(...ms), tries: ms, checksum: result.checksum };
};
