import { buildRunInput, manualIncidentId, type RunOptions, startRun } from '../../../../cli/commands/run';
import { UsageError } from '../../../../cli/context';
import { InvalidRunInputError } from '../../../../shared/errors';
import { fakeDeps } from '../support';

const arn = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover';
const now = new Date('2026-11-25T18:05:00.123Z');

const options = (overrides: Partial<RunOptions> = {}): RunOptions => ({
  plan: 'orders',
  reason: 'game day',
  mode: 'game-day',
  stage: 'dev',
  stateMachineArn: arn,
  ...overrides,
});

/** Runs `act` and returns the InvalidRunInputError it throws, failing the test otherwise. */
const inputError = (act: () => unknown): InvalidRunInputError => {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidRunInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidRunInputError');
};

describe('manualIncidentId', () => {
  it('joins plan, mode and the UTC second when the plan name is short', () => {
    expect(manualIncidentId('orders', 'dry-run', now)).toBe('orders-dry-run-20261125T180500Z');
  });

  it('shortens the plan name, never the time, when the id would pass 80 characters', () => {
    // Act
    const id = manualIncidentId(`a${'b'.repeat(62)}`, 'dry-run', now);

    // Assess
    expect(id).toHaveLength(80);
    expect(id.endsWith('-dry-run-20261125T180500Z')).toBe(true);
  });
});

describe('buildRunInput', () => {
  it('builds the documented input with the OS user when --requested-by is not given', () => {
    // Act
    const input = buildRunInput(options(), 'alice', now);

    // Assess
    expect(input).toEqual({
      plan: 'orders',
      action: 'failover',
      mode: 'game-day',
      reason: 'game day',
      requestedBy: 'alice',
      incidentId: 'orders-game-day-20261125T180500Z',
      trigger: { type: 'manual' },
    });
  });

  it('uses --requested-by when it is given', () => {
    expect(buildRunInput(options({ requestedBy: 'oncall-bot' }), 'alice', now).requestedBy).toBe('oncall-bot');
  });

  it('names --mode when the mode is not one of live, dry-run, game-day', () => {
    // Act
    const error = inputError(() => buildRunInput(options({ mode: 'fast' }), 'alice', now));

    // Assess
    expect(error.issues).toEqual([{ path: '--mode', message: 'expected one of: live, dry-run, game-day' }]);
  });

  it('names only --mode when the mode has characters an incident id cannot hold', () => {
    // Act
    const error = inputError(() => buildRunInput(options({ mode: 'live!' }), 'alice', now));

    // Assess
    expect(error.issues.map((issue) => issue.path)).toEqual(['--mode']);
  });

  it('names --reason when the reason is too short', () => {
    // Act
    const error = inputError(() => buildRunInput(options({ reason: 'x' }), 'alice', now));

    // Assess
    expect(error.issues).toEqual([{ path: '--reason', message: expect.stringContaining('at least 3 characters') }]);
  });
});

