import {
  currentTopology,
  failoverRefusal,
  isProtected,
  lastMovedAt,
  planAtTopology,
  planTopology,
  runDatabaseCopies,
  topologyAfterFailover,
} from '../../../../shared/domain/topology';
import { ordersPlan } from '../../../support/plan-fixtures';

const AT = '2026-11-25T03:10:00.000Z';

describe('planTopology', () => {
  it('makes each primary the writer and each replica or secondary the standby when read from the plan file', () => {
    // Act
    const topology = planTopology(ordersPlan());

    // Assess
    expect(topology).toEqual({
      activeRegion: 'us-east-1',
      databases: [
        {
          id: 'orders-db',
          kind: 'rds-read-replica',
          writer: { region: 'us-east-1', identifier: 'orders-db' },
          standby: { region: 'us-west-2', identifier: 'orders-db-replica' },
        },
        {
          id: 'catalog',
          kind: 'aurora-global',
          writer: { region: 'us-east-1', identifier: 'catalog-east' },
          standby: { region: 'us-west-2', identifier: 'catalog-west' },
        },
      ],
    });
    expect(isProtected(topology)).toBe(true);
  });
});

describe('currentTopology', () => {
  it('returns the plan file topology when the ledger has none', () => {
    expect(currentTopology(ordersPlan(), undefined)).toEqual(planTopology(ordersPlan()));
  });

  it('keeps the ledger roles and fills a database the ledger does not know from the file', () => {
    // Prepare: the ledger knows only orders-db, and it failed over
    const after = topologyAfterFailover(planTopology(ordersPlan()), {
      toRegion: 'us-west-2',
      at: AT,
      incidentId: 'i-1',
    });
    const stored = { ...after, databases: after.databases.filter((db) => db.id === 'orders-db') };

    // Act
    const topology = currentTopology(ordersPlan(), stored);

    // Assess
    expect(topology.databases.map((db) => [db.id, db.writer.identifier, db.standby?.identifier ?? null])).toEqual([
      ['orders-db', 'orders-db-replica', null],
      ['catalog', 'catalog-east', 'catalog-west'],
    ]);
  });
});

describe('topologyAfterFailover', () => {
  it('makes each standby the writer with no standby, and records the old primary as unknown', () => {
    // Act
    const topology = topologyAfterFailover(planTopology(ordersPlan()), {
      toRegion: 'us-west-2',
      at: AT,
      incidentId: 'orders-1',
    });

    // Assess
    expect(topology.activeRegion).toBe('us-west-2');
    expect(topology.databases[0]).toEqual({
      id: 'orders-db',
      kind: 'rds-read-replica',
      writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
      standby: null,
      oldPrimary: { region: 'us-east-1', identifier: 'orders-db', state: 'unknown', since: AT },
    });
    expect(topology).toMatchObject({ lastFailoverAt: AT, lastIncidentId: 'orders-1', updatedBy: 'orders-1' });
    expect(isProtected(topology)).toBe(false);
  });
});

