import { DBInstanceNotFoundFault, InvalidDBInstanceStateFault } from '@aws-sdk/client-rds';
import { startSim, T0 } from '../fixture';

const REPLICA = { region: 'us-west-2', id: 'orders-db-replica' };

describe('RdsModel', () => {
  it("throttles the account's RDS API requests in a Region past a burst of 300 and 12 a second, and counts them", async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      const request = (region: string, operation: string) => {
        try {
          sim.world.rds.admitRequest(region, operation);
          return 'admitted';
        } catch (error) {
          return (error as Error).name;
        }
      };

      // Act: 301 at once in us-west-2, one in us-east-1 (its own bucket), then the refill of 1 s
      const burst = Array.from({ length: 301 }, () => request('us-west-2', 'DescribeDBInstances'));
      const east = request('us-east-1', 'DescribeDBInstances');
      await sim.advanceTo(1);
      const afterASecond = Array.from({ length: 13 }, () => request('us-west-2', 'DescribeGlobalClusters'));

      // Assess
      expect(burst.filter((answer) => answer === 'admitted')).toHaveLength(300);
      expect(burst[300]).toBe('ThrottlingException');
      expect(east).toBe('admitted');
      expect(afterASecond.filter((answer) => answer === 'admitted')).toHaveLength(12);
      expect(sim.world.rds.throttledRequests()).toEqual([
        { region: 'us-west-2', operation: 'DescribeDBInstances', count: 1 },
        { region: 'us-west-2', operation: 'DescribeGlobalClusters', count: 1 },
      ]);
    } finally {
      sim.close();
    }
  });

  it('moves the replica through modifying, rebooting and available when promoted', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(200);
      const replica = sim.world.rds.find(REPLICA.region, REPLICA.id);
      const duration = replica?.promoteDurationMs ?? 0;
      const reboot = Math.round(duration * 0.75);

      // Act
      const answer = sim.world.rds.promote(REPLICA.region, REPLICA.id, 7);
      const seen: { at: number; status?: string; source?: string; retention?: number; restorable?: Date }[] = [];
      for (const at of [reboot - 1, reboot, duration - 1, duration]) {
        await sim.advance(T0 + 200_000 + at - sim.clock.now());
        const [described] = sim.world.rds.describe(REPLICA.region, REPLICA.id);
        seen.push({
          at,
          status: described?.DBInstanceStatus,
          source: described?.ReadReplicaSourceDBInstanceIdentifier,
          retention: described?.BackupRetentionPeriod,
          restorable: described?.LatestRestorableTime,
        });
      }

      // Assess
      expect(duration).toBeGreaterThanOrEqual(216_000);
      expect(duration).toBeLessThanOrEqual(264_000);
      expect(answer.DBInstanceStatus).toBe('modifying');
      expect(seen.map((s) => s.status)).toEqual(['modifying', 'rebooting', 'rebooting', 'available']);
      expect(seen.map((s) => s.source)).toEqual([
        'arn:aws:rds:us-east-1:123456789012:db:orders-db',
        undefined,
        undefined,
        undefined,
      ]);
      expect(seen.map((s) => s.retention)).toEqual([0, 0, 0, 7]);
      expect(seen[2]?.restorable).toBeUndefined();
      expect(seen[3]?.restorable).toEqual(new Date(T0 + 200_000 + duration));
    } finally {
      sim.close();
    }
  });

  it('refuses a second promotion while the first is under way and after it is done', async () => {
    const sim = startSim('region-outage');
    try {
      sim.world.rds.promote(REPLICA.region, REPLICA.id, 1);
      expect(() => sim.world.rds.promote(REPLICA.region, REPLICA.id, 1)).toThrow(InvalidDBInstanceStateFault);
      expect(() => sim.world.rds.promote(REPLICA.region, REPLICA.id, 1)).toThrow(/current state: modifying/);

      await sim.advanceTo(600);

      expect(() => sim.world.rds.promote(REPLICA.region, REPLICA.id, 1)).toThrow(/not a read replica/);
    } finally {
      sim.close();
    }
  });

  it('refuses promotion while the replica is backing-up and accepts it once the window ends', async () => {
    // Prepare
    const sim = startSim('region-outage', { scenarioOptions: { backingUpSeconds: 45 } });
    try {
      await sim.advanceTo(200);

      // Act
      const first = (() => {
        try {
          sim.world.rds.promote(REPLICA.region, REPLICA.id, 1);
          return undefined;
        } catch (error) {
          return error as InvalidDBInstanceStateFault;
        }
      })();
      const during = sim.world.rds.describe(REPLICA.region, REPLICA.id)[0]?.DBInstanceStatus;
      await sim.advanceTo(245);
      const later = sim.world.rds.promote(REPLICA.region, REPLICA.id, 1);

      // Assess
      expect(first).toBeInstanceOf(InvalidDBInstanceStateFault);
      expect(first?.name).toBe('InvalidDBInstanceStateFault');
      expect(first?.message).toMatch(/backing-up/);
      expect(first?.$metadata.httpStatusCode).toBe(400);
      expect(during).toBe('backing-up');
      expect(later.DBInstanceStatus).toBe('modifying');
    } finally {
      sim.close();
    }
  });

  it('ends in incompatible-parameters and stays a replica when the scenario makes promotion fail', async () => {
    const sim = startSim('promotion-fails');
    try {
      sim.world.rds.promote(REPLICA.region, REPLICA.id, 1);
      await sim.advanceTo(600);

      const [described] = sim.world.rds.describe(REPLICA.region, REPLICA.id);

      expect(described?.DBInstanceStatus).toBe('incompatible-parameters');
      expect(described?.ReadReplicaSourceDBInstanceIdentifier).toBe('arn:aws:rds:us-east-1:123456789012:db:orders-db');
      expect(() => sim.world.rds.promote(REPLICA.region, REPLICA.id, 1)).toThrow(/incompatible-parameters/);
    } finally {
      sim.close();
    }
  });

  it('answers DBInstanceNotFound with status 404 when the instance is not in that region', () => {
    const sim = startSim('region-outage');
    try {
      let error: unknown;
      try {
        sim.world.rds.describe('us-east-1', REPLICA.id);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DBInstanceNotFoundFault);
      expect(error).toMatchObject({
        name: 'DBInstanceNotFoundFault',
        Code: 'DBInstanceNotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: `DBInstance ${REPLICA.id} not found.`,
      });
    } finally {
      sim.close();
    }
  });

  it('keeps the replica lag at the scenario value when the replica lags', () => {
    const sim = startSim('lagging-replica');
    try {
      const replica = sim.world.rds.find(REPLICA.region, REPLICA.id);
      expect(replica && sim.world.rds.lagSecondsAt(replica, T0 + 30_000)).toBe(95);
      expect(sim.world.groundTruth().dataAtRiskSeconds['orders-db']).toBe(95);
    } finally {
      sim.close();
    }
  });

  it('shows the replicated backups of the primary in the standby region, frozen when the primary goes down', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(55);
      const before = sim.world.rds.describeAutomatedBackups('us-west-2', {});

      // Act
      await sim.advanceTo(3600);
      const after = sim.world.rds.describeAutomatedBackups('us-west-2', {
        Filters: [{ Name: 'db-instance-id', Values: ['arn:aws:rds:us-east-1:123456789012:db:orders-db'] }],
      });

      // Assess
      expect(before).toHaveLength(1);
      expect(before[0]).toMatchObject({
        Status: 'replicating',
        DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
        Region: 'us-east-1',
        DBInstanceIdentifier: 'orders-db',
        BackupRetentionPeriod: 7,
      });
      expect(before[0]?.DBInstanceAutomatedBackupsArn).toMatch(/^arn:aws:rds:us-west-2:123456789012:auto-backup:ab-/);
      const latestBefore = before[0]?.RestoreWindow?.LatestTime?.getTime() ?? 0;
      expect(T0 + 55_000 - latestBefore).toBeLessThanOrEqual(600_000);
      const latestAfter = after[0]?.RestoreWindow?.LatestTime?.getTime() ?? 0;
      expect(latestAfter).toBeLessThanOrEqual(T0 + 60_000 - 300_000);
      expect(latestAfter).toBeGreaterThanOrEqual(latestBefore);
      const [primary] = sim.world.rds.describe('us-east-1', 'orders-db');
      expect(primary?.DBInstanceAutomatedBackupsReplications?.[0]?.DBInstanceAutomatedBackupsArn).toBe(
        before[0]?.DBInstanceAutomatedBackupsArn,
      );
    } finally {
      sim.close();
    }
  });

  it('has no cross-region copy and hours-old restorable times when backups are stale', () => {
    const sim = startSim('stale-backups');
    try {
      expect(sim.world.rds.describeAutomatedBackups('us-west-2', {})).toEqual([]);
      const [primary] = sim.world.rds.describe('us-east-1', 'orders-db');
      expect(primary?.LatestRestorableTime).toEqual(new Date(T0 - 6 * 3600_000));
      expect(primary?.DBInstanceAutomatedBackupsReplications).toBeUndefined();
      expect(() => sim.world.rds.describeAutomatedBackups('us-west-2', { DBInstanceIdentifier: 'orders-db' })).toThrow(
        /No automated backup/,
      );
    } finally {
      sim.close();
    }
  });

  it('keeps LatestRestorableTime within five minutes of now when backups are healthy', async () => {
    const sim = startSim('region-outage');
    try {
      for (const seconds of [0, 97, 301, 777]) {
        await sim.advanceTo(seconds);
        const latest = sim.world.rds.describe('us-east-1', 'orders-db')[0]?.LatestRestorableTime?.getTime() ?? 0;
        expect(sim.clock.now() - latest).toBeGreaterThanOrEqual(0);
        expect(sim.clock.now() - latest).toBeLessThan(300_000);
      }
    } finally {
      sim.close();
    }
  });

  it('refuses to stop the primary while its replica is attached, then stops it (stopping, stopped) after the promotion', async () => {
    const sim = startSim('region-outage');
    try {
      // A primary with a read replica cannot be stopped (RDS User Guide, stopping a DB instance: limitations).
      expect(() => sim.world.rds.stopInstance('us-east-1', 'orders-db')).toThrow(/has a read replica/);
      sim.world.rds.promote(REPLICA.region, REPLICA.id, 7);
      await sim.advanceTo(600);

      const answer = sim.world.rds.stopInstance('us-east-1', 'orders-db');
      const stopping = sim.world.rds.describe('us-east-1', 'orders-db')[0]?.DBInstanceStatus;
      await sim.advanceTo(600 + sim.world.timing.rds.stopSeconds);
      const stopped = sim.world.rds.describe('us-east-1', 'orders-db')[0]?.DBInstanceStatus;

      expect(answer.DBInstanceStatus).toBe('stopping');
      expect([stopping, stopped]).toEqual(['stopping', 'stopped']);
      expect(sim.world.rds.find('us-east-1', 'orders-db')?.writableAt(sim.clock.now())).toBe(false);
      expect(() => sim.world.rds.stopInstance('us-east-1', 'orders-db')).toThrow(InvalidDBInstanceStateFault);
      expect(() => sim.world.rds.stopInstance('us-east-1', 'nope')).toThrow(DBInstanceNotFoundFault);
    } finally {
      sim.close();
    }
  });
});
