import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';

/**
 * Cold-path weight: each Lambda bundle against a floor bundle, built the same way, that only constructs the AWS SDK
 * clients that function uses. With the SDK bundled its weight is a floor we do not control; what sits above it
 * (bytes, and module-init time: about 40% of a cold init is V8 compiling the file) is ours.
 */

/** The SDK client packages the product uses, and how the floor bundle constructs each one. */
export const BASELINE_CLIENTS: Readonly<Record<string, { imports: string; construct: string }>> = {
  '@aws-sdk/client-cloudwatch': { imports: 'CloudWatchClient', construct: 'new CloudWatchClient({})' },
  '@aws-sdk/client-dynamodb': { imports: 'DynamoDBClient', construct: 'new DynamoDBClient({})' },
  '@aws-sdk/lib-dynamodb': {
    imports: 'DynamoDBDocumentClient',
    construct: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  '@aws-sdk/client-eventbridge': { imports: 'EventBridgeClient', construct: 'new EventBridgeClient({})' },
  '@aws-sdk/client-iam': { imports: 'IAMClient', construct: 'new IAMClient({})' },
  '@aws-sdk/client-lambda': { imports: 'LambdaClient', construct: 'new LambdaClient({})' },
  '@aws-sdk/client-rds': { imports: 'RDSClient', construct: 'new RDSClient({})' },
  '@aws-sdk/client-route-53': { imports: 'Route53Client', construct: 'new Route53Client({})' },
  '@aws-sdk/client-route53-recovery-cluster': {
    imports: 'Route53RecoveryClusterClient',
    construct: 'new Route53RecoveryClusterClient({})',
  },
  '@aws-sdk/client-scheduler': { imports: 'SchedulerClient', construct: 'new SchedulerClient({})' },
  '@aws-sdk/client-secrets-manager': { imports: 'SecretsManagerClient', construct: 'new SecretsManagerClient({})' },
  '@aws-sdk/client-sfn': { imports: 'SFNClient', construct: 'new SFNClient({})' },
  '@aws-sdk/client-sqs': { imports: 'SQSClient', construct: 'new SQSClient({})' },
  '@aws-sdk/client-ssm': { imports: 'SSMClient', construct: 'new SSMClient({})' },
  '@aws-sdk/client-sts': { imports: 'STSClient', construct: 'new STSClient({})' },
};

const SDK_CLIENT_INPUT = /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))\//;

/**
 * The SDK client packages whose code a bundle holds, read from esbuild's metafile; sorted. Only inputs that left
 * bytes in the output count: esbuild lists every file it parsed, tree-shaken ones too.
 */
export const sdkClientsOf = (metafile: Pick<Metafile, 'outputs'>): string[] => {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = SDK_CLIENT_INPUT.exec(input.replaceAll('\\', '/'));
      if (match?.[1] && bytesInOutput > 0) found.add(match[1]);
    }
  }
  return [...found].sort();
};

/**
 * Source of a floor bundle that constructs one client of each package (lib-dynamodb needs the DynamoDB client it
 * wraps). Throws, naming the package, for a client the table above does not know: a floor that silently left a
 * client out would credit its weight to us.
 */
export const baselineSource = (packages: readonly string[]): string => {
  const lines: string[] = [];
  const constructs: string[] = [];
  const wanted = new Set(packages);
  if (wanted.has('@aws-sdk/lib-dynamodb')) wanted.add('@aws-sdk/client-dynamodb');
  for (const name of [...wanted].sort()) {
    const client = BASELINE_CLIENTS[name];
    if (!client) throw new Error(`no baseline client for ${name}: add its client class to BASELINE_CLIENTS`);
    lines.push(`import { ${client.imports} } from '${name}';`);
    constructs.push(client.construct);
  }
  lines.push(`export const clients = [${constructs.join(', ')}];`);
  return `${lines.join('\n')}\n`;
};

/** The esbuild options of serverless.yml's `custom.esbuild`, so the bench measures what is deployed. */
export const LAMBDA_BUILD = {
  bundle: true,
  minify: true,
  keepNames: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  logLevel: 'silent',
} as const;

export type Bundle = { name: string; file: string; bytes: number; clients: string[] };

