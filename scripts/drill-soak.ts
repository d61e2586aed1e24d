import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../shared/plan/load';
import { legDnsDisagreements } from '../sim/dns-answers';
import { runDrill } from '../sim/drill';
import type { DrillOutcome, DrillReport } from '../sim/report';
import { isPlanLevelScenario, SCENARIO_NAMES } from '../sim/scenarios';

/**
 * `npm run drill:soak`: every scenario over many seeds, to prove that a drill always ends and always ends the way
 * its scenario says. Two passes:
 * - in one process: each of `--parallel` worker processes runs its share of scenario x seed, drill after drill
 *   in that one process (they share the SDK clients, the logger and the module state, as tests and the benchmark
 *   do; the hang this guards against was found that way);
 * - as separate processes: the `switchback drill --json` command, one process per drill, as a person or CI runs it.
 * Prints the runs, the failures and the slowest run; exits 1 on any failure.
 *
 *   npm run drill:soak -- [--seeds 200] [--process-seeds 5] [--parallel <cores>] [--plan plans/example.yml]
 */

const PROJECT = join(__dirname, '..');
/** The plan every drill of the soak runs (`--plan`, a plan file): the example plan by default. */
let planFile = join(PROJECT, 'plans', 'example.yml');
/** Real time one drill may take in the soak before it counts as stuck (a drill takes well under 2 s). */
const DRILL_WALL_TIMEOUT_MS = 30_000;
/**
 * Real time one `switchback drill` process may take before the soak kills it: past the command's own guard
 * (120 s), so that the guard's message, not the kill, reports a stuck drill.
 */
const PROCESS_KILL_MS = 150_000;

/** How each scenario must end when nobody answers an approval. */
const EXPECTED: Record<string, DrillOutcome> = {
  'region-outage': 'recovered',
  'lagging-replica': 'awaiting-approval',
  'promotion-fails': 'failed',
  'stale-backups': 'recovered',
  'dns-throttled': 'recovered',
  'flapping-health': 'recovered',
  'standby-missing': 'blocked',
  'record-missing': 'blocked',
  'record-not-failover': 'blocked',
  // Asks a person (the standby's endpoint fails its health check) when the plan switches DNS by editing records; an
  // ARC or alarm-health-check plan's readiness does not read it, and the failover recovers (expectedOutcome).
  'standby-unhealthy': 'awaiting-approval',
  'replica-backing-up': 'blocked',
  // A plan that switches DNS through Route 53's API, which us-east-1's outage takes down, stops before any database
  // change; one on ARC routing controls or an alarm's health check recovers (expectedOutcome).
  'us-east-1-outage': 'failed',
  'old-primary-returns': 'recovered',
  reprotect: 'recovered',
  failback: 'recovered',
  // The RDS standby stays 45 s behind: the failback waits its bound and stops with nothing changed.
  'failback-lagging': 'blocked',
  'game-day': 'recovered',
  'restore-test': 'tested',
  // The restore fails; the test itself ran, cleaned up and recorded the failure.
  'restore-fails': 'tested',
};

/** A plan-level scenario ends in the plan's refusal, as `plan validate` words it, before anything runs. */
const refusedAsExpected = (scenario: string, message: string): boolean =>
  isPlanLevelScenario(scenario) && message.includes('is not valid');

interface RunResult {
  scenario: string;
  seed: number;
  mode: 'in-process' | 'process';
  wallMs: number;
  /** Why this run counts as a failure; undefined when it ended as its scenario says. */
  problem?: string;
}

const parsePositive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    process.stderr.write(`drill:soak: --${name} must be a whole number >= 1, e.g. --${name} ${fallback}\n`);
    process.exit(2);
  }
  return Number(value);
};

/** How `scenario` must end with the soak's plan. */
const expectedOutcome = (scenario: string): DrillOutcome | undefined => {
  const recordsPlan = loadPlanFile(planFile).dnsSwitch.method === 'route53-records';
  if ((scenario === 'us-east-1-outage' || scenario === 'standby-unhealthy') && !recordsPlan) return 'recovered';
  return EXPECTED[scenario];
};

