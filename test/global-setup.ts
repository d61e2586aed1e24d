import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALIDATED_DEFINITIONS_ENV, validateForEngine } from '../sim/local-runner';

/**
 * Validates each runbook's state machine once for the whole run, as the local Step Functions engine would, and
 * tells every test file (jest workers inherit the environment) which ones passed: each file has its own module
 * registry, so each would otherwise pay the validation again (250-600 ms of CPU per definition). A definition that
 * does not pass is left out, and the suites that run it fail with the engine's own error.
 */
export default function validateStateMachines(): void {
  const dir = join(__dirname, '..', 'statemachines');
  const digests: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.asl.json'))) {
    try {
      digests.push(validateForEngine(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
    } catch {
      // Not recorded: the suites validate it themselves and report why it is invalid.
    }
  }
  process.env[VALIDATED_DEFINITIONS_ENV] = digests.join(',');
}
