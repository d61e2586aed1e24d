import type { RestoreTestRecord } from '../../../../../shared/domain/restore-test';
import { PlanRegistry } from '../../../../../shared/plan/load';
import {
  type RecordUnfinishedTestDeps,
  type RestoreTestStopped,
  recordUnfinishedRestoreTest,
} from '../../../../../shared/usecases/restore-test/record-unfinished-test';
import { FakeClock, FakeEvents, FakeLog } from '../../../../support/fakes';
import { ordersPlan } from '../../../../support/plan-fixtures';

const SETTINGS = { subnetGroup: 'orders-restore-tests', securityGroup: 'sg-0a1b2c3d4e5f60789', timeoutMinutes: 60 };
const STARTED = Date.parse('2026-01-15T03:00:00.000Z');
const TEST_ID = 'orders-restore-20260115T030000Z';

/** The ledger's conditional write: a record is kept per start, test and database, and never overwritten here. */
class FakeRestoreTestLedger {
  readonly records = new Map<string, RestoreTestRecord>();

  async putRestoreTestIfAbsent(record: RestoreTestRecord): Promise<boolean> {
    const key = `${record.startedAt}#${record.testId}#${record.databaseId}`;
    if (this.records.has(key)) return false;
    this.records.set(key, record);
    return true;
  }
}

const stopped = (overrides: Partial<RestoreTestStopped> = {}): RestoreTestStopped => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:switchback-dev-restore-test:${TEST_ID}`,
  name: TEST_ID,
  status: 'FAILED',
  error: 'TimeoutError',
  cause: 'RDS did not answer',
  startDate: STARTED,
  ...overrides,
});

const INPUT = { plan: 'orders', action: 'restore-test', requestedBy: 'schedule' };

describe('recordUnfinishedRestoreTest', () => {
  let ledger: FakeRestoreTestLedger;
  let events: FakeEvents;
  let metrics: RestoreTestRecord[];
  let deps: RecordUnfinishedTestDeps;

  beforeEach(() => {
    ledger = new FakeRestoreTestLedger();
    events = new FakeEvents();
    metrics = [];
    deps = {
      plans: new PlanRegistry([ordersPlan({ backups: { restoreTest: SETTINGS } })]),
      ledger,
      metrics: { record: (record) => metrics.push(record) },
      events,
      clock: new FakeClock('2026-01-15T03:20:00.000Z'),
      log: new FakeLog(),
    };
  });

  it("records each database's test failed, keyed on the execution's start, with how it ended and the throwaway left", async () => {
    // Act
    const result = await recordUnfinishedRestoreTest(stopped(), INPUT, '2026-01-15T03:19:59Z', deps);

    // Assess
    expect(result).toEqual({ status: 'recorded', testId: TEST_ID, databases: ['orders-db', 'catalog'] });
    const records = [...ledger.records.values()];
    expect(
      records.map((record) => [record.databaseId, record.startedAt, record.passed, record.failure?.error]),
    ).toEqual([
      ['orders-db', '2026-01-15T03:00:00.000Z', false, 'TimeoutError'],
      ['catalog', '2026-01-15T03:00:00.000Z', false, 'TimeoutError'],
    ]);
    expect(records[0]?.failure?.cause).toMatch(
      /^the test failed before orders-db's test was recorded: RDS did not answer; its throwaway sbrt-orders-db-[0-9a-f]{10}, if one was made, is deleted by a later test's sweep once past 2026-01-15T04:00:00.000Z$/,
    );
    expect(records[0]).toMatchObject({ region: 'us-west-2', requestedBy: 'schedule', testId: TEST_ID });
    expect(records[0]?.cleanedUpAt).toBeUndefined();
    expect(events.published.map((event) => event.detailType)).toEqual(['Restore Test Failed', 'Restore Test Failed']);
    expect(metrics).toHaveLength(2);
  });

  it('leaves a database its own step recorded, and changes nothing when the event comes again', async () => {
    // Prepare: catalog's record step wrote its record before the execution failed
    await recordUnfinishedRestoreTest(stopped(), { ...INPUT, database: 'catalog' }, '2026-01-15T03:19:59Z', deps);
    const catalog = [...ledger.records.values()][0];
    events.published.length = 0;

    // Act
    const first = await recordUnfinishedRestoreTest(stopped(), INPUT, '2026-01-15T03:19:59Z', deps);
    const again = await recordUnfinishedRestoreTest(stopped(), INPUT, '2026-01-15T03:19:59Z', deps);

    // Assess
    expect(first).toEqual({ status: 'recorded', testId: TEST_ID, databases: ['orders-db'] });
    expect(again).toEqual({ status: 'recorded', testId: TEST_ID, databases: [] });
    expect([...ledger.records.values()].find((record) => record.databaseId === 'catalog')).toBe(catalog);
    expect(events.published).toHaveLength(1);
  });

  it.each([
    ['TIMED_OUT', null, 'States.Timeout', "the test timed out before orders-db's test was recorded;"],
    ['ABORTED', null, 'ExecutionAborted', "the test was stopped before orders-db's test was recorded;"],
  ] as const)('says that a test that %s ended so', async (status, error, recorded, said) => {
    // Act
    await recordUnfinishedRestoreTest(
      stopped({ status, error, cause: null }),
      { ...INPUT, database: 'orders-db' },
      '2026-01-15T03:19:59Z',
      deps,
    );

    // Assess: only the database the test named
    const records = [...ledger.records.values()];
    expect(records.map((record) => record.databaseId)).toEqual(['orders-db']);
    expect(records[0]?.failure?.error).toBe(recorded);
    expect(records[0]?.failure?.cause.startsWith(said)).toBe(true);
  });

  it.each([
    [
      'an input refused at Plan Restore Tests',
      stopped({ error: 'InvalidRunInput' }),
      INPUT,
      "the test's input was refused (InvalidRunInput): no database was tested",
    ],
    [
      'an unknown plan',
      stopped(),
      { ...INPUT, plan: 'billing' },
      'no plan named "billing": the test\'s input was refused',
    ],
    [
      'an unknown database',
      stopped(),
      { ...INPUT, database: 'ledger-db' },
      'database "ledger-db" is not in plan orders: expected one of orders-db, catalog',
    ],
  ])('records nothing for %s, and says why', async (_, detail, input, reason) => {
    // Act
    const result = await recordUnfinishedRestoreTest(detail, input, '2026-01-15T03:19:59Z', deps);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason });
    expect(ledger.records.size).toBe(0);
    expect(events.published).toHaveLength(0);
  });

  it('records nothing for a plan without restore tests, and names the field to add', async () => {
    // Prepare
    deps.plans = new PlanRegistry([ordersPlan()]);

    // Act
    const result = await recordUnfinishedRestoreTest(stopped(), INPUT, '2026-01-15T03:19:59Z', deps);

    // Assess
    expect(result).toEqual({
      status: 'ignored',
      reason: 'plan orders has no backups.restoreTest: add one (subnetGroup, securityGroup) to plans/orders.yml',
    });
    expect(ledger.records.size).toBe(0);
  });
});
