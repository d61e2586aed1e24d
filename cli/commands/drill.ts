import { mkdir } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeScenarios, SCENARIO_NAMES } from '../../sim/scenario-catalog';
import { type CliDeps, UsageError } from '../context';
import { DRILL_EXIT_CODES, drillExitCode } from '../drill-exit-codes';
import { resolvePlanFile } from '../plan-arg';

/**
 * `switchback drill`: a local drill against the simulated two-region AWS. The real state machine and handlers run
 * in-process on a virtual clock; the report shows RTO and RPO against the plan's budgets.
 */

export interface DrillCommandOptions {
  plan: string;
  list?: boolean;
  scenario: string;
  seed: number;
  json?: boolean;
  out: string;
  approve?: boolean;
  deny?: boolean;
  slackWebhookUrl?: string;
  verbose?: boolean;
}

const parseSeed = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
    throw new InvalidArgumentError('expected a whole number from 0 to 4294967295, e.g. --seed 7');
  }
  return Number(value);
};

/** Runs the drill for the parsed options; returns the exit code for its verdict (DRILL_EXIT_CODES). */
export const runDrillCommand = async (
  options: DrillCommandOptions,
  { io, stdout }: Pick<CliDeps, 'io' | 'stdout'>,
): Promise<number> => {
  if (options.list) {
    for (const scenario of describeScenarios()) io.out(`${scenario.name.padEnd(17)} ${scenario.summary}`);
    return DRILL_EXIT_CODES.withinBudgets;
  }
  if (options.approve && options.deny) {
    throw new UsageError('give at most one of --approve and --deny');
  }
  if (options.slackWebhookUrl !== undefined && !/^https?:\/\/\S+$/.test(options.slackWebhookUrl)) {
    throw new UsageError('--slack-webhook-url must be an http(s) URL, e.g. https://hooks.slack.com/services/…');
  }
  if (!describeScenarios().some((scenario) => scenario.name === options.scenario)) {
    const { UnknownScenarioError } = await import('../../sim/errors');
    throw new UnknownScenarioError(options.scenario, SCENARIO_NAMES);
  }
  // A plan file or a plan's name, as in every command; a bad plan fails here, before anything starts.
  const planFile = resolvePlanFile(options.plan);
  // The report folder before the drill, not after it: a file in the way, a read-only disk or a missing permission is
  // told at once, not once the drill has run (the report is written there when it ends).
  await mkdir(options.out, { recursive: true });
  // Loaded only when a drill runs: it brings the simulator, the engine and every handler.
  const [{ runDrill }, { ProgressDisplay }] = await Promise.all([
    import('../../sim/drill'),
    import('../../sim/progress'),
  ]);
  const answer = options.approve ? 'approve' : options.deny ? 'deny' : undefined;
  const display = options.json
    ? undefined
    : new ProgressDisplay(stdout, `Switchback drill: ${planFile}, scenario ${options.scenario}, seed ${options.seed}`);
  const { report, paths } = await runDrill({
    planFile,
    scenario: options.scenario,
    seed: options.seed,
    ...(answer ? { answer } : {}),
    ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
    outDir: options.out,
    verbose: options.verbose ?? false,
    // The first line of each message's text fallback: what the channel shows in a notification.
    slackPreview: display ? (text: string) => display.note(`  [slack] ${text.split('\n')[0] ?? ''}`) : false,
    ...(display ? { onProgress: display.update } : {}),
  });
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    display?.finish(report, paths);
  }
  return drillExitCode(report);
};

/** Shown after the options of `switchback drill --help`: the scenarios and the exit codes. */
const drillHelp = (): string =>
  [
    '',
    'Scenarios (--scenario; `switchback drill --list` prints them alone):',
    ...describeScenarios().map((scenario) => `  ${scenario.name.padEnd(17)} ${scenario.summary}`),
    '',
    'Exit codes:',
    `  ${DRILL_EXIT_CODES.withinBudgets}  recovered within the RTO and RPO budgets`,
    `  ${DRILL_EXIT_CODES.error}  the drill could not run (a bad or missing plan, an unknown scenario, a stuck drill)`,
    `  ${DRILL_EXIT_CODES.usage}  bad flags`,
    `  ${DRILL_EXIT_CODES.overBudget}  recovered, but over the RTO or RPO budget`,
    `  ${DRILL_EXIT_CODES.notRecovered}  not recovered: failed, denied, blocked by the preflight, or stopped at an unanswered approval`,
  ].join('\n');

/** Registers `switchback drill`. */
export const registerDrill = (program: Command, deps: Pick<CliDeps, 'io' | 'stdout' | 'setExitCode'>): void => {
  program.addCommand(
    new Command('drill')
      .description('run a local drill: simulated outage, real state machine and handlers, RTO/RPO against budget')
      .option(
        '--plan <file|name>',
        "the DR plan to drill: a plan file, or a plan's name in plans/",
        'plans/example.yml',
      )
      .option(
        '--scenario <name>',
        `what goes wrong: ${describeScenarios()
          .map((scenario) => scenario.name)
          .join(', ')} (see below)`,
        'region-outage',
      )
      .option('--seed <n>', 'seed of every random draw: the same seed replays the same drill', parseSeed, 1)
      .option('--list', 'list the scenarios, each with what goes wrong, and exit')
      .option('--json', 'print only the report JSON on stdout')
      .option('--out <dir>', 'folder for the JSON and HTML reports', 'drill-reports')
      .addOption(new Option('--approve', 'approve the failover when it asks for approval').conflicts('deny'))
      .addOption(new Option('--deny', 'deny the failover when it asks for approval').conflicts('approve'))
      .addOption(
        new Option('--slack-webhook-url <url>', 'post the drill to this Slack incoming webhook').env(
          'SLACK_WEBHOOK_URL',
        ),
      )
      .option('--verbose', "show the product's logs")
      .addHelpText('after', drillHelp)
      .action(async (options: DrillCommandOptions) => {
        deps.setExitCode(await runDrillCommand(options, deps));
      }),
  );
};