/** What is wrong with a drill's report for its scenario, if anything. */
const judge = (scenario: string, report: DrillReport): string | undefined => {
  const expected = expectedOutcome(scenario);
  if (expected && report.outcome !== expected) {
    return `outcome ${report.outcome}, expected ${expected}${report.failure ? ` (${report.failure.error}: ${report.failure.cause})` : ''}`;
  }
  // The drill's DNS and writer checks: a run that says it recovered while users would reach another region, or
  // while a database takes no writes there (sim/dns-answers.ts, sim/writer-check.ts).
  const [disagreement] = report.dns?.disagreements ?? [];
  if (disagreement) return `DNS check: ${disagreement}`;
  const [writer] = report.writers?.disagreements ?? [];
  if (writer) return `writer check: ${writer}`;
  const [leg] = legDnsDisagreements(report);
  if (leg) return `DNS check ${leg}`;
  return undefined;
};

const inProcess = async (scenario: string, seed: number): Promise<RunResult> => {
  const started = performance.now();
  try {
    const { report, lockHolder } = await runDrill({
      planFile,
      scenario,
      seed,
      slackPreview: false,
      wallTimeoutMs: DRILL_WALL_TIMEOUT_MS,
    });
    const lockProblem =
      report.outcome === 'awaiting-approval'
        ? lockHolder === report.incidentId
          ? undefined
          : `the paused run does not hold the lock (holder ${lockHolder})`
        : lockHolder === null
          ? undefined
          : `the lock is still held by ${lockHolder}`;
    const problem = judge(scenario, report) ?? lockProblem;
    return { scenario, seed, mode: 'in-process', wallMs: performance.now() - started, ...(problem ? { problem } : {}) };
  } catch (error) {
    const problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const wallMs = performance.now() - started;
    if (refusedAsExpected(scenario, problem)) return { scenario, seed, mode: 'in-process', wallMs };
    return { scenario, seed, mode: 'in-process', wallMs, problem };
  }
};

/** One `switchback drill --json` in its own process, killed if it outlives the guard. */
const asProcess = (scenario: string, seed: number): Promise<RunResult> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        join(PROJECT, 'cli', 'bin', 'switchback.js'),
        'drill',
        '--plan',
        planFile,
        '--scenario',
        scenario,
        '--seed',
        String(seed),
        '--json',
      ],
      { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, PROCESS_KILL_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const result: RunResult = { scenario, seed, mode: 'process', wallMs };
      if (killed) {
        result.problem = `killed after ${PROCESS_KILL_MS / 1000} s`;
      } else {
        try {
          const report = JSON.parse(stdout) as DrillReport;
          const problem = judge(scenario, report);
          if (problem) result.problem = problem;
        } catch {
          if (!(code === 1 && refusedAsExpected(scenario, stderr))) {
            result.problem = `exit ${code}, no report: ${stderr.trim().split('\n')[0] ?? ''}`;
          }
        }
      }
      resolve(result);
    });
  });

/**
 * A worker process that runs `seeds` of every scenario in-process, one drill after another, and prints each
 * result as a JSON line.
 */
const inProcessWorker = (seeds: number[], onResult: (result: RunResult) => void): Promise<void> =>
  new Promise((resolve) => {
    // tsx's hooks in the worker itself (as bench/storm.ts starts its child): tsx's own command would start a second Node.
    const args = ['--import', 'tsx', __filename, '--worker', seeds.join(','), '--plan', planFile];
    const child = spawn(process.execPath, args, {
      cwd: PROJECT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) onResult(JSON.parse(line) as RunResult);
    });
    child.on('close', (code) => {
      if (code !== 0) {
        onResult({
          scenario: 'worker',
          seed: seeds[0] ?? 0,
          mode: 'in-process',
          wallMs: 0,
          problem: `worker exited ${code}`,
        });
      }
      resolve();
    });
  });

/** The worker: every scenario for each of `seeds`, in this process. */
const runWorker = async (seeds: number[]): Promise<void> => {
  for (const scenario of SCENARIO_NAMES) {
    for (const seed of seeds) process.stdout.write(`${JSON.stringify(await inProcess(scenario, seed))}\n`);
  }
};

