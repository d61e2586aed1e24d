import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDrill } from '../sim/drill';
import { withoutWall } from '../sim/report';
import { SCENARIO_NAMES } from '../sim/scenarios';

/**
 * `npx tsx scripts/drill-fingerprint.ts [--seeds 1,2] [--plans example.yml,...] [--scenarios a,b]`: runs every
 * scenario of every plan in plans/ over a few seeds, in this one process, and prints per drill a digest of what is
 * deterministic (the report without its wall-clock fields, the world's recorded calls, actions and bus events) and
 * the CPU the drill took (user + system, process.cpuUsage). An optimisation of the simulator must leave every digest
 * as it was: diff the digest column of two runs. The last line is a digest of all digests.
 */

const PROJECT = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2' },
    plans: { type: 'string' },
    scenarios: { type: 'string' },
  },
});
const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const seeds = (list(values.seeds) ?? []).map(Number);
if (seeds.some((seed) => !Number.isInteger(seed) || seed < 0)) {
  process.stderr.write('drill-fingerprint: --seeds takes whole numbers >= 0, e.g. --seeds 1,2\n');
  process.exit(2);
}
const plans =
  list(values.plans) ??
  readdirSync(join(PROJECT, 'plans'))
    .filter((file) => file.endsWith('.yml'))
    .sort();
const scenarios = list(values.scenarios) ?? [...SCENARIO_NAMES];

const digest = (value: unknown): string =>
  createHash('sha256')
    .update(
      JSON.stringify(value, (_key, item) => (item instanceof Uint8Array ? Buffer.from(item).toString('hex') : item)),
    )
    .digest('hex')
    .slice(0, 16);

const cpuMs = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const main = async (): Promise<void> => {
  const all = createHash('sha256');
  const moduleStart = process.cpuUsage();
  let first = true;
  for (const plan of plans) {
    for (const scenario of scenarios) {
      for (const seed of seeds) {
        const start = process.cpuUsage();
        let line: string;
        try {
          const { report, world } = await runDrill({
            planFile: join(PROJECT, 'plans', plan),
            scenario,
            seed,
            slackPreview: false,
          });
          const parts = {
            report: digest(withoutWall(report)),
            calls: digest(world.calls),
            actions: digest(world.actions),
            events: digest(world.bus.events),
          };
          line = `${report.outcome} ${digest(parts)} report=${parts.report} calls=${parts.calls}(${world.calls.length}) actions=${parts.actions} events=${parts.events}`;
        } catch (error) {
          line = `threw ${digest(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`;
        }
        all.update(`${plan} ${scenario} ${seed} ${line}\n`);
        const cpu = cpuMs(start);
        process.stdout.write(
          `${plan} ${scenario} ${seed} ${line} cpu=${Math.round(cpu)}ms${first ? ' (first)' : ''}\n`,
        );
        first = false;
      }
    }
  }
  process.stdout.write(`all ${all.digest('hex').slice(0, 16)} cpu=${Math.round(cpuMs(moduleStart))}ms\n`);
};

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
