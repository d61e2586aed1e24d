import { reprotectBackNames, topologyAfterFailback } from '../../../../shared/domain/failback';
import type { Topology } from '../../../../shared/domain/topology';

const at = '2026-11-26T09:10:00.000Z';
const fence = (setIdentifier: string, region: string) => ({
  record: `Z1|api.orders.example.com|CNAME|${setIdentifier}`,
  region,
  state: 'fenced' as const,
  since: '2026-11-25T03:20:00.000Z',
  replaced: [`${region}.api.orders.example.com`],
});

/** Failed over to us-west-2, re-protected into us-east-1; the fence pointed us-east-1's record at maintenance. */
const failedOver = (dnsFences: Topology['dnsFences']): Topology => ({
  activeRegion: 'us-west-2',
  databases: [
    {
      id: 'orders-db',
      kind: 'rds-read-replica',
      writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
      standby: { region: 'us-east-1', identifier: 'orders-db-east' },
    },
  ],
  ...(dnsFences ? { dnsFences } : {}),
});

const movedBack = { databaseId: 'orders-db' };

describe('topologyAfterFailback', () => {
  it('clears the fences of the records of the region that serves again, and keeps the others', () => {
    // Prepare
    const before = failedOver([fence('api-us-east-1', 'us-east-1'), fence('api-us-west-2', 'us-west-2')]);

    // Act
    const after = topologyAfterFailback(before, 'us-east-1', [movedBack], { at, incidentId: 'orders-failback-1' });

    // Assess
    expect(after.activeRegion).toBe('us-east-1');
    expect(after.dnsFences).toEqual([fence('api-us-west-2', 'us-west-2')]);
    expect(after.lastFailbackIncidentId).toBe('orders-failback-1');
  });

  it('leaves no dnsFences field when every fence was of the region that serves again', () => {
    // Act
    const after = topologyAfterFailback(failedOver([fence('api-us-east-1', 'us-east-1')]), 'us-east-1', [movedBack], {
      at,
      incidentId: 'orders-failback-1',
    });

    // Assess
    expect(after).not.toHaveProperty('dnsFences');
    expect(after.databases[0]).toMatchObject({
      writer: { region: 'us-east-1', identifier: 'orders-db-east' },
      standby: null,
      oldPrimary: { region: 'us-west-2', identifier: 'orders-db-replica', state: 'unknown' },
    });
  });

  it('moves a topology once per failback: applied again for the same incident (a retried Record Failback), it changes nothing', () => {
    // Prepare: an Aurora database, whose failback swaps its writer and standby
    const before: Topology = {
      activeRegion: 'us-west-2',
      databases: [
        {
          id: 'catalog',
          kind: 'aurora-global',
          writer: { region: 'us-west-2', identifier: 'catalog-west' },
          standby: { region: 'us-east-1', identifier: 'catalog-east' },
        },
      ],
    };
    const change = { at, incidentId: 'orders-failback-1' };
    const once = topologyAfterFailback(before, 'us-east-1', [{ databaseId: 'catalog' }], change);

    // Act
    const again = topologyAfterFailback(once, 'us-east-1', [{ databaseId: 'catalog' }], change);
    const nextFailback = topologyAfterFailback(once, 'us-east-1', [{ databaseId: 'catalog' }], {
      at,
      incidentId: 'orders-failback-2',
    });

    // Assess: the writer is back in us-east-1 and stays there; another failback's record would move it
    expect(once.databases[0]).toMatchObject({
      writer: { region: 'us-east-1', identifier: 'catalog-east' },
      standby: { region: 'us-west-2', identifier: 'catalog-west' },
    });
    expect(again).toEqual(once);
    expect(nextFailback.databases[0]?.writer).toEqual({ region: 'us-west-2', identifier: 'catalog-west' });
  });
});

describe('reprotectBackNames', () => {
  it('names the fence and the reprotect after the incident, distinct and within 80 characters', () => {
    // Act
    const short = reprotectBackNames('orders-failback-1');
    const long = reprotectBackNames('x'.repeat(80));

    // Assess
    expect(short).toEqual({ fence: 'orders-failback-1-1-fence', reprotect: 'orders-failback-1-2-reprotect' });
    expect(long.fence.length).toBeLessThanOrEqual(80);
    expect(long.reprotect.length).toBe(80);
    expect(long.fence).not.toBe(long.reprotect);
  });
});
