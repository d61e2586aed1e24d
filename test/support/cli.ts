import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../cli/program';
import { VALIDATED_DEFINITIONS_ENV } from '../../sim/local-runner';

/** The project root, where `cli/bin/switchback.js` is run from. */
export const projectRoot = join(__dirname, '..', '..');

export interface SwitchbackResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `switchback` entry point (cli/bin/switchback.js: Node with tsx's hooks) as a user would, with no AWS
 * credentials or region: for what only a process shows (its exit status, stdout apart from stderr, that it ends, an
 * environment without credentials).
 * `timeoutMs` bounds the spawn: a few seconds on a loaded machine, more for a drill.
 */
export const runSwitchback = (args: string[], timeoutMs: number): SwitchbackResult => {
  const result = spawnSync(process.execPath, ['cli/bin/switchback.js', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      // The state machines test/global-setup.ts validated for this run (by content digest): a drill in the process
      // skips validating them again, as the in-process drills do (no AWS setting, the process still has none).
      ...(process.env[VALIDATED_DEFINITIONS_ENV]
        ? { [VALIDATED_DEFINITIONS_ENV]: process.env[VALIDATED_DEFINITIONS_ENV] }
        : {}),
      // Node's compile cache of the run (scripts/test.js sets it for every stage): V8's code for the modules the CLI
      // loads, from an earlier spawn or run, instead of compiling them again (a drill's process: about 0.25 s of its
      // 2.8 s of CPU). What the process does is the same with or without it.
      ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
      // The temporary folder the run was given (tsx keeps its compiled modules there), as a user's shell passes it.
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/**
 * Runs `switchback` in this process (cli/program.ts `main`, what the process runs) with an environment that names
 * no region or state machine, from the project root as `runSwitchback` does: the same arguments give the same
 * output and exit code, without starting node and tsx for each. Only for commands that fail or finish before any
 * AWS call, or that run against the simulator (`--local`, `drill`), which sets its own credentials and endpoints:
 * otherwise credentials would come from this process's environment.
 */
export const runSwitchbackInProcess = async (args: string[]): Promise<SwitchbackResult> => {
  if (process.cwd() !== projectRoot) {
    throw new Error(`run the tests from the project root (${projectRoot}): plan paths are relative to it`);
  }
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    {},
    {
      stdout: {
        write: (text: string) => {
          stdout += text;
          return true;
        },
      },
      stderr: {
        write: (text: string) => {
          stderr += text;
          return true;
        },
      },
    },
  );
  return { code, stdout, stderr };
};