/** Builds every `functions/*.ts` and one floor bundle per distinct client set into `outDir`. */
export const buildBundles = async (
  functionsDir: string,
  outDir: string,
): Promise<{ functions: Bundle[]; baselines: Map<string, Bundle> }> => {
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(functionsDir)
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const functions = await Promise.all(
    files.map(async (file): Promise<Bundle> => {
      const name = file.replace(/\.ts$/, '');
      const out = join(outDir, `${name}.js`);
      const result = await build({
        ...LAMBDA_BUILD,
        entryPoints: [join(functionsDir, file)],
        outfile: out,
        metafile: true,
      });
      const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
      return { name, file: out, bytes, clients: sdkClientsOf(result.metafile) };
    }),
  );
  const baselines = new Map<string, Bundle>();
  for (const fn of functions) {
    const key = fn.clients.join('+');
    if (baselines.has(key)) continue;
    const out = join(outDir, `baseline-${baselines.size}.js`);
    const result = await build({
      ...LAMBDA_BUILD,
      stdin: { contents: baselineSource(fn.clients), resolveDir: functionsDir, loader: 'ts' },
      outfile: out,
      metafile: true,
    });
    const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
    baselines.set(key, { name: `floor(${key || 'no SDK client'})`, file: out, bytes, clients: fn.clients });
  }
  return { functions, baselines };
};

/** Median of a non-empty list. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// Module init as Lambda pays it: read, compile and run the bundle's top level in a fresh process. Timed as the CPU
// time (user + system, all of the process's threads: V8 compiles on background threads too) that `require()` takes,
// not wall time: on a shared, loaded machine wall time mostly measures how long the process waited for a core.
const INIT_PROBE =
  'const c=process.cpuUsage();require(process.argv[1]);const d=process.cpuUsage(c);process.stdout.write(String((d.user+d.system)/1e3))';

/** CPU milliseconds to `require()` a bundle in a fresh Node process (the one running the bench). */
export const measureInit = (file: string): number => {
  const result = spawnSync(process.execPath, ['-e', INIT_PROBE, file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-west-2', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  const ms = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`init probe of ${file} failed: ${(result.stderr || result.stdout).split('\n')[0]}`);
  }
  return ms;
};

/**
 * A function's module init against its floor's. `ratio` is the median of the per-pair ratios (each function sample
 * over the floor sample taken next to it): the estimate the target is judged on. `init` and `floorInit` are each
 * side's least CPU ms over the samples, and `leastRatio` their ratio, printed for comparison.
 *
 * Why the pairs' median: this machine's speed drifts over minutes (steal time, clock), and a drift moves both sides
 * of a pair alike, so each pair's ratio cancels it; the median then resists the heavy tail of single samples. The
 * least sample assumes the undisturbed cost is a fixed floor that interference only adds to, and the machine does not
 * hold one: in one run the same floor bundle's least of 10 samples read 89 to 118 ms for the functions that share it.
 * Measured on identical bundles, 4 runs of 20 pairs for 12 functions (README, "Drills"): the run-to-run spread of
 * the pairs' median was 0.04-0.10, of the least-sample ratio 0.07-0.21, and with 10 pairs, as the bench used before,
 * of the least-sample ratio 0.13-0.34 (values from 0.81, which the function's extra work rules out, to 1.28).
 */
export type InitComparison = { init: number; floorInit: number; leastRatio: number; ratio: number };

/**
 * Each function's init against its floor's, over `runs` rounds (`pairs`: function file -> floor file). In every round
 * each function is sampled back to back with its floor, the floor first in even rounds and last in odd ones, so both
 * sides see the same stretches of the machine's load. `measure` is measureInit.
 */
export const pairedInits = (
  pairs: ReadonlyMap<string, string>,
  runs: number,
  measure: (file: string) => number = measureInit,
): Map<string, InitComparison> => {
  const samples = new Map<string, { init: number[]; floorInit: number[]; ratio: number[] }>();
  for (let round = 0; round < runs; round++) {
    for (const [file, floor] of pairs) {
      const floorFirst = round % 2 === 0;
      const floorBefore = floorFirst ? measure(floor) : Number.NaN;
      const init = measure(file);
      const floorInit = floorFirst ? floorBefore : measure(floor);
      const values = samples.get(file) ?? { init: [], floorInit: [], ratio: [] };
      values.init.push(init);
      values.floorInit.push(floorInit);
      values.ratio.push(init / floorInit);
      samples.set(file, values);
    }
  }
  return new Map(
    [...samples].map(([file, values]) => {
      const init = Math.min(...values.init);
      const floorInit = Math.min(...values.floorInit);
      return [file, { init, floorInit, leastRatio: init / floorInit, ratio: median(values.ratio) }];
    }),
  );
};

/** A target line in the bench's one form: `target <= 150 KiB: met` or `NOT MET`. */
export const targetLine = (label: string, met: boolean): string => `target ${label}: ${met ? 'met' : 'NOT MET'}`;
