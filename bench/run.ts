import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrill } from '../sim/drill';
import { countHistory, HISTORY_EVENT_LIMIT } from '../sim/history';
import { loadFailoverDefinition } from '../sim/local-runner';
import { criticalPathRatio, type DrillReport } from '../sim/report';
import { isPlanLevelScenario, SCENARIO_NAMES } from '../sim/scenarios';
import { childCpuSeconds } from './cpu';
import { LONG_PROMOTION_DATABASES, runLongPromotion, TARGET_HISTORY_EVENTS } from './long-promotion';
import { speedProbe } from './speed';
import { runStormProcess, stormReport } from './storm';
import { buildBundles, median, pairedInits, targetLine } from './weight';

/**
 * `npm run bench [section...]`: how fast a drill replays (wall time), how close the product's failover comes to the
 * fastest one the timing model allows (critical-path ratio = RTO actual / lower bound), and what each Lambda carries
 * above the AWS SDK floor (bundle KiB and module-init time against a bundle that only constructs its SDK clients).
 * Targets: a default drill under 2 s of wall time; a ratio of at most 1.02 (orchestration and polling add at most 2%
 * to the unavoidable detection, promotion and DNS time); per function at most 150 KiB above its floor and a module
 * init at most 1.2x the floor's (the CPU time of require() in a fresh process, each function sampled back to back with
 * its floor INIT_RUNS times; the median of the pairs' ratios, as bench/weight.ts argues, with the ratio of each side's
 * least sample printed beside it). The long-promotion section drills a plan with 10 databases whose promotions take 60 minutes
 * and a DNS change that takes 15 minutes to reach INSYNC: at most 6,250 Step Functions history events (a quarter of
 * the 25,000 quota) and an RTO ratio of at most 1.02. The alarm storm (bench/storm.ts): STORM_DELIVERIES alarm deliveries for one plan through the real
 * intake against dynalite, sequentially and with STORM_IN_FLIGHT in flight, and in flight with no container memory,
 * each run in a fresh process. The suite section runs `npm test` whole (scripts/test.js: type-check, lint, ASL
 * validation, packaging and every jest suite side by side) twice, first with nothing cached, then again, and times
 * each: under 60 s of wall time on a 2-core machine (the CPU time of its processes is printed beside it, bench/cpu.ts,
 * and the machine's speed before and after it, bench/speed.ts).
 * Sections: drill, long-promotion, weight, storm, suite (all by default).
 */

const PLAN = join(__dirname, '..', 'plans', 'example.yml');
const DEFAULT_SCENARIO = 'region-outage';
const RUNS = 5;
const TARGET_RATIO = 1.02;
const TARGET_WALL_MS = 2000;
const TARGET_ABOVE_FLOOR_KIB = 150;
const TARGET_INIT_RATIO = 1.2;
/** Fresh processes per bundle for the init estimate; BENCH_INIT_RUNS lowers it for a quick look (printed either way). */
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 20);
const SECTIONS = ['drill', 'long-promotion', 'weight', 'storm', 'suite'] as const;
const TARGET_SUITE_MS = 60_000;
const STORM_SEED = 1;
const STORM_DELIVERIES = 10_000;
const STORM_IN_FLIGHT = 50;

const drill = async (scenario: string, seed = 1): Promise<DrillReport> =>
  (await runDrill({ planFile: PLAN, scenario, seed, slackPreview: false })).report;

type Out = (line?: string) => void;

