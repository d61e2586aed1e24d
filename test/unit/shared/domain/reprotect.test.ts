import { arnMatches } from '../../../../scripts/iam-grants';
import { copyName, copyPattern } from '../../../../shared/domain/copy-names';
import {
  decideReprotect,
  type ReprotectReading,
  type ReprotectResult,
  reprotectPollSeconds,
  topologyAfterReprotect,
} from '../../../../shared/domain/reprotect';
import { planTopology, type Topology, topologyAfterFailover } from '../../../../shared/domain/topology';
import { ordersPlan, ordersPlanInput } from '../../../support/plan-fixtures';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b7e5a4c-3f21-4d8e-9a61-5c2f0e8d7b13';

/** The orders plan with reprotect settings on both databases. */
const plan = (settings: { orders?: object; catalog?: object } = {}) => {
  const input = ordersPlanInput();
  const [orders, catalog] = input.databases;
  return ordersPlan({
    databases: [
      { ...orders, reprotect: { kmsKeys: { 'us-east-1': KEY }, ...settings.orders } },
      {
        ...catalog,
        reprotect: { instanceClass: 'db.r6g.large', kmsKeys: { 'us-east-1': KEY }, ...settings.catalog },
      },
    ] as typeof input.databases,
  });
};

/** After a failover (incident `inc-1`) and a fence: RDS fenced, Aurora rejoined. */
const fenced = (): Topology => {
  const after = topologyAfterFailover(planTopology(plan()), {
    toRegion: 'us-west-2',
    at: '2026-11-25T03:09:00.000Z',
    incidentId: 'inc-1',
  });
  return {
    ...after,
    databases: after.databases.map((db) =>
      db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'fenced', since: 'x' } } : db,
    ),
  };
};

const readings = (overrides: Partial<ReprotectReading> = {}): ReprotectReading[] => [
  { id: 'orders-db', writer: { exists: true, encrypted: true }, oldRegionAnswers: true, ...overrides },
  { id: 'catalog', writer: { exists: true, encrypted: true }, oldRegionAnswers: true, rejoined: true, ...overrides },
];

describe('reprotectPollSeconds', () => {
  it('waits 30 s, then doubles up to 300 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(reprotectPollSeconds)).toEqual([30, 60, 120, 240, 300, 300, 300]);
  });
});

