import { REPROTECT_BACK_MAX_CHECKS } from '../../../../../shared/domain/failback';
import type { OldPrimaryState, Topology } from '../../../../../shared/domain/topology';
import { PlanRegistry } from '../../../../../shared/plan/registry';
import {
  type StartReprotectBackEvent,
  startReprotectBack,
} from '../../../../../shared/usecases/failback/start-reprotect-back';
import { FakeClock, FakeEvents, FakeLedger, FakeLog, FakeWorkflow } from '../../../../support/fakes';
import { ordersPlan } from '../../../../support/plan-fixtures';
import { endedRunRecord, runContext } from '../../../../support/run-fixtures';

const FENCE_ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-fence';
const INCIDENT = 'orders-failback-1';

/** After a standalone failback: us-east-1 writes again; orders-db's old writer in us-west-2 has the given state. */
const afterFailback = (state: OldPrimaryState): Topology => ({
  activeRegion: 'us-east-1',
  databases: [
    {
      id: 'orders-db',
      kind: 'rds-read-replica',
      writer: { region: 'us-east-1', identifier: 'orders-db-east' },
      standby: null,
      oldPrimary: { region: 'us-west-2', identifier: 'orders-db-replica', state, since: '2026-11-26T09:08:00.000Z' },
    },
    {
      id: 'catalog',
      kind: 'aurora-global',
      writer: { region: 'us-east-1', identifier: 'catalog-east' },
      standby: { region: 'us-west-2', identifier: 'catalog-west' },
    },
  ],
  lastFailbackIncidentId: INCIDENT,
});

describe('startReprotectBack', () => {
  let ledger: FakeLedger;
  let fence: FakeWorkflow;
  let reprotect: FakeWorkflow;
  let events: FakeEvents;
  const run = runContext({ incidentId: INCIDENT, action: 'failback', trigger: { type: 'manual' } });
  const deps = () => ({
    plans: new PlanRegistry([ordersPlan()]),
    ledger,
    fence,
    reprotect,
    events,
    fenceStateMachineArn: FENCE_ARN,
    clock: new FakeClock('2026-11-26T09:10:00.000Z'),
    log: new FakeLog(),
  });

  beforeEach(async () => {
    ledger = new FakeLedger();
    fence = new FakeWorkflow(FENCE_ARN);
    reprotect = new FakeWorkflow('arn:aws:states:us-west-2:123456789012:stateMachine:switchback-reprotect');
    events = new FakeEvents();
    await ledger.putRun(
      endedRunRecord(
        INCIDENT,
        {
          plan: 'orders',
          action: 'failback',
          mode: 'live',
          reason: 'home again',
          requestedBy: 'alice@example.com',
          trigger: { type: 'manual' },
        },
        'recovered',
      ),
    );
  });

  it('starts reprotect when Start Fence failed but the topology shows the old writer fenced by another run', async () => {
    // Prepare
    await ledger.putTopology('orders', afterFailback('fenced'));
    const event: StartReprotectBackEvent = { run, fence: { Error: 'Lambda.Unknown', Cause: 'died' } };

    // Act
    const back = await startReprotectBack(event, deps());

    // Assess
    expect(back).toMatchObject({ state: 'started', reprotect: { execution: `${INCIDENT}-2-reprotect` } });
    expect([...reprotect.executions.keys()]).toEqual([`${INCIDENT}-2-reprotect`]);
    expect(events.ofType('Reprotect After Failback')).toEqual([
      expect.objectContaining({ at: back.checkedAt, reprotectBack: expect.objectContaining({ state: 'started' }) }),
    ]);
    expect((await ledger.getRun('orders', INCIDENT))?.reprotectBack).toMatchObject({ state: 'started' });
  });

  it('waits while another run holds the lock, even with the old writer fenced, and says nothing new on a look like the last', async () => {
    // Prepare
    await ledger.putTopology('orders', afterFailback('fenced'));
    await ledger.acquireLock('orders', { incidentId: 'orders-fence-retry-1', executionArn: 'arn:retry' }, new Date());
    const detail = "waiting for orders-fence-retry-1 to release the plan's lock (the old writers are fenced)";
    const previous = { state: 'waiting' as const, checks: 3, pollSeconds: 30, checkedAt: '', detail };

    // Act
    const back = await startReprotectBack({ run, fence: { outcomes: [] }, previous }, deps());

    // Assess
    expect(back).toMatchObject({ state: 'waiting', checks: 4, detail });
    expect(reprotect.executions.size).toBe(0);
    expect(events.published).toEqual([]);
  });

  it('gives up after the last look with the command to run, naming what it waited for', async () => {
    // Prepare
    await ledger.putTopology('orders', afterFailback('fenced'));
    await ledger.acquireLock('orders', { incidentId: 'orders-fence-retry-1', executionArn: 'arn:retry' }, new Date());
    const previous = {
      state: 'waiting' as const,
      checks: REPROTECT_BACK_MAX_CHECKS - 1,
      pollSeconds: 30,
      checkedAt: '',
      detail: '',
    };

    // Act
    const back = await startReprotectBack({ run, fence: { outcomes: [] }, previous }, deps());

    // Assess
    expect(back).toMatchObject({
      state: 'not-started',
      checks: REPROTECT_BACK_MAX_CHECKS,
      command: 'switchback run --plan orders --action reprotect',
    });
    expect(back.detail).toBe(
      `still waiting for orders-fence-retry-1 to release the plan's lock (the old writers are fenced) after ${REPROTECT_BACK_MAX_CHECKS} looks`,
    );
    expect(events.ofType('Reprotect After Failback')).toHaveLength(1);
  });

  it('starts nothing when the fence could not be started and the old writer is not fenced, and says both commands', async () => {
    // Prepare
    await ledger.putTopology('orders', afterFailback('unknown'));

    // Act
    const back = await startReprotectBack({ run, fence: { Error: 'Lambda.Unknown' } }, deps());

    // Assess
    expect(back).toMatchObject({
      state: 'not-started',
      command: 'switchback run --plan orders --action fence, then switchback run --plan orders --action reprotect',
    });
    expect(back.detail).toBe(
      "orders-db's old writer orders-db-replica (us-west-2) not fenced: the fence could not be started (Lambda.Unknown)",
    );
    expect(reprotect.executions.size).toBe(0);
  });
});