const drillSection = async (out: Out): Promise<void> => {
  const walls: number[] = [];
  let defaultReport: DrillReport | undefined;
  for (let run = 0; run < RUNS; run++) {
    const report = await drill(DEFAULT_SCENARIO);
    walls.push(report.wall.durationMs);
    defaultReport ??= report;
  }
  const wall = median(walls);
  out(`drill wall time (${DEFAULT_SCENARIO}, seed 1): median ${wall} ms of ${RUNS} runs [${walls.join(', ')} ms]`);
  out(`  ${targetLine(`< ${TARGET_WALL_MS} ms`, wall < TARGET_WALL_MS)}`);
  out();

  out(
    `${'scenario'.padEnd(22)}${'outcome'.padEnd(20)}${'RTO s'.padStart(9)}${'bound s'.padStart(9)}${'ratio'.padStart(8)}`,
  );
  // A plan-level scenario is refused by plan validation before anything runs: it has no RTO to compare.
  for (const scenario of SCENARIO_NAMES.filter((name) => !isPlanLevelScenario(name))) {
    const report = scenario === DEFAULT_SCENARIO && defaultReport ? defaultReport : await drill(scenario);
    const ratio = criticalPathRatio(report);
    out(
      `${scenario.padEnd(22)}${report.outcome.padEnd(20)}${(report.rto?.actualSeconds.toFixed(1) ?? '-').padStart(9)}${(report.criticalPath?.lowerBoundSeconds.toFixed(1) ?? '-').padStart(9)}${(ratio === null ? '-' : ratio.toFixed(3)).padStart(8)}`,
    );
  }
  out();

  const ratio = defaultReport ? criticalPathRatio(defaultReport) : null;
  out(`critical-path ratio: ${ratio === null ? 'n/a' : ratio.toFixed(3)}`);
  out(`  ${targetLine(`<= ${TARGET_RATIO}`, ratio !== null && ratio <= TARGET_RATIO)}`);
  if (defaultReport) {
    const history = countHistory(loadFailoverDefinition(), {
      status: 'SUCCEEDED',
      transitions: defaultReport.timeline,
    });
    out(
      `${DEFAULT_SCENARIO} failover execution: ${history.events} history events, ${history.stateTransitions} state transitions (states entered)`,
    );
  }
  out();
};

const longPromotionSection = async (out: Out): Promise<void> => {
  const wallStart = performance.now();
  const result = await runLongPromotion(PLAN);
  const wallMs = Math.round(performance.now() - wallStart);
  const { report, historyEvents, stateTransitions, rdsDescribesPerMinute: rds, rtoRatio } = result;
  out(
    `long-promotion (${LONG_PROMOTION_DATABASES} databases, promotions 60 min, DNS INSYNC after 15 min; region-outage, seed 1; ${wallMs} ms wall):`,
  );
  out(`  outcome: ${report.verdict}`);
  out(
    `  history events per run: ${historyEvents} (derived from the states entered, per state type; quota ${HISTORY_EVENT_LIMIT})`,
  );
  out(`    ${targetLine(`<= ${TARGET_HISTORY_EVENTS}`, historyEvents <= TARGET_HISTORY_EVENTS)}`);
  out(`  state transitions (states entered): ${stateTransitions}`);
  out(
    `  RDS describe calls: ${rds.total}, ${rds.mean.toFixed(1)} per minute on average, ${rds.peak} in the busiest minute`,
  );
  const bound = report.criticalPath?.lowerBoundSeconds;
  out(
    `  RTO ${report.rto?.actualSeconds.toFixed(1) ?? '-'} s; critical-path bound ${bound?.toFixed(1) ?? '-'} s (detection inside the RTO window + slowest promotion + INSYNC delay; fixed steps counted as 0)`,
  );
  out(`  RTO ratio: ${rtoRatio === null ? 'n/a' : rtoRatio.toFixed(4)}`);
  out(`    ${targetLine(`<= ${TARGET_RATIO}`, rtoRatio !== null && rtoRatio <= TARGET_RATIO)}`);
  out();
};

