import { coldStart } from '../../../../../shared/runtime/warm';
import { defaultRecordDeps, defaultRestoreDeps } from '../../../../../shared/usecases/restore-test/deps';

describe('the restore test steps adapters', () => {
  it('are built once per process, and again after a cold start (a drill that is a deployment of its own)', () => {
    // Prepare
    const restore = defaultRestoreDeps();
    const record = defaultRecordDeps();

    // Act
    const warm = { restore: defaultRestoreDeps(), record: defaultRecordDeps() };
    coldStart();
    const cold = { restore: defaultRestoreDeps(), record: defaultRecordDeps() };

    // Assess
    expect(warm.restore).toBe(restore);
    expect(warm.record).toBe(record);
    expect(cold.restore).not.toBe(restore);
    expect(cold.record).not.toBe(record);
    expect(cold.record.ledger).not.toBe(record.ledger);
  });
});
