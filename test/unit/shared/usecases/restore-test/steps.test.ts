import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { RestoredResource, RestorePort } from '../../../../../shared/aws/restore';
import { LambdaValidationHook } from '../../../../../shared/aws/validation-hook';
import { checkRestore } from '../../../../../shared/usecases/restore-test/check-restore';
import type { RestoreTestRun } from '../../../../../shared/usecases/restore-test/context';
import { RestoreFailedError, RestoreTimedOutError } from '../../../../../shared/usecases/restore-test/errors';
import { beginRestoreTest } from '../../../../../shared/usecases/restore-test/plan-restore-test';
import { ordersPlan } from '../../../../support/plan-fixtures';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SETTINGS = { subnetGroup: 'orders-restore-tests', securityGroup: 'sg-0a1b2c3d4e5f60789' };
const NOW = new Date('2026-01-15T03:00:00Z');
const clock = (at: Date = NOW) => ({ now: () => at });

/** A RestorePort whose answers the test sets; every call is recorded. */
const fakeRestore = (overrides: Partial<RestorePort> = {}) => {
  const calls: string[] = [];
  const record =
    (name: string, answer: unknown) =>
    async (...args: unknown[]) => {
      calls.push(`${name} ${args.slice(1).map(String).join(' ')}`.trim());
      return answer;
    };
  const port = {
    replicatedBackup: record('replicatedBackup', undefined),
    clusterRestorable: record('clusterRestorable', undefined),
    restoreInstance: record('restoreInstance', 'started'),
    restoreCluster: record('restoreCluster', 'started'),
    createClusterInstance: record('createClusterInstance', 'started'),
    describeInstance: record('describeInstance', undefined),
    describeCluster: record('describeCluster', undefined),
    deleteInstance: record('deleteInstance', 'deleting'),
    deleteCluster: record('deleteCluster', 'deleting'),
    listByPrefix: record('listByPrefix', { instances: [], clusters: [] }),
    ...overrides,
  } as RestorePort;
  return { port, calls };
};

const resource = (identifier: string, status: string, extra: Partial<RestoredResource> = {}): RestoredResource => ({
  identifier,
  status,
  tags: {},
  ...extra,
});

const run: RestoreTestRun = {
  plan: 'orders',
  testId: 't1',
  region: 'us-west-2',
  startedAt: NOW.toISOString(),
  deadline: '2026-01-15T07:00:00.000Z',
  requestedBy: 'schedule',
};
const restoreState = {
  instance: 'sbrt-orders-db-x',
  restorePointTime: '2026-01-15T02:55:00.000Z',
  requestedAt: NOW.toISOString(),
  status: 'creating',
  pollSeconds: 60,
};

describe('beginRestoreTest', () => {
  it('plans every database and deletes only the throwaways past their deadline', async () => {
    // Prepare
    const { port, calls } = fakeRestore({
      listByPrefix: async () => ({
        instances: [
          resource('sbrt-old', 'available', { tags: { 'switchback:delete-after': '2026-01-15T02:00:00Z' } }),
          resource('sbrt-running', 'creating', { tags: { 'switchback:delete-after': '2026-01-15T05:00:00Z' } }),
          resource('sbrt-untagged-old', 'available', { createdAt: '2026-01-13T00:00:00Z' }),
          resource('sbrt-going', 'deleting', { tags: { 'switchback:delete-after': '2026-01-15T02:00:00Z' } }),
        ],
        clusters: [
          resource('sbrt-old-cluster', 'available', { tags: { 'switchback:delete-after': '2026-01-14T00:00:00Z' } }),
        ],
      }),
    });

    // Act
    const result = await beginRestoreTest(
      { plan: ordersPlan({ backups: { restoreTest: SETTINGS } }), testId: 't1', requestedBy: 'schedule' },
      { restore: port, clock: clock(), log: silent },
    );

    // Assess
    expect(result.databases.map((db) => db.id)).toEqual(['orders-db', 'catalog']);
    expect(result.run).toMatchObject({ region: 'us-west-2', deadline: '2026-01-15T07:00:00.000Z' });
    expect(result.validationHook).toBeNull();
    expect(result.sweep).toEqual({ swept: ['sbrt-old', 'sbrt-untagged-old', 'sbrt-old-cluster'] });
    expect(calls).toEqual([
      'deleteInstance sbrt-old',
      'deleteInstance sbrt-untagged-old',
      'deleteCluster sbrt-old-cluster',
    ]);
  });

  it('reports a sweep that fails and plans the test all the same', async () => {
    const { port } = fakeRestore({
      listByPrefix: async () => {
        throw Object.assign(new Error('no answer'), { name: 'TimeoutError' });
      },
    });

    const result = await beginRestoreTest(
      { plan: ordersPlan({ backups: { restoreTest: SETTINGS } }), testId: 't1', requestedBy: 'schedule' },
      { restore: port, clock: clock(), log: silent },
    );

    expect(result.sweep).toEqual({ swept: [], error: 'TimeoutError' });
    expect(result.databases).toHaveLength(2);
  });

  it('starts the test when its execution started, so that whoever records it later keys it the same', async () => {
    // Prepare: the step runs a few seconds after the execution began
    const { port } = fakeRestore();

    // Act
    const result = await beginRestoreTest(
      {
        plan: ordersPlan({ backups: { restoreTest: SETTINGS } }),
        testId: 't1',
        requestedBy: 'schedule',
        startedAt: '2026-01-15T02:59:57.250Z',
      },
      { restore: port, clock: clock(), log: silent },
    );

    // Assess: the deadline counts from that start (timeoutMinutes 240 by default)
    expect(result.run).toMatchObject({ startedAt: '2026-01-15T02:59:57.250Z', deadline: '2026-01-15T06:59:57.250Z' });
  });

  it('refuses a plan without backups.restoreTest, naming the field to add', async () => {
    const { port } = fakeRestore();
    await expect(
      beginRestoreTest(
        { plan: ordersPlan(), testId: 't1', requestedBy: 'x' },
        { restore: port, clock: clock(), log: silent },
      ),
    ).rejects.toThrow(
      'plan orders has no backups.restoreTest: add one (subnetGroup, securityGroup) to plans/orders.yml',
    );
  });
});

