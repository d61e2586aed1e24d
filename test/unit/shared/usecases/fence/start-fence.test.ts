import type { ExecutionStatus, WorkflowPort } from '../../../../../shared/domain/ports';
import { planTopology, topologyAfterFailover } from '../../../../../shared/domain/topology';
import { PlanRegistry } from '../../../../../shared/plan/registry';
import { startFence } from '../../../../../shared/usecases/fence/start-fence';
import { FakeClock, FakeLedger, FakeLog } from '../../../../support/fakes';
import { ordersPlan } from '../../../../support/plan-fixtures';

class FakeFence implements Pick<WorkflowPort, 'startFailover'> {
  readonly started: { name: string; input: Record<string, unknown> }[] = [];
  async startFailover(name: string, input: object) {
    this.started.push({ name, input: input as Record<string, unknown> });
    return { executionArn: `arn:fence:${name}`, alreadyStarted: false };
  }
}

describe('startFence', () => {
  const plan = ordersPlan();
  const failedOver = topologyAfterFailover(planTopology(plan), {
    toRegion: 'us-west-2',
    at: '2026-11-25T03:09:00.000Z',
    incidentId: 'orders-20261125T030300Z-0000abcd',
  });
  let ledger: FakeLedger;
  let fence: FakeFence;
  const deps = (registry = new PlanRegistry([plan])) => ({
    plans: registry,
    ledger,
    fence,
    clock: new FakeClock('2026-11-25T03:41:07.000Z'),
    log: new FakeLog(),
  });

  beforeEach(() => {
    ledger = new FakeLedger();
    fence = new FakeFence();
  });

  it('starts the fence runbook after a failover, named after its incident, with an automatic trigger', async () => {
    // Prepare
    await ledger.putTopology('orders', failedOver);

    // Act
    const outcomes = await startFence({ incidentId: 'orders-20261125T030300Z-0000abcd', plan: 'orders' }, deps());

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ plan: 'orders', started: true })]);
    expect(fence.started).toEqual([
      {
        name: 'orders-20261125T030300Z-0000abcd-fence',
        input: expect.objectContaining({
          plan: 'orders',
          action: 'fence',
          mode: 'live',
          trigger: { type: 'automatic', by: 'failover' },
        }),
      },
    ]);
  });

  it('starts the fence after a standalone failback as <incident>-1-fence, even with fence.duringFailover off', async () => {
    // Prepare: back home, the old RDS writer in us-west-2 not looked at yet.
    const off = ordersPlan({ fence: { duringFailover: false } });
    await ledger.putTopology('orders', {
      ...planTopology(off),
      databases: planTopology(off).databases.map((db) =>
        db.kind === 'rds-read-replica'
          ? {
              ...db,
              standby: null,
              oldPrimary: {
                region: 'us-west-2',
                identifier: 'orders-db-replica',
                state: 'unknown' as const,
                since: '2026-11-26T09:10:00.000Z',
              },
            }
          : db,
      ),
    });

    // Act
    const outcomes = await startFence(
      { incidentId: 'orders-failback-20261126T0900Z', plan: 'orders', after: 'failback' },
      deps(new PlanRegistry([off])),
    );

    // Assess
    expect(outcomes).toEqual([
      expect.objectContaining({ plan: 'orders', started: true, execution: 'orders-failback-20261126T0900Z-1-fence' }),
    ]);
    expect(fence.started[0]?.input).toMatchObject({
      reason: 'fence after failback orders-failback-20261126T0900Z',
      trigger: { type: 'automatic', by: 'failback' },
    });
  });

  it('starts one retry per plan and minute while an old primary is not fenced', async () => {
    // Prepare
    await ledger.putTopology('orders', failedOver);

    // Act
    await startFence({}, deps());

    // Assess
    expect(fence.started.map((each) => [each.name, each.input.trigger])).toEqual([
      ['orders-fence-retry-20261125T0341Z', { type: 'automatic', by: 'fence-retry' }],
    ]);
  });

  it('starts nothing once every old primary is verified and the plan fences no record', async () => {
    // Prepare
    await ledger.putTopology('orders', {
      ...failedOver,
      databases: failedOver.databases.map((db) =>
        db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'fenced' as const } } : db,
      ),
    });

    // Act
    const outcomes = await startFence({}, deps());

    // Assess
    expect(fence.started).toEqual([]);
    expect(outcomes).toEqual([{ plan: 'orders', started: false, reason: 'nothing awaits fencing' }]);
  });

  it('still starts a retry while a record of the old region is not fenced, though the databases are', async () => {
    // Prepare
    const fenced = ordersPlan({
      dns: [
        {
          hostedZoneId: 'Z0123456789ORDERSAPI',
          records: [
            {
              name: 'api.orders.example.com',
              type: 'CNAME',
              primarySetIdentifier: 'api-us-east-1',
              standbySetIdentifier: 'api-us-west-2',
              fence: { method: 'maintenance-target', value: 'maintenance.orders.example.com' },
            },
          ],
        },
      ],
    });
    const dbsFenced = {
      ...failedOver,
      databases: failedOver.databases.map((db) =>
        db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'fenced' as const } } : db,
      ),
    };
    await ledger.putTopology('orders', dbsFenced);

    // Act
    await startFence({}, deps(new PlanRegistry([fenced])));
    await ledger.putTopology('orders', {
      ...dbsFenced,
      dnsFences: [
        {
          record: 'Z0123456789ORDERSAPI|api.orders.example.com|CNAME|api-us-east-1',
          region: 'us-east-1',
          state: 'fenced',
          since: '2026-11-25T03:40:00.000Z',
          replaced: ['us-east-1.api.orders.example.com'],
        },
      ],
    });
    await startFence({}, deps(new PlanRegistry([fenced])));

    // Assess: one run while the record was unfenced, none after
    expect(fence.started).toHaveLength(1);
  });

  describe("a plan with nothing to fence whose lock is held (the retry's tick)", () => {
    const HOLDER = 'orders-20261125T030300Z-0000abcd';
    const HOLDER_ARN = `arn:aws:states:us-west-2:123456789012:execution:switchback-failover:${HOLDER}`;
    /**
     * DescribeExecution as the test sets it: the holder's status (and when it stopped), or none (Step Functions no
     * longer knows it).
     */
    const executions = (status: string | undefined, stoppedAt?: string) => ({
      asked: [] as string[],
      async getExecutionStatus(executionArn: string): Promise<ExecutionStatus | undefined> {
        this.asked.push(executionArn);
        return status === undefined ? undefined : { executionArn, status, ...(stoppedAt ? { stoppedAt } : {}) };
      },
    });

    beforeEach(async () => {
      await ledger.acquireLock('orders', { incidentId: HOLDER, executionArn: HOLDER_ARN }, new Date());
    });

    it.each([
      ['ended FAILED', 'FAILED'],
      ['no longer exists', undefined],
    ])('starts a fence run whose Assess settles the lock when its execution %s', async (how, status) => {
      // Prepare
      const reader = executions(status);

      // Act
      const outcomes = await startFence({}, { ...deps(), executions: reader });

      // Assess: the retry's usual run, saying why
      expect(reader.asked).toEqual([HOLDER_ARN]);
      expect(fence.started.map((run) => run.name)).toEqual(['orders-fence-retry-20261125T0341Z']);
      const reason = `fence retry: the plan's lock is held by ${HOLDER}, whose execution ${how} without releasing it: its Assess records that run`;
      expect(fence.started[0]?.input).toMatchObject({ action: 'fence', reason });
      expect(outcomes).toEqual([
        { plan: 'orders', started: true, execution: 'orders-fence-retry-20261125T0341Z', reason },
      ]);
    });

    it("leaves a run that ended less than 5 minutes ago to on-run-failed's tries, and settles it after", async () => {
      // Act: the tick at 03:41:07, the holder stopped at 03:37:00, then at 03:36:00
      const recent = await startFence({}, { ...deps(), executions: executions('FAILED', '2026-11-25T03:37:00.000Z') });
      const older = await startFence({}, { ...deps(), executions: executions('FAILED', '2026-11-25T03:36:00.000Z') });

      // Assess
      expect(recent).toEqual([{ plan: 'orders', started: false, reason: 'nothing awaits fencing' }]);
      expect(older[0]).toMatchObject({ started: true });
      expect(older[0]?.reason).toContain(
        'whose execution ended FAILED at 2026-11-25T03:36:00.000Z without releasing it',
      );
    });

    it('starts nothing while the holder runs, nor without a way to read it', async () => {
      // Act
      const running = await startFence({}, { ...deps(), executions: executions('RUNNING') });
      const blind = await startFence({}, deps());

      // Assess
      expect(fence.started).toEqual([]);
      expect([...running, ...blind].map((outcome) => outcome.reason)).toEqual([
        'nothing awaits fencing',
        'nothing awaits fencing',
      ]);
    });

    it('reads no lock for a plan that needs fencing anyway', async () => {
      // Prepare
      await ledger.putTopology('orders', failedOver);
      const reader = executions('FAILED');

      // Act
      await startFence({}, { ...deps(), executions: reader });

      // Assess
      expect(reader.asked).toEqual([]);
      expect(fence.started[0]?.input.reason).toBe('fence retry: an old primary or record is not fenced yet');
    });
  });

  it('starts nothing after a failover when the plan turns fence.duringFailover off', async () => {
    // Prepare
    await ledger.putTopology('orders', failedOver);
    const off = ordersPlan({ fence: { duringFailover: false } });

    // Act
    const outcomes = await startFence({ incidentId: 'x-1', plan: 'orders' }, deps(new PlanRegistry([off])));

    // Assess
    expect(fence.started).toEqual([]);
    expect(outcomes[0]?.reason).toContain('fence.duringFailover is off');
  });
});