/** Runs `jobs` with at most `parallel` at once. */
const pool = async <T>(jobs: (() => Promise<T>)[], parallel: number): Promise<T[]> => {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job) results.push(await job());
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const summarize = (label: string, results: RunResult[], out: (line: string) => void): void => {
  const failures = results.filter((result) => result.problem);
  const slowest = results.reduce<RunResult | undefined>((a, b) => (a && a.wallMs >= b.wallMs ? a : b), undefined);
  out(
    `${label}: ${results.length} runs, ${failures.length} failures` +
      (slowest ? `, slowest ${slowest.scenario} seed ${slowest.seed} in ${seconds(slowest.wallMs)}` : ''),
  );
  for (const failure of failures.slice(0, 20)) {
    out(`  FAILED ${failure.scenario} seed ${failure.seed} (${failure.mode}): ${failure.problem}`);
  }
  if (failures.length > 20) out(`  … and ${failures.length - 20} more`);
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      'process-seeds': { type: 'string' },
      parallel: { type: 'string' },
      worker: { type: 'string' },
      plan: { type: 'string' },
    },
  });
  if (values.plan !== undefined) planFile = resolve(values.plan);
  // A plan that does not load stops the soak here, with the plan's own errors, not once per drill.
  loadPlanFile(planFile);
  if (values.worker !== undefined) {
    await runWorker(values.worker.split(',').map(Number));
    return;
  }
  const seeds = parsePositive('seeds', values.seeds, 200);
  const processSeeds = parsePositive('process-seeds', values['process-seeds'], 5);
  const parallel = parsePositive('parallel', values.parallel, Math.max(1, availableParallelism()));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const started = performance.now();

  out(
    `drill soak of ${relative(PROJECT, planFile)}: ${SCENARIO_NAMES.length} scenarios x ${seeds} seeds in ${parallel} worker process(es), ` +
      `then x ${processSeeds} seeds as one process per drill`,
  );
  const inProcessResults: RunResult[] = [];
  const shares = Array.from({ length: parallel }, (_, worker) =>
    Array.from({ length: seeds }, (_, index) => index + 1).filter((seed) => seed % parallel === worker),
  ).filter((share) => share.length > 0);
  const total = seeds * SCENARIO_NAMES.length;
  await Promise.all(
    shares.map((share) =>
      inProcessWorker(share, (result) => {
        inProcessResults.push(result);
        if (inProcessResults.length % 100 === 0 || inProcessResults.length === total) {
          const failed = inProcessResults.filter((run) => run.problem).length;
          out(
            `  ${inProcessResults.length}/${total} drills, ${failed} failures, ${seconds(performance.now() - started)}`,
          );
        }
      }),
    ),
  );
  for (const scenario of SCENARIO_NAMES) {
    summarize(
      `  ${scenario.padEnd(16)} in-process`,
      inProcessResults.filter((result) => result.scenario === scenario),
      out,
    );
  }
  const lost = seeds * SCENARIO_NAMES.length - inProcessResults.filter((r) => r.scenario !== 'worker').length;
  if (lost > 0) {
    inProcessResults.push({
      scenario: 'worker',
      seed: 0,
      mode: 'in-process',
      wallMs: 0,
      problem: `${lost} drills never reported`,
    });
  }
  out(`  (${seconds(performance.now() - started)})`);

  const processStarted = performance.now();
  const jobs = SCENARIO_NAMES.flatMap((scenario) =>
    Array.from({ length: processSeeds }, (_, index) => () => asProcess(scenario, index + 1)),
  );
  const processResults = await pool(jobs, parallel);
  for (const scenario of SCENARIO_NAMES) {
    summarize(
      `  ${scenario.padEnd(16)} processes `,
      processResults.filter((result) => result.scenario === scenario),
      out,
    );
  }
  out(`  (${seconds(performance.now() - processStarted)})`);

  out('');
  summarize('in one process', inProcessResults, out);
  summarize('as processes', processResults, out);
  const all = [...inProcessResults, ...processResults];
  const failures = all.filter((result) => result.problem).length;
  out(`total: ${all.length} runs, ${failures} failures, ${seconds(performance.now() - started)} of wall time`);
  process.exitCode = failures > 0 ? 1 : 0;
};

void main();
