import { userInfo } from 'node:os';
import { types } from 'node:util';
import { Command, CommanderError } from 'commander';
import { InvalidRunInputError, SwitchbackError } from '../shared/errors';
import { systemClock } from '../shared/runtime/clock';
import { registerApprove } from './commands/approve';
import { registerDrill } from './commands/drill';
import { registerHistory } from './commands/history';
import { registerPlan } from './commands/plan';
import { awsReadinessDeps, registerReadiness } from './commands/readiness';
import { registerRestoreTest } from './commands/restore-test';
import { registerRun } from './commands/run';
import { registerStatus } from './commands/status';
import { type AwsTarget, type CliDeps, type CliEnv, type CliIo, UsageError } from './context';

/**
 * The `switchback` command as a function of its arguments, environment and output streams (cli/switchback.ts runs it
 * for the process). Exit codes: 0 done, 1 failed (invalid plan, AWS refused, nothing to approve), 2 usage error
 * (unknown command, missing or malformed option). User errors print one line, never a stack.
 */

/** The version of this switchback, from its package.json. */
const packageVersion: string = (require('../package.json') as { version: string }).version;

/** The CLI's environment, read once here (the Lambda functions read theirs in shared/runtime/config.ts). */
const readEnv = (env: NodeJS.ProcessEnv): CliEnv => {
  // The environment holds strings only (or nothing): nothing to check but presence.
  const parsed = {
    SWITCHBACK_STATE_MACHINE_ARN: env.SWITCHBACK_STATE_MACHINE_ARN,
    AWS_REGION: env.AWS_REGION,
    AWS_DEFAULT_REGION: env.AWS_DEFAULT_REGION,
  };
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Containers may run as a uid with no passwd entry; `--requested-by`/`--by` name the person then.
  }
  // An exported but empty variable means "not set".
  const region = parsed.AWS_REGION || parsed.AWS_DEFAULT_REGION;
  return {
    user,
    ...(region ? { region } : {}),
    ...(parsed.SWITCHBACK_STATE_MACHINE_ARN ? { stateMachineArn: parsed.SWITCHBACK_STATE_MACHINE_ARN } : {}),
  };
};

/** Where the CLI writes: the process's stdout and stderr, or a test's capture. */
export interface CliStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

const ioOf = (streams: CliStreams): CliIo => ({
  out: (line) => streams.stdout.write(`${line}\n`),
  err: (line) => streams.stderr.write(`${line}\n`),
});

/**
 * The AWS SDK clients and the adapters over them, loaded by the first command that calls AWS (about 0.2 s of CPU):
 * `plan validate`, `drill`, `readiness --local` and `--help` never load them. Each client has the timeouts and
 * attempts the functions' clients have (shared/aws/sdk/registry.ts CLIENT_TIMEOUTS): without them the SDK waits on an
 * endpoint that takes the connection and never answers for as long as the socket lives, and a person running
 * `switchback run` or `history` during an outage would see the command hang instead of "dynamodb Query got no answer
 * from its endpoint".
 */
const importAws = async () => {
  const [
    { timeoutOptions },
    { DynamoDBClient },
    { DynamoDBDocumentClient },
    { SFNClient },
    { STSClient },
    { StsIdentity },
    { DynamoLedger },
    { DynamoRestoreTestLedger },
    { StepFunctionsWorkflow },
  ] = await Promise.all([
    import('../shared/aws/sdk/registry'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-sfn'),
    import('@aws-sdk/client-sts'),
    import('../shared/aws/identity'),
    import('../shared/aws/ledger'),
    import('../shared/aws/restore-test-ledger'),
    import('../shared/aws/workflow'),
  ]);
  const documentClient = (target: AwsTarget) =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: target.region, ...timeoutOptions('dynamodb') }), {
      marshallOptions: { removeUndefinedValues: true },
    });
  return {
    ledger: (target: AwsTarget) => new DynamoLedger({ client: documentClient(target), tableName: target.tableName }),
    restoreTests: (target: AwsTarget) =>
      new DynamoRestoreTestLedger({ client: documentClient(target), tableName: target.tableName }),
    workflow: (target: AwsTarget) =>
      new StepFunctionsWorkflow({
        client: new SFNClient({ region: target.region, ...timeoutOptions('sfn') }),
        ...(target.stateMachineArn ? { stateMachineArn: target.stateMachineArn } : {}),
      }),
    identity: (target: AwsTarget) =>
      new StsIdentity({ client: new STSClient({ region: target.region, ...timeoutOptions('sts') }) }),
  };
};

let aws: ReturnType<typeof importAws> | undefined;
const loadAws = () => {
  aws ??= importAws();
  return aws;
};

