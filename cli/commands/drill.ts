import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeScenarios } from '../../sim/scenario-catalog';
import { UsageError } from '../context';
import { DRILL_EXIT_CODES, drillExitCode } from '../drill-exit-codes';

/**
 * `switchback drill`: a local drill against the simulated two-region AWS. The real state machine and handlers run
 * in-process on a virtual clock; the report shows RTO and RPO against the plan's budgets.
 */

export interface DrillCommandOptions {
  plan: string;
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
export const runDrillCommand = async (options: DrillCommandOptions): Promise<number> => {
  if (options.approve && options.deny) {
    throw new UsageError('give at most one of --approve and --deny');
  }
  if (options.slackWebhookUrl !== undefined && !/^https?:\/\/\S+$/.test(options.slackWebhookUrl)) {
    throw new UsageError('--slack-webhook-url must be an http(s) URL, e.g. https://hooks.slack.com/services/…');
  }
  if (!existsSync(options.plan)) {
    throw new UsageError(`plan file ${options.plan} does not exist: give --plan <file> (default plans/example.yml)`);
  }
  // Loaded only when a drill runs: it brings the simulator, the engine and every handler.
  const [{ runDrill }, { ProgressDisplay }, { loadPlanFile }] = await Promise.all([
    import('../../sim/drill'),
    import('../../sim/progress'),
    import('../../shared/plan/load'),
  ]);
  // Fail on a bad plan before anything starts, with the loader's field errors.
  loadPlanFile(options.plan);
  const answer = options.approve ? 'approve' : options.deny ? 'deny' : undefined;
  const display = options.json
    ? undefined
    : new ProgressDisplay(
        process.stdout,
        `Switchback drill: ${options.plan}, scenario ${options.scenario}, seed ${options.seed}`,
      );
  const { report, paths } = await runDrill({
    planFile: options.plan,
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
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
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
    `  ${DRILL_EXIT_CODES.notRecovered}  not recovered: failed, denied, or stopped at an unanswered approval`,
  ].join('\n');

/** Registers `switchback drill`. */
export const registerDrill = (program: Command): void => {
  program.addCommand(
    new Command('drill')
      .description('run a local drill: simulated outage, real state machine and handlers, RTO/RPO against budget')
      .option('--plan <file>', 'the DR plan to drill', 'plans/example.yml')
      .option(
        '--scenario <name>',
        'what goes wrong (region-outage, lagging-replica, promotion-fails, …)',
        'region-outage',
      )
      .option('--seed <n>', 'seed of every random draw: the same seed replays the same drill', parseSeed, 1)
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
        process.exitCode = await runDrillCommand(options);
      }),
  );
};