describe('startRun', () => {
  it('starts the execution named by the incident id with the validated input when the options are valid', async () => {
    // Prepare
    const startFailover = jest.fn().mockResolvedValue({ executionArn: `${arn}:x`, alreadyStarted: false });
    const { deps, out, targets } = fakeDeps({ workflow: { startFailover }, now });

    // Act
    const code = await startRun(options(), deps);

    // Assess
    expect(code).toBe(0);
    expect(startFailover).toHaveBeenCalledWith(
      'orders-game-day-20261125T180500Z',
      expect.objectContaining({ plan: 'orders', mode: 'game-day', requestedBy: 'alice' }),
    );
    expect(targets).toEqual([{ region: 'us-west-2', tableName: 'switchback-dev-ledger', stateMachineArn: arn }]);
    expect(out[0]).toBe('✓ started: failover of orders (mode game-day) as incident orders-game-day-20261125T180500Z');
    expect(out[2]).toContain('https://us-west-2.console.aws.amazon.com/states/');
  });

  it('says the run is already running when the execution exists', async () => {
    // Prepare
    const startFailover = jest.fn().mockResolvedValue({ executionArn: `${arn}:x`, alreadyStarted: true });
    const { deps, out } = fakeDeps({ workflow: { startFailover } });

    // Act
    await startRun(options(), deps);

    // Assess
    expect(out[0]).toMatch(/^= already running/);
  });

  it('calls no AWS when the input is invalid', async () => {
    // Prepare
    const startFailover = jest.fn();
    const { deps } = fakeDeps({ workflow: { startFailover } });

    // Act
    const act = startRun(options({ mode: 'live!' }), deps);

    // Assess
    await expect(act).rejects.toThrow(InvalidRunInputError);
    expect(startFailover).not.toHaveBeenCalled();
  });

  it('throws a UsageError naming --state-machine-arn when no state machine is given', async () => {
    // Prepare
    const { deps } = fakeDeps({ workflow: { startFailover: jest.fn() }, env: { region: 'us-west-2' } });

    // Act
    const act = startRun(options({ stateMachineArn: undefined }), deps);

    // Assess
    await expect(act).rejects.toThrow(UsageError);
    await expect(act).rejects.toThrow('--state-machine-arn');
  });

  it('starts the failback state machine beside the failover one when --action failback is given', async () => {
    // Prepare
    const startFailover = jest.fn().mockResolvedValue({ executionArn: `${arn}:x`, alreadyStarted: false });
    const { deps, out, targets } = fakeDeps({ workflow: { startFailover }, now, env: { stateMachineArn: arn } });

    // Act
    const code = await startRun(options({ action: 'failback', mode: 'live', stateMachineArn: undefined }), deps);

    // Assess
    expect(code).toBe(0);
    expect(targets[0]?.stateMachineArn).toBe(arn.replace(/-failover$/, '-failback'));
    expect(startFailover).toHaveBeenCalledWith(
      'orders-failback-live-20261125T180500Z',
      expect.objectContaining({ action: 'failback', mode: 'live' }),
    );
    expect(out[0]).toBe('✓ started: failback of orders (mode live) as incident orders-failback-live-20261125T180500Z');
  });

  it('names --action when the runbook is not one of them', async () => {
    // Prepare
    const startFailover = jest.fn();
    const { deps } = fakeDeps({ workflow: { startFailover } });

    // Act
    const act = startRun(options({ action: 'failforward' }), deps);

    // Assess
    await expect(act).rejects.toThrow(/--action: expected one of: failover, fence, reprotect, failback/);
    expect(startFailover).not.toHaveBeenCalled();
  });

  it('uses SWITCHBACK_STATE_MACHINE_ARN when --state-machine-arn is not given', async () => {
    // Prepare
    const startFailover = jest.fn().mockResolvedValue({ executionArn: `${arn}:x`, alreadyStarted: false });
    const { deps, targets } = fakeDeps({ workflow: { startFailover }, env: { stateMachineArn: arn } });

    // Act
    await startRun(options({ stateMachineArn: undefined }), deps);

    // Assess
    expect(targets[0]?.stateMachineArn).toBe(arn);
  });

  it('starts the reprotect state machine, derived from SWITCHBACK_STATE_MACHINE_ARN, with --action reprotect', async () => {
    // Prepare
    const startFailover = jest.fn().mockResolvedValue({ executionArn: 'x', alreadyStarted: false });
    const { deps, targets, out } = fakeDeps({ workflow: { startFailover }, env: { stateMachineArn: arn }, now });

    // Act
    await startRun(options({ stateMachineArn: undefined, action: 'reprotect', mode: 'dry-run' }), deps);

    // Assess
    expect(targets[0]?.stateMachineArn).toBe(
      'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-reprotect',
    );
    expect(startFailover).toHaveBeenCalledWith(
      'orders-reprotect-dry-run-20261125T180500Z',
      expect.objectContaining({ plan: 'orders', action: 'reprotect', mode: 'dry-run' }),
    );
    expect(out[0]).toBe(
      '✓ started: reprotect of orders (mode dry-run) as incident orders-reprotect-dry-run-20261125T180500Z',
    );
  });

  it('names --action when the runbook is unknown, and calls no AWS', async () => {
    // Prepare
    const startFailover = jest.fn();
    const { deps } = fakeDeps({ workflow: { startFailover } });

    // Act
    const act = startRun(options({ action: 'meteor' }), deps);

    // Assess
    await expect(act).rejects.toThrow(InvalidRunInputError);
    await expect(act).rejects.toThrow('--action');
    expect(startFailover).not.toHaveBeenCalled();
  });
});