describe('decideReprotect', () => {
  it('proceeds with a replica for RDS and the rejoined Aurora primary, names derived from the failover', () => {
    // Act
    const decision = decideReprotect(plan(), fenced(), readings());

    // Assess
    expect(decision.decision).toBe('proceed');
    expect(decision.findings).toEqual([]);
    expect(decision.targets).toEqual([
      expect.objectContaining({
        id: 'orders-db',
        path: 'rds-replica',
        region: 'us-east-1',
        writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
        oldPrimary: { region: 'us-east-1', identifier: 'orders-db' },
        kmsKeyId: KEY,
        deleteOldPrimary: false,
        maxLagSeconds: 60,
        names: expect.objectContaining({
          standby: copyName('orders-db-replica', 'rp', 'inc-1|orders-db|us-west-2|orders-db-replica'),
          snapshot: expect.stringMatching(/^orders-db-pre-[0-9a-f]{6}$/),
        }),
      }),
      expect.objectContaining({ id: 'catalog', path: 'aurora-rejoined', globalCluster: 'catalog-global' }),
    ]);
  });

  it('goes into the region the plan names and plans a new Aurora secondary when the old primary did not rejoin', () => {
    // Prepare
    const settings = {
      orders: { region: 'us-east-2', kmsKeys: { 'us-east-2': KEY.replace('us-east-1', 'us-east-2') } },
    };

    // Act
    const decision = decideReprotect(plan(settings), fenced(), readings({ rejoined: false }));

    // Assess
    expect(decision.targets.map((target) => [target.id, target.path, target.region])).toEqual([
      ['orders-db', 'rds-replica', 'us-east-2'],
      ['catalog', 'aurora-new-secondary', 'us-east-1'],
    ]);
  });

  it('blocks naming the plan field when an encrypted writer has no KMS key for the new standby region', () => {
    // Act
    const decision = decideReprotect(plan({ orders: { kmsKeys: {} } }), fenced(), readings());

    // Assess
    expect(decision.decision).toBe('block');
    expect(decision.targets).toEqual([]);
    expect(decision.findings).toEqual([
      expect.objectContaining({
        check: 'kms-key',
        fix: expect.stringContaining('databases[0].reprotect.kmsKeys.us-east-1'),
      }),
    ]);
  });

  it('blocks when the old region does not answer, the old primary is not fenced, or Aurora needs an instance class', () => {
    // Prepare
    const topology = fenced();
    const unfenced: Topology = {
      ...topology,
      databases: topology.databases.map((db) =>
        db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'unreachable' } } : db,
      ),
    };
    const noClass = plan({ catalog: { instanceClass: undefined } });

    // Act
    const decision = decideReprotect(noClass, unfenced, readings({ oldRegionAnswers: false, rejoined: false }));

    // Assess
    expect(decision.findings.map((finding) => `${finding.resource} ${finding.check}`)).toEqual([
      'database:orders-db old-primary-fenced',
      'rds:us-east-1:orders-db old-region-answers',
      'database:catalog old-primary-fenced',
      'rds:us-east-1:catalog-east old-region-answers',
      'database:catalog instance-class',
    ]);
    expect(decision.findings.at(-1)?.fix).toContain('databases[1].reprotect.instanceClass');
  });

  it('blocks when the plan has not failed over, and when a database has its standby already', () => {
    // Act
    const notFailedOver = decideReprotect(plan(), planTopology(plan()), readings());
    const protectedAgain = decideReprotect(
      plan(),
      { ...fenced(), databases: fenced().databases.map((db) => ({ ...db, standby: db.oldPrimary ?? null })) },
      readings(),
    );

    // Assess
    expect(notFailedOver.findings.map((finding) => finding.check)).toEqual(['topology-failed-over']);
    expect(protectedAgain.findings.map((finding) => finding.check)).toEqual(['no-standby-yet', 'no-standby-yet']);
  });
  it('re-protects only the databases without a standby, in the other direction after a failback', () => {
    // Prepare: back home after a failback; the Aurora switchover left its old writer as the secondary, the RDS
    // writer (the replica the first reprotect made) has no standby and its old writer in us-west-2 is fenced.
    const WEST_KEY = 'arn:aws:kms:us-west-2:123456789012:key/7d2c9e41-8a5b-4f06-b3e7-1c9a4d6f2e58';
    const twoKeys = plan({ orders: { kmsKeys: { 'us-east-1': KEY, 'us-west-2': WEST_KEY } } });
    const home: Topology = {
      ...planTopology(twoKeys),
      databases: [
        {
          id: 'orders-db',
          kind: 'rds-read-replica',
          writer: { region: 'us-east-1', identifier: 'orders-db-replica-rp-6e8a51' },
          standby: null,
          oldPrimary: { region: 'us-west-2', identifier: 'orders-db-replica', state: 'fenced', since: 'x' },
        },
        {
          id: 'catalog',
          kind: 'aurora-global',
          writer: { region: 'us-east-1', identifier: 'catalog-east' },
          standby: { region: 'us-west-2', identifier: 'catalog-west' },
        },
      ],
      lastIncidentId: 'inc-2',
    };

    // Act
    const decision = decideReprotect(twoKeys, home, readings());
    const oneKey = decideReprotect(plan(), home, readings());

    // Assess
    expect(decision.decision).toBe('proceed');
    expect(decision.targets).toHaveLength(1);
    expect(decision.targets[0]).toMatchObject({
      id: 'orders-db',
      region: 'us-west-2',
      kmsKeyId: WEST_KEY,
      oldPrimary: { region: 'us-west-2', identifier: 'orders-db-replica' },
    });
    // Named from the plan's replica, not from the writer (a copy already): the name does not grow.
    expect(decision.targets[0]?.names.standby).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    expect(decision.targets[0]?.names.standby).not.toBe('orders-db-replica-rp-6e8a51');
    expect(oneKey.findings.map((finding) => `${finding.check} ${finding.fix}`)).toEqual([
      'kms-key set databases[0].reprotect.kmsKeys.us-west-2 to a KMS key ARN in us-west-2',
    ]);
  });
});

