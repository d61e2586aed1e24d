import { RecordingActionLog } from '../../../../../shared/aws/action-log';
import type { ReprotectCluster, ReprotectInstance, ReprotectPort } from '../../../../../shared/aws/reprotect';
import type { GlobalClusterState } from '../../../../../shared/domain/ports';
import type { ReprotectTarget } from '../../../../../shared/domain/reprotect';
import type { RunContext } from '../../../../../shared/domain/run';
import { ReprotectRefusedError } from '../../../../../shared/errors';
import { reprotectDatabase } from '../../../../../shared/usecases/reprotect/reprotect-database';
import { FakeClock, FakeEvents, FakeLag, FakeLedger, FakeLog } from '../../../../support/fakes';

const WRITER_ARN = 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica';

/** RDS as the reprotect step reads it: instances and snapshots by region and name; calls kept. */
class FakeReprotectRds implements ReprotectPort {
  readonly instances = new Map<string, ReprotectInstance>();
  readonly snapshots = new Map<string, string>();
  readonly calls: string[] = [];

  put(region: string, instance: Partial<ReprotectInstance> & { identifier: string }): this {
    this.instances.set(`${region}/${instance.identifier}`, {
      arn: `arn:aws:rds:${region}:123456789012:db:${instance.identifier}`,
      status: 'available',
      encrypted: true,
      deletionProtection: false,
      ...instance,
    });
    return this;
  }

  async describeInstance(region: string, identifier: string) {
    return this.instances.get(`${region}/${identifier}`);
  }
  async describeCluster(): Promise<ReprotectCluster | undefined> {
    return undefined;
  }
  async describeGlobalCluster(): Promise<GlobalClusterState | undefined> {
    return undefined;
  }
  async describeSnapshot(region: string, identifier: string) {
    return this.snapshots.get(`${region}/${identifier}`);
  }
  async createSnapshot(region: string, instance: string, snapshot: string) {
    this.calls.push(`CreateDBSnapshot ${instance} ${snapshot}`);
    this.snapshots.set(`${region}/${snapshot}`, 'creating');
    return 'started' as const;
  }
  async createReadReplica(region: string, request: { identifier: string; sourceArn: string }) {
    this.calls.push(`CreateDBInstanceReadReplica ${request.identifier}`);
    this.put(region, { identifier: request.identifier, status: 'creating', replicationSource: request.sourceArn });
    return 'started' as const;
  }
  async createSecondaryCluster() {
    this.calls.push('CreateDBCluster');
    return 'started' as const;
  }
  async createClusterInstance() {
    this.calls.push('CreateDBInstance');
    return 'started' as const;
  }
  async deleteInstance(region: string, identifier: string, finalSnapshot: string) {
    this.calls.push(`DeleteDBInstance ${identifier} ${finalSnapshot}`);
    const instance = this.instances.get(`${region}/${identifier}`);
    if (instance) instance.status = 'deleting';
    return 'deleting' as const;
  }
}

const target = (overrides: Partial<ReprotectTarget> = {}): ReprotectTarget => ({
  id: 'orders-db',
  kind: 'rds-read-replica',
  writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
  oldPrimary: { region: 'us-east-1', identifier: 'orders-db' },
  region: 'us-east-1',
  names: {
    standby: 'orders-db-replica-rp-abc123',
    snapshot: 'orders-db-pre-abc123',
    finalSnapshot: 'orders-db-final-abc123',
  },
  path: 'rds-replica',
  kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
  deleteOldPrimary: false,
  maxLagSeconds: 60,
  ...overrides,
});

const run: RunContext = {
  incidentId: 'orders-reprotect-1',
  plan: 'orders',
  action: 'reprotect',
  mode: 'live',
  reason: 'back',
  requestedBy: 'alice',
  trigger: { type: 'manual' },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: '2026-11-25T05:00:00.000Z',
  startedAt: '2026-11-25T05:00:00.000Z',
  executionArn: 'arn:exec',
  epoch: 1,
};

const setUp = () => {
  const clock = new FakeClock('2026-11-25T05:00:00.000Z');
  const log = new FakeLog();
  const ledger = new FakeLedger();
  const rds = new FakeReprotectRds()
    .put('us-west-2', { identifier: 'orders-db-replica', arn: WRITER_ARN })
    .put('us-east-1', { identifier: 'orders-db', status: 'stopped' });
  const lag = new FakeLag();
  const deps = {
    rds,
    lag,
    ledger,
    events: new FakeEvents(),
    actions: new RecordingActionLog({ clock, log }),
    clock,
    log,
  };
  return { rds, lag, ledger, clock, deps };
};