const weightSection = async (out: Out): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'switchback-bench-'));
  try {
    const { functions, baselines } = await buildBundles(join(__dirname, '..', 'functions'), dir);
    const pairs = new Map<string, string>();
    for (const fn of functions) {
      const floor = baselines.get(fn.clients.join('+'));
      if (floor) pairs.set(fn.file, floor.file);
    }
    const inits = pairedInits(pairs, INIT_RUNS);
    out(
      `function weight above the SDK floor (esbuild as serverless.yml: minified, keepNames, node22; floor = a bundle that`,
    );
    out(
      `only constructs the same SDK clients). init = CPU ms (user+sys) of require() in a fresh process; each function`,
    );
    out(
      `sampled back to back with its floor (floor first, then last, in turn), ${INIT_RUNS} pairs. ratio = the median of`,
    );
    out(
      `the pairs' ratios (each pair's two samples share the machine's speed of the moment), the target's measure; least`,
    );
    out(
      `ms and floor = each side's least sample, least x their ratio, for comparison; KiB x = bundle bytes / floor bytes:`,
    );
    // The name column fits the longest function name and a space
    const nameWidth = Math.max(...functions.map((fn) => fn.name.length)) + 1;
    out(
      `  ${'function'.padEnd(nameWidth)}${'KiB'.padStart(8)}${'floor'.padStart(8)}${'above'.padStart(8)}${'least ms'.padStart(9)}${'floor'.padStart(8)}${'least x'.padStart(8)}${'ratio'.padStart(7)}${'KiB x'.padStart(7)}  SDK clients`,
    );
    let weightMet = true;
    let initMet = true;
    const lines: string[] = [];
    for (const fn of functions) {
      const floor = baselines.get(fn.clients.join('+'));
      if (!floor) throw new Error(`no floor bundle for ${fn.name}`);
      const aboveKiB = (fn.bytes - floor.bytes) / 1024;
      const { init, floorInit, leastRatio, ratio } = inits.get(fn.file) ?? {
        init: Number.NaN,
        floorInit: Number.NaN,
        leastRatio: Number.NaN,
        ratio: Number.NaN,
      };
      weightMet &&= aboveKiB <= TARGET_ABOVE_FLOOR_KIB;
      initMet &&= ratio <= TARGET_INIT_RATIO;
      out(
        `  ${fn.name.padEnd(nameWidth)}${(fn.bytes / 1024).toFixed(0).padStart(8)}${(floor.bytes / 1024).toFixed(0).padStart(8)}${aboveKiB.toFixed(0).padStart(8)}${init.toFixed(0).padStart(9)}${floorInit.toFixed(0).padStart(8)}${leastRatio.toFixed(2).padStart(8)}${ratio.toFixed(2).padStart(7)}${(fn.bytes / floor.bytes).toFixed(2).padStart(7)}  ${fn.clients.map((c) => c.replace('@aws-sdk/', '')).join(', ')}`,
      );
      lines.push(
        `  ${fn.name.padEnd(nameWidth)}above floor ${targetLine(`<= ${TARGET_ABOVE_FLOOR_KIB} KiB`, aboveKiB <= TARGET_ABOVE_FLOOR_KIB)}; init ${targetLine(`<= ${TARGET_INIT_RATIO}x`, ratio <= TARGET_INIT_RATIO)}`,
      );
    }
    out();
    for (const line of lines) out(line);
    out(`weight above the SDK floor, every function: ${targetLine(`<= ${TARGET_ABOVE_FLOOR_KIB} KiB`, weightMet)}`);
    out(`module init vs floor, every function: ${targetLine(`<= ${TARGET_INIT_RATIO}x`, initMet)}`);
    out();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const stormSection = (out: Out): void => {
  // The real handler sequentially and in flight; then in flight with no container memory, the cost of a
  // duplicate that reaches a container that never saw its state change (Lambda runs up to 50 of them here).
  const runs = [
    { concurrency: 1, memo: true },
    { concurrency: STORM_IN_FLIGHT, memo: true },
    { concurrency: STORM_IN_FLIGHT, memo: false },
  ].map((run) => runStormProcess({ seed: STORM_SEED, count: STORM_DELIVERIES, ...run }));
  for (const line of stormReport(runs)) out(line);
  out();
};

/** One `npm test` (scripts/test.js, with the Node running the bench): its wall time, exit code and output. */
const timeNpmTest = async (env: NodeJS.ProcessEnv): Promise<{ wallMs: number; code: number; output: string }> => {
  const started = performance.now();
  const chunks: Buffer[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'scripts', 'test.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  return { wallMs: Math.round(performance.now() - started), code, output: Buffer.concat(chunks).toString('utf8') };
};

/**
 * Times `npm test` twice, as a newcomer meets it: first with nothing cached, as right after `npm ci` (which removes
 * node_modules and with it `node_modules/.cache`), then run again. For the first run the caches `npm test` keeps are
 * removed (the function bundles, the type check's, Node's compile cache, the validated state machines: all in
 * `node_modules/.cache/switchback`) and the runs get a new, empty temporary folder, where jest and tsx keep theirs
 * (the spawned CLIs' tsx too), and where osls keeps the validator it generates for serverless.yml's schema (which it
 * otherwise keeps in the home folder, about 3.7 s of CPU to generate).
 * Each run's summary (each stage's wall and CPU seconds) is printed, its whole output only when it fails, the load average
 * before it (the target is for an otherwise idle machine, and a loaded one says so) and the machine's speed before and
 * after it (bench/speed.ts: a slow hour and a heavier suite both cost more CPU; only the second costs more probes).
 */
const suiteSection = async (out: Out): Promise<void> => {
  const temp = mkdtempSync(join(tmpdir(), 'switchback-bench-suite-'));
  rmSync(join(__dirname, '..', 'node_modules', '.cache', 'switchback'), { recursive: true, force: true });
  try {
    for (const run of ['first run, nothing cached', 'run again']) {
      const load = loadavg()[0] ?? 0;
      const probeBefore = speedProbe();
      const cpuBefore = childCpuSeconds();
      const { wallMs, code, output } = await timeNpmTest({
        ...process.env,
        TMPDIR: temp,
        SLS_SCHEMA_CACHE_BASE_DIR: temp,
      });
      const cpuAfter = childCpuSeconds();
      const probeAfter = speedProbe();
      const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      const cpu = cpuSeconds === undefined ? '' : `, ${cpuSeconds.toFixed(1)} s CPU (user + system of its processes)`;
      out(
        `npm test (all of it), ${run}: ${(wallMs / 1000).toFixed(1)} s wall${cpu} on ${availableParallelism()} cores, load average ${load.toFixed(2)} before, ${code === 0 ? 'passed' : `FAILED (exit ${code})`}`,
      );
      const summary = output.split('---- npm test ----')[1];
      for (const line of (summary ?? '').trim().split('\n')) if (line) out(`  ${line}`);
      // The probe's CPU before and after the run, each the least of its tries (bench/speed.ts): the run's CPU over
      // their mean stays put when only the machine's speed changes, and grows when the suite does.
      const probeMs = (probeBefore.ms + probeAfter.ms) / 2;
      out(
        `  machine speed: the fixed workload of bench/speed.ts took ${probeBefore.ms.toFixed(0)} ms of CPU before the run, ${probeAfter.ms.toFixed(0)} ms after${cpuSeconds === undefined ? '' : `; the run's CPU is ${Math.round((cpuSeconds * 1000) / probeMs)}x their mean`}`,
      );
      if (code !== 0) out(output);
      out(`  ${targetLine(`< ${TARGET_SUITE_MS / 1000} s wall, passing`, code === 0 && wallMs < TARGET_SUITE_MS)}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  out();
};

const main = async (): Promise<void> => {
  const out: Out = (line = '') => process.stdout.write(`${line}\n`);
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench section "${unknown[0]}": use one or more of ${SECTIONS.join(', ')} (all by default)`,
    );
  }
  const wanted = asked.length > 0 ? asked : SECTIONS;
  if (wanted.includes('drill')) await drillSection(out);
  if (wanted.includes('long-promotion')) await longPromotionSection(out);
  if (wanted.includes('weight')) await weightSection(out);
  if (wanted.includes('storm')) stormSection(out);
  if (wanted.includes('suite')) await suiteSection(out);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