describe('decideReprotect over repeated game days', () => {
  it('names every copy from the plan, within 63 characters and the one IAM pattern, over 10 generations', () => {
    // Prepare: each generation's reprotect runs after a failover or failback (alternating regions) whose old
    // primary is the previous generation's writer: from the second on, both are copies reprotect made.
    const WEST_KEY = 'arn:aws:kms:us-west-2:123456789012:key/7d2c9e41-8a5b-4f06-b3e7-1c9a4d6f2e58';
    const twoKeys = plan({ orders: { kmsKeys: { 'us-east-1': KEY, 'us-west-2': WEST_KEY } } });
    const other = (region: string) => (region === 'us-east-1' ? 'us-west-2' : 'us-east-1');
    let writer = { region: 'us-west-2', identifier: 'orders-db-replica' };
    let old = { region: 'us-east-1', identifier: 'orders-db' };
    const names: string[] = [];

    // Act
    for (let generation = 1; generation <= 10; generation += 1) {
      const topology: Topology = {
        ...planTopology(twoKeys),
        activeRegion: writer.region,
        databases: [
          {
            id: 'orders-db',
            kind: 'rds-read-replica',
            writer,
            standby: null,
            oldPrimary: { ...old, state: 'fenced', since: 'x' },
          },
        ],
        lastIncidentId: `inc-${generation}`,
      };
      const [target] = decideReprotect(twoKeys, topology, readings()).targets;
      const made = target?.names.standby ?? '';
      names.push(made);
      expect(target?.region).toBe(other(writer.region));
      old = writer;
      writer = { region: other(writer.region), identifier: made };
    }

    // Assess
    expect(new Set(names).size).toBe(10);
    for (const name of names) {
      expect(name).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
      expect(arnMatches(copyPattern('orders-db-replica', 'rp'), name)).toBe(true);
    }
  });
});

describe('topologyAfterReprotect', () => {
  it('sets each new standby: the RDS old primary replaced, the rejoined Aurora primary now the standby', () => {
    // Prepare
    const result = (databaseId: string, extra: Partial<ReprotectResult>): ReprotectResult => ({
      databaseId,
      state: 'protected',
      done: true,
      pollSeconds: 30,
      checks: 3,
      startedAt: '2026-11-25T05:00:00.000Z',
      checkedAt: '2026-11-25T05:30:00.000Z',
      detail: '',
      actions: [],
      ...extra,
    });

    // Act
    const after = topologyAfterReprotect(
      fenced(),
      [
        result('orders-db', {
          standby: { region: 'us-east-1', identifier: 'orders-db-replica-rp-abc123' },
          oldPrimary: 'kept',
        }),
        result('catalog', { standby: { region: 'us-east-1', identifier: 'catalog-east' }, oldPrimary: 'standby' }),
      ],
      { at: '2026-11-25T05:31:00.000Z', incidentId: 'rp-1' },
    );

    // Assess
    expect(after.databases[0]).toMatchObject({
      standby: { region: 'us-east-1', identifier: 'orders-db-replica-rp-abc123' },
      oldPrimary: { identifier: 'orders-db', state: 'replaced', since: '2026-11-25T05:30:00.000Z' },
    });
    expect(after.databases[1]?.standby).toEqual({ region: 'us-east-1', identifier: 'catalog-east' });
    expect(after.databases[1]?.oldPrimary).toBeUndefined();
    expect(after).toMatchObject({ activeRegion: 'us-west-2', updatedBy: 'rp-1', lastIncidentId: 'inc-1' });
  });
});
