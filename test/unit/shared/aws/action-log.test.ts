import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { FakeClock, FakeLog } from '../../../support/fakes';

const ACTION = {
  service: 'rds',
  operation: 'PromoteReadReplica',
  target: 'orders-db-replica',
  region: 'us-west-2',
} as const;

describe('RecordingActionLog', () => {
  let clock: FakeClock;
  let log: FakeLog;
  let actions: RecordingActionLog;

  beforeEach(() => {
    clock = new FakeClock('2026-11-25T03:01:31.000Z');
    log = new FakeLog();
    actions = new RecordingActionLog({ clock, log });
  });

  it('makes the call and records it when the run is live', async () => {
    // Prepare
    const call = jest.fn(async () => {
      clock.advance(2);
    });

    // Act
    const record = await actions.perform(ACTION, 'live', call);

    // Assess
    expect(call).toHaveBeenCalledTimes(1);
    expect(record).toEqual({ ...ACTION, at: '2026-11-25T03:01:31.000Z', dryRun: false });
  });

  it('makes the call when the run is a game day', async () => {
    // Prepare
    const call = jest.fn(async () => undefined);

    // Act
    const record = await actions.perform(ACTION, 'game-day', call);

    // Assess
    expect(call).toHaveBeenCalledTimes(1);
    expect(record.dryRun).toBe(false);
  });

  it('records the action without making the call when the run is a dry run', async () => {
    // Prepare
    const call = jest.fn(async () => undefined);

    // Act
    const record = await actions.perform(ACTION, 'dry-run', call);

    // Assess
    expect(call).not.toHaveBeenCalled();
    expect(record).toEqual({ ...ACTION, at: '2026-11-25T03:01:31.000Z', dryRun: true });
    expect(log.messages('info')).toContain('dry run: action planned, not made');
  });

  it('throws the call error unchanged when the call fails', async () => {
    // Prepare
    const failure = Object.assign(new Error('replica is backing-up'), { name: 'InvalidDBInstanceStateFault' });

    // Act
    const act = actions.perform(ACTION, 'live', async () => {
      throw failure;
    });

    // Assess
    await expect(act).rejects.toBe(failure);
  });
});