describe('checkRestore', () => {
  it('returns the endpoint once the instance is available', async () => {
    const { port } = fakeRestore({
      describeInstance: async () =>
        resource('sbrt-orders-db-x', 'available', { endpoint: { address: 'sbrt.example', port: 5432 } }),
    });
    const out = await checkRestore({ run, restore: restoreState }, { restore: port, clock: clock(), log: silent });
    expect(out).toMatchObject({
      status: 'available',
      availableAt: NOW.toISOString(),
      endpoint: { address: 'sbrt.example' },
    });
  });

  it('fails on a failed status and when the throwaway is gone', async () => {
    const failed = fakeRestore({ describeInstance: async () => resource('x', 'incompatible-restore') }).port;
    await expect(
      checkRestore({ run, restore: restoreState }, { restore: failed, clock: clock(), log: silent }),
    ).rejects.toThrow(RestoreFailedError);
    const gone = fakeRestore().port;
    await expect(
      checkRestore({ run, restore: restoreState }, { restore: gone, clock: clock(), log: silent }),
    ).rejects.toThrow(/is gone before it became available/);
  });

  it('keeps waiting before the deadline and stops at it', async () => {
    const { port } = fakeRestore({ describeInstance: async () => resource('x', 'creating') });
    const before = await checkRestore({ run, restore: restoreState }, { restore: port, clock: clock(), log: silent });
    expect(before.status).toBe('creating');
    await expect(
      checkRestore(
        { run, restore: restoreState },
        { restore: port, clock: clock(new Date(run.deadline)), log: silent },
      ),
    ).rejects.toThrow(RestoreTimedOutError);
  });

  it('adds the instance to a restored Aurora cluster once the cluster is available', async () => {
    const { port, calls } = fakeRestore({
      describeCluster: async () => resource('sbrt-catalog-x', 'available', { engine: 'aurora-postgresql' }),
    });
    const out = await checkRestore(
      {
        run,
        restore: {
          ...restoreState,
          cluster: 'sbrt-catalog-x',
          instance: 'sbrt-catalog-x-1',
          instanceClass: 'db.t4g.medium',
        },
      },
      { restore: port, clock: clock(), log: silent },
    );
    expect(out.status).toBe('creating');
    expect(calls).toContain('createClusterInstance sbrt-catalog-x aurora-postgresql [object Object]');
  });
});

describe('LambdaValidationHook', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());
  const hook = () => new LambdaValidationHook({ client: () => new LambdaClient({ region: 'us-west-2' }) });
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

  it('returns the hook verdict', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ passed: true, detail: 'rows match' }) });
    await expect(hook().invoke('h', { a: 1 })).resolves.toEqual({ passed: true, detail: 'rows match' });
  });

  it('fails the validation when the hook throws or answers something else', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: bytes({ errorType: 'Error', errorMessage: 'boom' }),
      })
      .resolvesOnce({ StatusCode: 200, Payload: bytes({ ok: true }) });
    await expect(hook().invoke('h', {})).resolves.toEqual({ passed: false, detail: 'hook failed: Error: boom' });
    await expect(hook().invoke('h', {})).resolves.toMatchObject({
      passed: false,
      detail: expect.stringMatching(/expected/),
    });
  });
});
