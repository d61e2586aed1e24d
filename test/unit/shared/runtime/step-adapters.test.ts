import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { EventBridgeEvents } from '../../../../shared/aws/events';
import { DynamoLedger } from '../../../../shared/aws/ledger';
import { systemClock } from '../../../../shared/runtime/clock';
import { logger } from '../../../../shared/runtime/logger';
import { recordingStepAdapters, runbookAdapters } from '../../../../shared/runtime/step-adapters';
import { coldStart } from '../../../../shared/runtime/warm';

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

  it('builds them again after a cold start (a drill that is a deployment of its own), and only then', () => {
    // Prepare
    const own = jest.fn(() => ({ parameters: {} }));
    const adapters = recordingStepAdapters(own);
    const warm = adapters();

    // Act
    coldStart();
    const cold = adapters();

    // Assess
    expect(cold).not.toBe(warm);
    expect(cold.ledger).not.toBe(warm.ledger);
    expect(adapters()).toBe(cold);
    expect(own).toHaveBeenCalledTimes(2);
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

describe('runbookAdapters', () => {
  it("builds the ledger, the bus, the clock, the log and the step's own adapters once, on first use", () => {
    // Prepare
    const own = jest.fn(() => ({ metrics: { name: 'metrics adapter' } }));
    const adapters = runbookAdapters(own);
    const untouched = jest.fn(() => ({}));
    runbookAdapters(untouched);

    // Act
    const first = adapters();
    const second = adapters();

    // Assess
    expect(untouched).not.toHaveBeenCalled();
    expect(own).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(first.ledger).toBeInstanceOf(DynamoLedger);
    expect(first.events).toBeInstanceOf(EventBridgeEvents);
    expect(first.clock).toBe(systemClock);
    expect(first.log).toBe(logger);
    expect(first.metrics).toEqual({ name: 'metrics adapter' });
  });

  it('builds only the shared adapters when the step has none of its own', () => {
    // Act
    const built = runbookAdapters()();

    // Assess
    expect(Object.keys(built).sort()).toEqual(['clock', 'events', 'ledger', 'log']);
  });
});
