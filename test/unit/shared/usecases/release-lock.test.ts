import { releaseLock } from '../../../../shared/usecases/release-lock';
import { FakeLedger, FakeLog } from '../../../support/fakes';
import { lockOwner, runContext } from '../../../support/run-fixtures';

describe('releaseLock', () => {
  let ledger: FakeLedger;

  beforeEach(() => {
    ledger = new FakeLedger();
  });

  it('releases the lock the run holds', async () => {
    // Prepare
    const run = runContext();
    await ledger.acquireLock('orders', lockOwner(run.incidentId), new Date('2026-11-25T03:01:30.000Z'));

    // Act
    const result = await releaseLock({ run }, { ledger, log: new FakeLog() });

    // Assess
    expect(result).toEqual({ released: true });
    expect(ledger.locks.has('orders')).toBe(false);
  });

  it('leaves a lock held by another incident alone', async () => {
    // Prepare
    await ledger.acquireLock('orders', lockOwner('someone-else'), new Date('2026-11-25T03:01:30.000Z'));

    // Act
    await releaseLock({ run: runContext() }, { ledger, log: new FakeLog() });

    // Assess
    expect(ledger.locks.get('orders')?.holder).toBe('someone-else');
  });
});
