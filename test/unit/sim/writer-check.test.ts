import { planTopology, type Topology, topologyAfterFailover } from '../../../shared/domain/topology';
import { checkWriters, oldPrimaryWrites } from '../../../sim/writer-check';
import { ordersPlan } from '../../support/plan-fixtures';

/** The topology a failover of the test plan leaves: us-west-2 serves, both databases written there. */
const failedOver = (): Topology =>
  topologyAfterFailover(planTopology(ordersPlan()), {
    toRegion: 'us-west-2',
    at: '2026-11-25T03:10:00.000Z',
    incidentId: 'orders-failover',
  });

describe('checkWriters', () => {
  it("reads every database's writer, and finds nothing to say when each takes writes in the region that serves", () => {
    // Act
    const check = checkWriters(failedOver(), () => ({ writable: true, state: 'available, writable' }), {
      outcome: 'recovered',
    });

    // Assess
    expect(check.writers).toEqual([
      { database: 'orders-db', writer: 'orders-db-replica (us-west-2)', writable: true, state: 'available, writable' },
      { database: 'catalog', writer: 'catalog-west (us-west-2)', writable: true, state: 'available, writable' },
    ]);
    expect(check.disagreements).toEqual([]);
  });

  it('names a writer that takes no writes, and one in another region, when the run says it recovered', () => {
    // Prepare
    const topology = failedOver();
    const [orders, catalog] = topology.databases;
    if (!orders || !catalog) throw new Error('the topology has two databases');
    catalog.writer = { region: 'us-east-1', identifier: 'catalog-east' };
    const read = ({ id }: { id: string }) =>
      id === 'orders-db'
        ? { writable: false, state: 'available, a read replica' }
        : { writable: true, state: "the global cluster's writer" };

    // Act
    const check = checkWriters(topology, read, { outcome: 'recovered' });

    // Assess
    expect(check.disagreements).toEqual([
      "the run says us-west-2 serves, but orders-db's writer orders-db-replica (us-west-2) takes no writes: available, a read replica",
      "the run says us-west-2 serves, but catalog's writer catalog-east (us-east-1) is in another region",
    ]);
  });

  it('reads each old primary beside the writers, and says which would take writes, without holding it against the run', () => {
    // Prepare: the RDS old primary's region does not answer, and it is still available; the Aurora one rejoined
    const topology = failedOver();
    const [orders, catalog] = topology.databases;
    if (!orders?.oldPrimary || !catalog?.oldPrimary) throw new Error('the failover left two old primaries');
    orders.oldPrimary.state = 'unreachable';
    catalog.oldPrimary.state = 'rejoined';
    const read = ({ id }: { id: string }, copy: { region: string }) =>
      copy.region === 'us-west-2'
        ? { writable: true, state: 'available, writable', answering: true }
        : id === 'orders-db'
          ? { writable: true, state: 'available, writable', answering: false }
          : { writable: false, state: "not the global cluster's writer", answering: true };

    // Act
    const check = checkWriters(topology, read, { outcome: 'recovered' });

    // Assess
    expect(check.oldPrimaries).toEqual([
      {
        database: 'orders-db',
        copy: 'orders-db (us-east-1)',
        fence: 'unreachable',
        writable: true,
        answering: false,
        state: 'available, writable',
      },
      {
        database: 'catalog',
        copy: 'catalog-east (us-east-1)',
        fence: 'rejoined',
        writable: false,
        answering: true,
        state: "not the global cluster's writer",
      },
    ]);
    expect(check.oldPrimaries.map(oldPrimaryWrites)).toEqual([
      'takes writes once its region answers again',
      'takes none',
    ]);
    const [unreachable] = check.oldPrimaries;
    if (!unreachable) throw new Error('no reading of orders-db');
    expect(oldPrimaryWrites({ ...unreachable, answering: true })).toBe('TAKES WRITES');
    expect(check.disagreements).toEqual([]);
  });

  it('holds nothing against a run that does not say it recovered', () => {
    // Act
    const check = checkWriters(failedOver(), () => ({ writable: false, state: 'stopped' }), { outcome: 'failed' });

    // Assess
    expect(check.writers.every((reading) => !reading.writable)).toBe(true);
    expect(check.disagreements).toEqual([]);
  });
});
