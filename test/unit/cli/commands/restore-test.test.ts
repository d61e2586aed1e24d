import { join } from 'node:path';
import { type RestoreTestOptions, restoreTestName, startRestoreTest } from '../../../../cli/commands/restore-test';
import { UsageError } from '../../../../cli/context';
import { fakeDeps } from '../support';

const ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-restore-test';
const now = new Date('2026-11-25T18:05:00.123Z');
const options = (overrides: Partial<RestoreTestOptions> = {}): RestoreTestOptions => ({
  plan: 'orders',
  stage: 'dev',
  stateMachineArn: ARN,
  ...overrides,
});

jest.setTimeout(60_000);

describe('switchback restore-test', () => {
  it('starts the restore-test state machine with the documented input, named by plan and time', async () => {
    // Prepare
    const starts: [string, object][] = [];
    const { deps, out } = fakeDeps({
      now,
      workflow: {
        startFailover: async (name, input) => {
          starts.push([name, input]);
          return { executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:${name}`, alreadyStarted: false };
        },
      },
    });

    // Act
    const code = await startRestoreTest(options({ database: 'orders-db', json: true }), deps);

    // Assess
    expect(code).toBe(0);
    expect(starts).toEqual([
      [
        'orders-restore-test-20261125T180500Z',
        { plan: 'orders', action: 'restore-test', requestedBy: 'alice', database: 'orders-db' },
      ],
    ]);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({
      testId: 'orders-restore-test-20261125T180500Z',
      alreadyStarted: false,
    });
  });

  it('says what to give when the state machine or a valid plan name is missing', async () => {
    const { deps } = fakeDeps({ now, env: { region: 'us-west-2' } });
    await expect(startRestoreTest(options({ stateMachineArn: undefined }), deps)).rejects.toThrow(UsageError);
    await expect(startRestoreTest(options({ stateMachineArn: undefined }), deps)).rejects.toThrow(
      /--state-machine-arn/,
    );
    await expect(startRestoreTest(options({ plan: 'Orders DB' }), deps)).rejects.toThrow(/is not a plan name/);
  });

  it('keeps execution names within 80 characters', () => {
    expect(restoreTestName('a'.repeat(70), now)).toHaveLength(80);
  });

  const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'plans', 'example.yml');
  type Printed = { restoreTests: { databaseId: string; passed: boolean; withinRto?: boolean }[] };

  it('runs locally on the simulator, prints the evidence of each database and exits 3 when a restore is over budget', async () => {
    const { deps, out } = fakeDeps({ now });
    const code = await startRestoreTest(options({ plan: EXAMPLE, local: true, json: true }), deps);
    const printed = JSON.parse(out.join('\n')) as Printed;
    // The example plan's restores (about 16 and 20 minutes) pass but miss its 15-minute RTO: exit 3, as a drill.
    expect(printed.restoreTests.map((t) => [t.databaseId, t.passed, t.withinRto])).toEqual([
      ['catalog', true, false],
      ['orders-db', true, false],
    ]);
    expect(code).toBe(3);
  });

  it('restores only the database --database names when run locally, as the deployment would', async () => {
    const { deps, out } = fakeDeps({ now });
    await startRestoreTest(options({ plan: EXAMPLE, local: true, json: true, database: 'catalog' }), deps);
    const printed = JSON.parse(out.join('\n')) as Printed;
    expect(printed.restoreTests.map((t) => t.databaseId)).toEqual(['catalog']);
  });

  it('refuses a --database the plan does not have, naming the ones it has, before running anything', async () => {
    const { deps, out } = fakeDeps({ now });
    const run = startRestoreTest(options({ plan: EXAMPLE, local: true, database: 'orders' }), deps);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(
      '--database: database "orders" is not in plan orders: expected one of orders-db, catalog',
    );
    expect(out).toEqual([]);
  });
});
