import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { logger } from '../../../../shared/runtime/logger';
import { FakeClock, FakeLedger, FakeLog } from '../../../support/fakes';
import { runContext } from '../../../support/run-fixtures';

const run = (mode: 'live' | 'game-day' | 'dry-run') => ({ plan: 'orders', incidentId: 'orders-1', mode });

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
    const record = await actions.perform(ACTION, run('live'), call);

    // Assess
    expect(call).toHaveBeenCalledTimes(1);
    expect(record).toEqual({ ...ACTION, at: '2026-11-25T03:01:31.000Z', dryRun: false });
  });

  it('makes the call when the run is a game day', async () => {
    // Prepare
    const call = jest.fn(async () => undefined);

    // Act
    const record = await actions.perform(ACTION, run('game-day'), call);

    // Assess
    expect(call).toHaveBeenCalledTimes(1);
    expect(record.dryRun).toBe(false);
  });

  it('records the action without making the call when the run is a dry run', async () => {
    // Prepare
    const call = jest.fn(async () => undefined);

    // Act
    const record = await actions.perform(ACTION, run('dry-run'), call);

    // Assess
    expect(call).not.toHaveBeenCalled();
    expect(record).toEqual({ ...ACTION, at: '2026-11-25T03:01:31.000Z', dryRun: true });
    expect(log.messages('info')).toContain('dry run: action planned, not made');
  });

  it('throws the call error unchanged when the call fails', async () => {
    // Prepare
    const failure = Object.assign(new Error('replica is backing-up'), { name: 'InvalidDBInstanceStateFault' });

    // Act
    const act = actions.perform(ACTION, run('live'), async () => {
      throw failure;
    });

    // Assess
    await expect(act).rejects.toBe(failure);
  });

  it('appends the action to the run record as soon as it is made, and not when the call fails', async () => {
    // Prepare
    const ledger = new FakeLedger();
    const context = runContext();
    await ledger.putRun({ run: context, outcome: 'in-progress', phases: [], actions: [], warnings: [], endedAt: 'x' });
    const recording = new RecordingActionLog({ clock, log, ledger });
    const refused = Object.assign(new Error('no'), { name: 'InvalidDBInstanceStateFault' });

    // Act
    const made = await recording.perform(ACTION, context, async () => undefined);
    await expect(
      recording.perform({ ...ACTION, target: 'other' }, context, async () => {
        throw refused;
      }),
    ).rejects.toBe(refused);

    // Assess
    expect((await ledger.getRun('orders', context.incidentId))?.actions).toEqual([made]);
  });

  it('keeps the AWS service of an action in the real logger output, under awsService', async () => {
    // Prepare: the product's own Powertools logger, made to print
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    logger.setLogLevel('INFO');
    const real = new RecordingActionLog({ clock, log: logger });

    // Act
    try {
      await real.perform(ACTION, run('live'), async () => undefined);
      await real.perform(
        { ...ACTION, service: 'route53', operation: 'ChangeResourceRecordSets' },
        run('dry-run'),
        async () => undefined,
      );
    } finally {
      logger.setLogLevel('SILENT');
      write.mockRestore();
    }

    // Assess
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const made = entries.find((entry) => entry.message === 'action made');
    const planned = entries.find((entry) => entry.message === 'dry run: action planned, not made');
    expect(made).toMatchObject({ awsService: 'rds', operation: 'PromoteReadReplica', target: 'orders-db-replica' });
    expect(planned).toMatchObject({ awsService: 'route53', operation: 'ChangeResourceRecordSets' });
    // The logger's own service name is left alone.
    expect(made?.service).toBe('switchback');
  });
});
