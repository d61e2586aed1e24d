import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The project root, where `cli/bin/switchback.js` is run from. */
export const projectRoot = join(__dirname, '..', '..');

/**
 * Runs the real `switchback` entry point (node -> tsx) as a user would, with no AWS credentials or region.
 * `timeoutMs` bounds the spawn: a few seconds on a loaded machine, more for a drill.
 */
export const runSwitchback = (args: string[], timeoutMs: number) => {
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
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
