import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { DynamoLedger } from '../../../../shared/aws/ledger';
import { systemClock } from '../../../../shared/runtime/clock';
import { logger } from '../../../../shared/runtime/logger';
import { recordingStepAdapters } from '../../../../shared/runtime/step-adapters';

describe('recordingStepAdapters', () => {
  it("builds the step's own adapters, the ledger, its action log, the clock and the log on first use", () => {
    // Prepare
    const own = jest.fn(() => ({ rds: { name: 'rds adapter' } }));
    const adapters = recordingStepAdapters(own);

    // Act
    const built = adapters();

    // Assess
    expect(own).toHaveBeenCalledTimes(1);
    expect(built.rds).toEqual({ name: 'rds adapter' });
    expect(built.ledger).toBeInstanceOf(DynamoLedger);
    expect(built.actions).toBeInstanceOf(RecordingActionLog);
    expect(built.clock).toBe(systemClock);
    expect(built.log).toBe(logger);
  });

  it('hands out the same adapters for the life of the process', () => {
    // Prepare
    const own = jest.fn(() => ({ parameters: {} }));
    const adapters = recordingStepAdapters(own);

    // Act
    const first = adapters();
    const second = adapters();

    // Assess
    expect(second).toBe(first);
    expect(second.ledger).toBe(first.ledger);
    expect(own).toHaveBeenCalledTimes(1);
  });

  it('is not built until first asked for (a handler module loads without touching the environment)', () => {
    // Prepare
    const own = jest.fn(() => ({}));

    // Act
    recordingStepAdapters(own);

    // Assess
    expect(own).not.toHaveBeenCalled();
  });
});
