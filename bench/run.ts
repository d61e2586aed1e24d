import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { runDrill } from '../sim/drill';
import { criticalPathRatio, type DrillReport } from '../sim/report';
import { SCENARIO_NAMES } from '../sim/scenarios';

/**
 * `npm run bench`: how fast a drill replays (wall time), how close the product's failover comes to the fastest
 * one the timing model allows (critical-path ratio = RTO actual / lower bound), and how big each Lambda bundle is.
 * Targets: a default drill under 2 s of wall time, and a ratio of at most 1.02 (orchestration and polling add at
 * most 2% to the unavoidable detection, promotion and DNS time).
 */

const PLAN = join(__dirname, '..', 'plans', 'example.yml');
const DEFAULT_SCENARIO = 'region-outage';
const RUNS = 5;
const TARGET_RATIO = 1.02;
const TARGET_WALL_MS = 2000;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const drill = async (scenario: string, seed = 1): Promise<DrillReport> =>
  (await runDrill({ planFile: PLAN, scenario, seed, slackPreview: false })).report;

/** Bundles each functions/*.ts as serverless-esbuild would (minified, node22), in memory; returns bytes. */
const bundleSizes = async (): Promise<{ name: string; bytes: number }[]> => {
  const dir = join(__dirname, '..', 'functions');
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .sort();
  return Promise.all(
    files.map(async (file) => {
      const result = await build({
        entryPoints: [join(dir, file)],
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        write: false,
        logLevel: 'silent',
      });
      return {
        name: file.replace(/\.ts$/, ''),
        bytes: result.outputFiles.reduce((sum, out) => sum + out.contents.length, 0),
      };
    }),
  );
};

const main = async (): Promise<void> => {
  const out = (line = '') => process.stdout.write(`${line}\n`);

  const walls: number[] = [];
  let defaultReport: DrillReport | undefined;
  for (let run = 0; run < RUNS; run++) {
    const report = await drill(DEFAULT_SCENARIO);
    walls.push(report.wall.durationMs);
    defaultReport ??= report;
  }
  const wall = median(walls);
  out(`drill wall time (${DEFAULT_SCENARIO}, seed 1): median ${wall} ms of ${RUNS} runs [${walls.join(', ')} ms]`);
  out(`  target < ${TARGET_WALL_MS} ms: ${wall < TARGET_WALL_MS ? 'met' : 'NOT MET'}`);
  out();

  out(
    `${'scenario'.padEnd(18)}${'outcome'.padEnd(20)}${'RTO s'.padStart(9)}${'bound s'.padStart(9)}${'ratio'.padStart(8)}`,
  );
  for (const scenario of SCENARIO_NAMES) {
    const report = scenario === DEFAULT_SCENARIO && defaultReport ? defaultReport : await drill(scenario);
    const ratio = criticalPathRatio(report);
    out(
      `${scenario.padEnd(18)}${report.outcome.padEnd(20)}${(report.rto?.actualSeconds.toFixed(1) ?? '-').padStart(9)}${(report.criticalPath?.lowerBoundSeconds.toFixed(1) ?? '-').padStart(9)}${(ratio === null ? '-' : ratio.toFixed(3)).padStart(8)}`,
    );
  }
  out();

  out('function bundle sizes (esbuild, bundled, minified, node22):');
  for (const { name, bytes } of await bundleSizes()) {
    out(`  ${name.padEnd(18)}${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
  out();

  const ratio = defaultReport ? criticalPathRatio(defaultReport) : null;
  out(`critical-path ratio: ${ratio === null ? 'n/a' : ratio.toFixed(3)}`);
  out(`  target <= ${TARGET_RATIO}: ${ratio !== null && ratio <= TARGET_RATIO ? 'met' : 'NOT MET'}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