/** Real AWS: clients for the deployment's region, built only by the commands that call AWS. */
const awsDeps = (env: CliEnv, streams: CliStreams, io: CliIo, setExitCode: (code: number) => void): CliDeps => ({
  io,
  stdout: streams.stdout,
  env,
  setExitCode,
  clock: systemClock,
  ledger: async (target) => (await loadAws()).ledger(target),
  workflow: async (target) => (await loadAws()).workflow(target),
  identity: async (target) => (await loadAws()).identity(target),
  // The scheduled function's readings (shared/aws/readiness-adapters.ts), on the targets it was deployed with.
  readiness: async (target, functionName) => {
    const sdk = await loadAws();
    return awsReadinessDeps(target, functionName, {
      ledger: sdk.ledger(target),
      restoreTests: sdk.restoreTests(target),
    });
  },
  // Loaded here, not with the other clients: only `readiness --record` invokes a function.
  readinessFunction: async (target, functionName) => {
    const { ReadinessFunction } = await import('../shared/aws/readiness-function');
    return new ReadinessFunction(functionName, { region: target.region });
  },
});

const oneLine = (text: string): string => text.replace(/\n\s*/g, ' ');

/** A file-system error code in words, with the fix. */
const systemProblem = (code: string): string =>
  ({
    ENOENT: 'it does not exist; check the path',
    EISDIR: 'it is a folder where a file is needed; give a file',
    ENOTDIR: 'part of the path is a file where a folder is needed; give a folder',
    EEXIST: 'a file of that name is in the way; give a folder',
    EACCES: 'permission denied; check its permissions or give another path',
    EPERM: 'permission denied; check its permissions or give another path',
    EROFS: 'the file system is read-only; give another path',
    ENOSPC: 'the disk is full; free some space or give another path',
  })[code] ?? `${code}; check the path`;

/** One line for a user, and the exit code. */
const describeFailure = (error: unknown): { line: string; exitCode: number } => {
  if (error instanceof UsageError) return { line: error.message, exitCode: 2 };
  if (error instanceof InvalidRunInputError) {
    const fields = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return { line: `invalid input: ${fields}`, exitCode: 2 };
  }
  if (error instanceof SwitchbackError) return { line: oneLine(error.message), exitCode: 1 };
  // isNativeError: an error from another realm (Node's own, seen from a vm context such as jest's) is no
  // `instanceof Error` here.
  if (error instanceof Error || types.isNativeError(error)) {
    if (error.name === 'CredentialsProviderError') {
      return {
        line: `no AWS credentials: ${error.message} (set AWS_PROFILE or log in with aws sso login)`,
        exitCode: 1,
      };
    }
    // A file the user named (--out, a path) that cannot be used: say which and why, in words.
    const system = error as { code?: unknown; path?: unknown; syscall?: unknown };
    if (typeof system.code === 'string' && typeof system.path === 'string') {
      return { line: `cannot use ${system.path}: ${systemProblem(system.code)}`, exitCode: 1 };
    }
    // The simulator's errors (an unknown scenario, a stuck drill) and any other: the message, never the class name.
    return { line: oneLine(error.message), exitCode: 1 };
  }
  return { line: oneLine(String(error)), exitCode: 1 };
};

/** Builds the program with every command. */
const buildProgram = (deps: CliDeps, streams: CliStreams): Command => {
  const program = new Command('switchback')
    .description('Switchback: disaster-recovery runbooks for two-region AWS applications')
    .version(packageVersion, '-V, --version', 'print the version of switchback')
    .showHelpAfterError('(run "switchback help" for the commands and their options)')
    .exitOverride();
  registerPlan(program, deps);
  registerRun(program, deps);
  registerRestoreTest(program, deps);
  registerApprove(program, deps);
  registerHistory(program, deps);
  registerStatus(program, deps);
  registerDrill(program, deps);
  registerReadiness(program, deps);
  // Subcommands do not inherit exitOverride or the output (commander would exit(1) on their usage errors, and
  // write to the process's streams).
  const output = {
    writeOut: (text: string) => streams.stdout.write(text),
    writeErr: (text: string) => streams.stderr.write(text),
  };
  for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    command.exitOverride().configureOutput(output);
  }
  return program;
};

/**
 * Runs `switchback <args>` (the arguments after the command name) and returns its exit code; it never exits the
 * process, so that tests can drive it in-process.
 */
export const main = async (args: string[], env: NodeJS.ProcessEnv, streams: CliStreams): Promise<number> => {
  let exitCode = 0;
  const io = ioOf(streams);
  const deps = awsDeps(readEnv(env), streams, io, (code) => {
    exitCode = code;
  });
  try {
    await buildProgram(deps, streams).parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its message already; --help and --version exit 0, every other case is usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    const failure = describeFailure(error);
    io.err(`switchback: ${failure.line}`);
    return failure.exitCode;
  }
};