describe('reprotectDatabase', () => {
  it('deletes the old primary with a final snapshot once the replica is within the RPO budget, when the plan asks', async () => {
    // Prepare: the snapshot is available, the replica replicates with 5 s of lag.
    const { rds, lag, ledger, clock, deps } = setUp();
    await ledger.acquireLock('orders', { incidentId: run.incidentId, executionArn: run.executionArn }, clock.now());
    rds.snapshots.set('us-east-1/orders-db-pre-abc123', 'available');
    rds.put('us-east-1', {
      identifier: 'orders-db-replica-rp-abc123',
      replicationSource: WRITER_ARN,
      replication: 'replicating',
    });
    lag.setRds('us-east-1', 'orders-db-replica-rp-abc123', 5);

    // Act
    const result = await reprotectDatabase({ run, target: target({ deleteOldPrimary: true }) }, deps);

    // Assess
    expect(rds.calls).toEqual(['DeleteDBInstance orders-db orders-db-final-abc123']);
    expect(result).toMatchObject({
      state: 'protected',
      done: true,
      oldPrimary: 'deleting',
      snapshot: 'orders-db-pre-abc123',
    });
    expect(result.detail).toContain('orders-db (us-east-1) deleting (final snapshot orders-db-final-abc123)');
  });

  it('keeps an old primary with deletion protection on, and says so, instead of deleting it', async () => {
    // Prepare
    const { rds, lag, deps } = setUp();
    rds.put('us-east-1', { identifier: 'orders-db', status: 'stopped', deletionProtection: true });
    rds.snapshots.set('us-east-1/orders-db-pre-abc123', 'available');
    rds.put('us-east-1', {
      identifier: 'orders-db-replica-rp-abc123',
      replicationSource: WRITER_ARN,
      replication: 'replicating',
    });
    lag.setRds('us-east-1', 'orders-db-replica-rp-abc123', 1);

    // Act
    const result = await reprotectDatabase({ run, target: target({ deleteOldPrimary: true }) }, deps);

    // Assess
    expect(rds.calls).toEqual([]);
    expect(result).toMatchObject({ state: 'protected', oldPrimary: 'kept' });
    expect(result.detail).toContain('deletion protection is on');
  });

  it('keeps waiting, with backoff, while the new replica lags past the RPO budget', async () => {
    // Prepare
    const { rds, lag, deps } = setUp();
    rds.snapshots.set('us-east-1/orders-db-pre-abc123', 'available');
    rds.put('us-east-1', {
      identifier: 'orders-db-replica-rp-abc123',
      replicationSource: WRITER_ARN,
      replication: 'replicating',
    });
    lag.setRds('us-east-1', 'orders-db-replica-rp-abc123', 600);

    // Act
    const first = await reprotectDatabase({ run, target: target() }, deps);
    const second = await reprotectDatabase({ run, target: target(), previous: first }, deps);

    // Assess
    expect(first).toMatchObject({ state: 'waiting', done: false, pollSeconds: 30 });
    expect(second).toMatchObject({ state: 'waiting', done: false, pollSeconds: 60, checks: 2 });
    expect(second.detail).toContain('lag 600 s (RPO budget 60 s)');
  });

  it('refuses, naming the fix, when the derived name is taken by an instance that replicates from elsewhere', async () => {
    // Prepare
    const { rds, deps } = setUp();
    rds.snapshots.set('us-east-1/orders-db-pre-abc123', 'available');
    rds.put('us-east-1', {
      identifier: 'orders-db-replica-rp-abc123',
      replicationSource: 'arn:aws:rds:eu-west-1:1:db:x',
    });

    // Act
    const act = reprotectDatabase({ run, target: target() }, deps);

    // Assess
    await expect(act).rejects.toThrow(ReprotectRefusedError);
    await expect(reprotectDatabase({ run, target: target() }, deps)).rejects.toThrow(/rename or delete it/);
    expect(rds.calls).toEqual([]);
  });

  it('gives up (timed-out, done) after the last check instead of polling for ever', async () => {
    // Prepare
    const { rds, deps } = setUp();
    rds.snapshots.set('us-east-1/orders-db-pre-abc123', 'creating');

    // Act
    const result = await reprotectDatabase(
      {
        run,
        target: target(),
        previous: { ...(await reprotectDatabase({ run, target: target() }, deps)), checks: 299 },
      },
      deps,
    );

    // Assess
    expect(result).toMatchObject({ state: 'timed-out', done: true, checks: 300 });
    expect(result.detail).toContain('gave up after 300 checks');
  });
});