describe('failoverRefusal', () => {
  it('allows a failover when the primary region serves and every standby is the plan file one', () => {
    expect(failoverRefusal(ordersPlan(), planTopology(ordersPlan()))).toBeUndefined();
  });

  it('refuses, naming the way back, when the standby region already serves', () => {
    // Prepare
    const failedOver = topologyAfterFailover(planTopology(ordersPlan()), {
      toRegion: 'us-west-2',
      at: AT,
      incidentId: 'orders-1',
    });

    // Act
    const reason = failoverRefusal(ordersPlan(), failedOver);

    // Assess
    expect(reason).toBe(
      `plan orders already failed over to us-west-2 at ${AT} by orders-1:` +
        ' us-west-2 serves; the way back is a new standby (reprotect) and a planned failback to us-east-1',
    );
  });

  it('refuses when a database in the primary region has no standby', () => {
    // Prepare
    const file = planTopology(ordersPlan());
    const unprotected = {
      ...file,
      databases: file.databases.map((db) => (db.id === 'catalog' ? { ...db, standby: null } : db)),
    };

    // Act
    const reason = failoverRefusal(ordersPlan(), unprotected);

    // Assess
    expect(reason).toBe(
      'database catalog has no standby (writer catalog-east (us-east-1)): give it a standby first (reprotect)',
    );
  });

  it('allows a failover when a standby has another name than the file one in the plan standby region (after a game day)', () => {
    // Prepare
    const file = planTopology(ordersPlan());
    const afterGameDay = {
      ...file,
      databases: file.databases.map((db) =>
        db.id === 'orders-db'
          ? {
              ...db,
              writer: { region: 'us-east-1', identifier: 'orders-db-replica-rp-01269b' },
              standby: { region: 'us-west-2', identifier: 'orders-db-replica-rp-d2323f' },
            }
          : db,
      ),
    };

    // Act
    const reason = failoverRefusal(ordersPlan(), afterGameDay);

    // Assess
    expect(reason).toBeUndefined();
  });

  it('refuses when a database writes in the standby region while the primary region serves', () => {
    // Prepare
    const file = planTopology(ordersPlan());
    const reversed = {
      ...file,
      databases: file.databases.map((db) =>
        db.id === 'orders-db'
          ? {
              ...db,
              writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
              standby: { region: 'us-east-1', identifier: 'orders-db-replica-rp-01269b' },
            }
          : db,
      ),
    };

    // Act
    const reason = failoverRefusal(ordersPlan(), reversed);

    // Assess
    expect(reason).toBe(
      'database orders-db writes as orders-db-replica (us-west-2) and stands by as orders-db-replica-rp-01269b (us-east-1):' +
        ' the failover moves writers from us-east-1 to us-west-2; fail back first',
    );
  });
});

describe('planAtTopology', () => {
  const afterGameDay = () => {
    const file = planTopology(ordersPlan());
    return {
      ...file,
      databases: file.databases.map((db) =>
        db.id === 'orders-db'
          ? {
              ...db,
              writer: { region: 'us-east-1', identifier: 'orders-db-replica-rp-01269b' },
              standby: { region: 'us-west-2', identifier: 'orders-db-replica-rp-d2323f' },
            }
          : db,
      ),
    };
  };

  it('names each database copy as the topology has it when the run carries the copies', () => {
    // Act
    const plan = planAtTopology(ordersPlan(), runDatabaseCopies(afterGameDay()));

    // Assess
    const orders = plan.databases.find((db) => db.id === 'orders-db');
    expect(orders?.kind === 'rds-read-replica' && [orders.primary, orders.replica]).toEqual([
      expect.objectContaining({ region: 'us-east-1', instance: 'orders-db-replica-rp-01269b' }),
      expect.objectContaining({ region: 'us-west-2', instance: 'orders-db-replica-rp-d2323f' }),
    ]);
    expect(plan.databases.find((db) => db.id === 'catalog')).toEqual(
      ordersPlan().databases.find((db) => db.id === 'catalog'),
    );
  });

  it('keeps the plan file names when the run carries no copies or the copies lie in other regions', () => {
    // Prepare
    const reversed = runDatabaseCopies(afterGameDay()).map((copy) => ({
      ...copy,
      writer: copy.standby,
      standby: copy.writer,
    }));

    // Act, Assess
    expect(planAtTopology(ordersPlan(), undefined)).toEqual(ordersPlan());
    expect(planAtTopology(ordersPlan(), reversed)).toEqual(ordersPlan());
  });

  it('leaves out of the run copies a database that has no standby', () => {
    // Prepare
    const failedOver = topologyAfterFailover(planTopology(ordersPlan()), {
      toRegion: 'us-west-2',
      at: AT,
      incidentId: 'orders-1',
    });

    // Act, Assess
    expect(runDatabaseCopies(failedOver)).toEqual([]);
  });
});

describe('lastMovedAt', () => {
  it('is the later of the last failover and the last failback, and undefined before either', () => {
    const topology = planTopology(ordersPlan());
    expect(lastMovedAt(topology)).toBeUndefined();
    expect(lastMovedAt({ ...topology, lastFailoverAt: '2026-11-25T03:00:00.000Z' })).toBe('2026-11-25T03:00:00.000Z');
    expect(
      lastMovedAt({
        ...topology,
        lastFailoverAt: '2026-11-25T03:00:00.000Z',
        lastFailbackAt: '2026-11-26T09:00:00.000Z',
      }),
    ).toBe('2026-11-26T09:00:00.000Z');
  });
});
