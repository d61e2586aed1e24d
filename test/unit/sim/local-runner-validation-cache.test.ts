import { readFileSync, writeFileSync } from 'node:fs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

type LocalRunnerModule = typeof import('../../../sim/local-runner');

/**
 * The installed packages local-runner loads, as this file loaded them: they keep nothing of the validation (that is
 * local-runner's own state and the cache file), so each fresh load below reuses them instead of evaluating the SDK's
 * SFN client and the engine again (about 0.2 s of CPU each time).
 */
const PACKAGES = ['@aws-sdk/client-sfn', 'aws-local-stepfunctions', 'jsonpath-plus', 'yaml'].map(
  (name) => [name, require(name) as unknown] as const,
);

/** The module as a new process loads it: nothing validated in memory, the cache file read afresh. */
const freshModule = (): LocalRunnerModule => {
  let loaded: LocalRunnerModule | undefined;
  jest.isolateModules(() => {
    for (const [name, exports] of PACKAGES) jest.doMock(name, () => exports);
    loaded = require('../../../sim/local-runner') as LocalRunnerModule;
  });
  return loaded as LocalRunnerModule;
};

const ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-cache-test';

/** A definition of its own per test (so no other test or run recorded it), valid or not as asked. */
const definition = (state: string, valid: boolean) =>
  ({
    StartAt: state,
    States: { [state]: valid ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: 'Nowhere' } },
  }) as unknown as StateMachineDefinition;

const unique = (label: string) => `${label}${process.pid}x${Date.now()}`;

describe('the validation of definitions remembered across processes', () => {
  const { VALIDATED_CACHE, validationCacheKey } = freshModule();
  const written: string[] = [];
  const lines = (): string[] => {
    try {
      return readFileSync(VALIDATED_CACHE, 'utf8').split('\n');
    } catch {
      return [];
    }
  };

  afterAll(() => {
    // Leave the cache as the other runs use it: without this file's test lines.
    const kept = lines().filter((line) => !written.includes(line));
    writeFileSync(VALIDATED_CACHE, kept.join('\n'));
  });

  it('records a definition that passed, and a later process does not validate that content again', () => {
    // Prepare
    const valid = definition(unique('Passed'), true);
    const key = validationCacheKey(valid) as string;
    written.push(key);

    // Act
    freshModule().validateForEngine(valid);

    // Assess
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(lines()).toContain(key);
  });

  it('never records a definition the engine refuses', () => {
    // Prepare
    const invalid = definition(unique('Refused'), false);
    const key = validationCacheKey(invalid) as string;

    // Act, Assess
    expect(() => freshModule().validateForEngine(invalid)).toThrow('State machine definition is invalid');
    expect(lines()).not.toContain(key);
    expect(() => new (freshModule().LocalRunner)({ stateMachineArn: ARN, definition: invalid })).toThrow(
      'State machine definition is invalid',
    );
  });

  it('skips the validation of exactly the content an earlier process recorded', () => {
    // Prepare: recorded as if an earlier process had validated it (it cannot have: it is invalid)
    const recorded = definition(unique('Recorded'), false);
    const key = validationCacheKey(recorded) as string;
    written.push(key);
    writeFileSync(VALIDATED_CACHE, `${lines().filter(Boolean).join('\n')}\n${key}\n`);
    const changed = definition(unique('Changed'), false);

    // Act, Assess: the engine is not asked for the recorded content, and is for any other
    expect(() => new (freshModule().LocalRunner)({ stateMachineArn: ARN, definition: recorded })).not.toThrow();
    expect(() => new (freshModule().LocalRunner)({ stateMachineArn: ARN, definition: changed })).toThrow(
      'State machine definition is invalid',
    );
  });
});
