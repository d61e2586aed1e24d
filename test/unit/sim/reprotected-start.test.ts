import { InvalidDBClusterStateFault } from '@aws-sdk/client-rds';
import { reprotectedStandby, type ScenarioSpec } from '../../../sim/world';
import { startSim, T0 } from './fixture';

const EAST = 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east';
const WEST = 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west';

/** The world an earlier failover, fence and reprotect leave: what a failback starts from. */
const reprotected = (extra: Partial<ScenarioSpec> = {}): ScenarioSpec => ({
  name: 'reprotected',
  description: 'test',
  outages: [],
  start: 'reprotected',
  ...extra,
});

describe('a world that starts re-protected', () => {
  it('has the standby region writing, a new RDS replica and the old Aurora primary as secondary in the primary region', () => {
    // Prepare
    const sim = startSim(reprotected());
    try {
      // Act
      const writer = sim.world.rds.describe('us-west-2', 'orders-db-replica')[0];
      const old = sim.world.rds.describe('us-east-1', 'orders-db')[0];
      const standby = sim.world.rds.describe('us-east-1', reprotectedStandby('orders-db-replica'))[0];
      const global = sim.world.aurora.describeGlobal('catalog-global')[0];
      const records = [...sim.world.route53.zones.values()][0]?.records.map((r) => `${r.SetIdentifier} ${r.Failover}`);

      // Assess
      expect(writer?.DBInstanceStatus).toBe('available');
      expect(writer?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
      expect(old?.DBInstanceStatus).toBe('stopped');
      expect(standby?.ReadReplicaSourceDBInstanceIdentifier).toBe(writer?.DBInstanceArn);
      expect(global?.GlobalClusterMembers?.map((m) => `${m.DBClusterArn} ${m.IsWriter}`)).toEqual([
        `${EAST} false`,
        `${WEST} true`,
      ]);
      expect(records).toEqual(expect.arrayContaining(['api-us-east-1 SECONDARY', 'api-us-west-2 PRIMARY']));
    } finally {
      sim.close();
    }
  });

  it('reads ReplicaLag 0 from the first minute after the write pause, and lags again once writes resume', async () => {
    // Prepare
    const sim = startSim(reprotected());
    try {
      const standby = sim.world.rds.find('us-east-1', reprotectedStandby('orders-db-replica'));
      if (!standby) throw new Error('no standby');
      await sim.advanceTo(30);
      const before = sim.world.rds.lagSecondsAt(standby, sim.clock.now());

      // Act
      sim.world.putParameter('/orders/writes', 'paused', false);
      const sameMinute = sim.world.rds.lagSecondsAt(standby, sim.clock.now());
      const nextMinute = sim.world.rds.lagSecondsAt(standby, T0 + 60_000);
      sim.world.putParameter('/orders/writes', 'open', false);
      const resumed = sim.world.rds.lagSecondsAt(standby, T0 + 120_000);

      // Assess
      expect(before).toBeGreaterThan(0);
      expect(sameMinute).toBe(before);
      expect(nextMinute).toBe(0);
      expect(resumed).toBeGreaterThan(0);
    } finally {
      sim.close();
    }
  });

  it('keeps a stuck replica lagging whatever the write pause', () => {
    // Prepare
    const sim = startSim(reprotected({ rds: { lagSeconds: 45 } }));
    try {
      const standby = sim.world.rds.find('us-east-1', reprotectedStandby('orders-db-replica'));
      if (!standby) throw new Error('no standby');

      // Act
      sim.world.putParameter('/orders/writes', 'paused', false);

      // Assess
      expect(sim.world.rds.lagSecondsAt(standby, T0 + 120_000)).toBe(45);
    } finally {
      sim.close();
    }
  });

  it('switches the Aurora writer back to the primary region with no data loss', async () => {
    // Prepare
    const sim = startSim(reprotected());
    try {
      // Act
      sim.world.aurora.switchover('catalog-global', EAST);
      await sim.advanceTo(400);

      // Assess
      const members = sim.world.aurora.describeGlobal('catalog-global')[0]?.GlobalClusterMembers;
      expect(members?.find((m) => m.IsWriter)?.DBClusterArn).toBe(EAST);
      expect(sim.world.aurora.globals[0]?.operations[0]?.dataLossMs).toBe(0);
    } finally {
      sim.close();
    }
  });

  it('refuses a switchover to a secondary whose region is down', async () => {
    // Prepare
    const sim = startSim(reprotected({ outages: [{ region: 'primary', atSeconds: 0 }] }));
    try {
      // Act
      await sim.advanceTo(10);

      // Assess
      expect(() => sim.world.aurora.switchover('catalog-global', EAST)).toThrow(InvalidDBClusterStateFault);
      expect(() => sim.world.aurora.switchover('catalog-global', EAST)).toThrow(/pending-resync/);
    } finally {
      sim.close();
    }
  });
});
