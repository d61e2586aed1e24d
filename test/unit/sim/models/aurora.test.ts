import { DBClusterNotFoundFault, InvalidGlobalClusterStateFault } from '@aws-sdk/client-rds';
import { startSim, T0 } from '../fixture';

const EAST = 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east';
const WEST = 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west';

describe('AuroraModel', () => {
  it('makes the secondary the writer after the modelled failover time when failing over with data loss', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(200);
      const global = sim.world.aurora.globals[0];
      const duration = global?.failoverMs ?? 0;
      const lagAtOutage = global ? sim.world.aurora.lagMsAt(global, T0 + 60_000) : -1;

      // Act
      const answer = sim.world.aurora.failover('catalog-global', WEST, true, false);
      await sim.advance(duration - 1);
      const during = sim.world.aurora.describeGlobal('catalog-global')[0];
      const clusterDuring = sim.world.aurora.describeClusters('us-west-2', 'catalog-west')[0];
      await sim.advance(1);
      const after = sim.world.aurora.describeGlobal('catalog-global')[0];

      // Assess
      expect(duration).toBeGreaterThanOrEqual(108_000);
      expect(duration).toBeLessThanOrEqual(132_000);
      expect(answer.FailoverState).toEqual({
        Status: 'failing-over',
        FromDbClusterArn: EAST,
        ToDbClusterArn: WEST,
        IsDataLossAllowed: true,
      });
      expect(during?.Status).toBe('failing-over');
      expect(during?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn).toBe(EAST);
      expect(clusterDuring?.Status).toBe('failing-over');
      expect(after?.Status).toBe('available');
      expect(after?.FailoverState).toBeUndefined();
      expect(after?.GlobalClusterMembers).toEqual([
        { DBClusterArn: EAST, Readers: [], IsWriter: false, SynchronizationStatus: 'pending-resync' },
        { DBClusterArn: WEST, Readers: [EAST], IsWriter: true, SynchronizationStatus: 'connected' },
      ]);
      expect(global?.operations[0]?.dataLossMs).toBe(lagAtOutage);
      expect(lagAtOutage).toBeGreaterThan(0);
    } finally {
      sim.close();
    }
  });

  it('switches over with no data loss when the primary is reachable', async () => {
    const sim = startSim('region-outage', { scenarioOptions: { outageAtSeconds: 3600 } });
    try {
      const global = sim.world.aurora.globals[0];
      const answer = sim.world.aurora.switchover('catalog-global', 'catalog-west');
      const lag = global?.operations[0] ? global.operations[0].doneMs - T0 - (global.switchoverMs ?? 0) : -1;
      await sim.advanceTo(400);

      expect(answer.Status).toBe('switching-over');
      expect(answer.FailoverState?.IsDataLossAllowed).toBe(false);
      expect(global?.operations[0]?.dataLossMs).toBe(0);
      expect(lag).toBeGreaterThanOrEqual(100);
      expect(sim.world.aurora.describeGlobal()[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn).toBe(
        WEST,
      );
    } finally {
      sim.close();
    }
  });

  it('refuses a switchover when the primary region is down', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(120);
      expect(() => sim.world.aurora.switchover('catalog-global', WEST)).toThrow(InvalidGlobalClusterStateFault);
      expect(() => sim.world.aurora.switchover('catalog-global', WEST)).toThrow(/AllowDataLoss/);
    } finally {
      sim.close();
    }
  });

  it('refuses a failover when one is under way or the target is already the writer', async () => {
    const sim = startSim('region-outage');
    try {
      sim.world.aurora.failover('catalog-global', WEST, true, false);
      expect(() => sim.world.aurora.failover('catalog-global', WEST, true, false)).toThrow(/already failing over/);
      await sim.advanceTo(600);
      expect(() => sim.world.aurora.failover('catalog-global', WEST, true, false)).toThrow(/already the primary/);
      expect(() => sim.world.aurora.failover('catalog-global', 'nope', true, false)).toThrow(DBClusterNotFoundFault);
      expect(() => sim.world.aurora.describeGlobal('nope')).toThrow(/Global cluster nope not found/);
    } finally {
      sim.close();
    }
  });

  it('describes clusters per region with backups and restorable times when asked', () => {
    const sim = startSim('region-outage');
    try {
      const [west] = sim.world.aurora.describeClusters('us-west-2');
      expect(west).toMatchObject({ DBClusterIdentifier: 'catalog-west', DBClusterArn: WEST, Status: 'available' });
      expect(west?.BackupRetentionPeriod).toBe(7);
      expect(T0 - (west?.LatestRestorableTime?.getTime() ?? 0)).toBeLessThan(300_000);
      expect(() => sim.world.aurora.describeClusters('us-east-1', 'catalog-west')).toThrow(DBClusterNotFoundFault);
      const backups = sim.world.aurora.describeClusterBackups('us-west-2', { DBClusterIdentifier: 'catalog-west' });
      expect(backups[0]).toMatchObject({ DBClusterArn: WEST, Region: 'us-west-2', Status: 'active' });
      expect(backups[0]?.RestoreWindow?.LatestTime).toBeInstanceOf(Date);
      const byArn = sim.world.aurora.describeClusterBackups('us-west-2', {
        Filters: [{ Name: 'db-cluster-id', Values: [WEST] }],
      });
      expect(byArn.map((b) => b.DBClusterArn)).toEqual([WEST]);
      const primaryCopy = sim.world.aurora.describeClusterBackups('us-west-2', {
        Filters: [{ Name: 'db-cluster-id', Values: [EAST] }],
      });
      expect(primaryCopy).toEqual([]);
    } finally {
      sim.close();
    }
  });

  it('keeps a secondary taken out of its global cluster as a standalone cluster, until it is deleted; never the writer', () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      // Act
      sim.world.aurora.detach('catalog-global', 'catalog-west');

      // Assess: out of the global cluster's members, still described in its region, with no global cluster.
      const [global] = sim.world.aurora.describeGlobal('catalog-global');
      expect(global?.GlobalClusterMembers?.map((member) => member.DBClusterArn)).toEqual([EAST]);
      const [west] = sim.world.aurora.describeClusters('us-west-2', 'catalog-west');
      expect(west).toMatchObject({ DBClusterIdentifier: 'catalog-west', Status: 'available' });
      expect(west?.GlobalClusterIdentifier).toBeUndefined();
      expect(sim.world.aurora.describeClusters('us-east-1', 'catalog-east')[0]?.GlobalClusterIdentifier).toBe(
        'catalog-global',
      );
      expect(sim.world.aurora.findDetached('us-west-2', 'catalog-west')?.from.identifier).toBe('catalog-global');
      expect(() => sim.world.aurora.detach('catalog-global', 'catalog-east')).toThrow(
        /is the writer of catalog-global/,
      );
      sim.world.aurora.deleteDetached('us-west-2', 'catalog-west');
      expect(() => sim.world.aurora.describeClusters('us-west-2', 'catalog-west')).toThrow(DBClusterNotFoundFault);
    } finally {
      sim.close();
    }
  });
});
