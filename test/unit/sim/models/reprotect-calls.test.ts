import {
  DBClusterAlreadyExistsFault,
  DBInstanceAlreadyExistsFault,
  DBSnapshotAlreadyExistsFault,
  DBSnapshotNotFoundFault,
} from '@aws-sdk/client-rds';
import { startSim } from '../fixture';

/**
 * The calls the reprotect runbook makes, as the simulator answers them: CreateDBSnapshot, CreateDBInstanceReadReplica
 * (cross-region, KMS), DeleteDBInstance of the plan's instances, and a new Aurora secondary (CreateDBCluster with
 * GlobalClusterIdentifier, CreateDBInstance in it). After the failover the writer is orders-db-replica (us-west-2).
 */

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k';
const WRITER_ARN = 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica';

describe('reprotect calls in the simulator', () => {
  it('snapshots an instance: creating, then available; a second snapshot of the same name is refused', async () => {
    const sim = startSim('region-outage');
    try {
      // Act
      const made = sim.world.rds.createSnapshot('us-east-1', 'orders-db', 'orders-db-pre-1');
      const again = () => sim.world.rds.createSnapshot('us-east-1', 'orders-db', 'orders-db-pre-1');
      await sim.advance(sim.world.timing.rds.snapshotSeconds * 1000);

      // Assess
      expect(made.Status).toBe('creating');
      expect(again).toThrow(DBSnapshotAlreadyExistsFault);
      expect(sim.world.rds.describeSnapshots('us-east-1', 'orders-db-pre-1')[0]?.Status).toBe('available');
      expect(() => sim.world.rds.describeSnapshots('us-east-1', 'other')).toThrow(DBSnapshotNotFoundFault);
    } finally {
      sim.close();
    }
  });

  it('creates a cross-region replica that is creating, then replicating, with a lag that starts high and falls', async () => {
    const sim = startSim('region-outage');
    try {
      // Prepare: the failover promoted the replica (it is the writer now).
      sim.world.rds.promote('us-west-2', 'orders-db-replica', 7);
      await sim.advanceTo(600);
      const { rds: timing } = sim.world.timing;

      // Act
      const made = sim.world.rds.createReadReplica('us-east-1', {
        DBInstanceIdentifier: 'orders-db-replica-rp-1',
        SourceDBInstanceIdentifier: WRITER_ARN,
        KmsKeyId: KEY,
      });
      const replica = sim.world.rds.find('us-east-1', 'orders-db-replica-rp-1');
      if (!replica) throw new Error('no replica');
      const availableMs = sim.clock.now() + timing.replicaCreateSeconds * 1000;
      await sim.advance(timing.replicaCreateSeconds * 1000);
      const [described] = sim.world.rds.describe('us-east-1', 'orders-db-replica-rp-1');

      // Assess
      expect(made.DBInstanceStatus).toBe('creating');
      expect(described?.DBInstanceStatus).toBe('available');
      expect(described?.ReadReplicaSourceDBInstanceIdentifier).toBe(WRITER_ARN);
      expect(described?.StatusInfos).toEqual([{ StatusType: 'read replication', Status: 'replicating', Normal: true }]);
      expect(described?.KmsKeyId).toBe(KEY);
      const lags = [0, 0.5, 1, 2].map((share) =>
        sim.world.rds.lagSecondsAt(replica, availableMs + share * timing.replicaCatchUpSeconds * 1000),
      );
      expect(lags[0]).toBe(timing.replicaInitialLagSeconds);
      expect(lags[1]).toBe(timing.replicaInitialLagSeconds / 2);
      expect(lags[3]).toBeLessThanOrEqual(timing.replicaLagMaxSeconds);
    } finally {
      sim.close();
    }
  });

  it('refuses a replica whose name is taken, and a cross-region replica of an encrypted source without a key', () => {
    const sim = startSim('region-outage');
    try {
      sim.world.rds.promote('us-west-2', 'orders-db-replica', 7);
      const create = (input: { DBInstanceIdentifier: string; KmsKeyId?: string }) => () =>
        sim.world.rds.createReadReplica('us-east-1', { SourceDBInstanceIdentifier: WRITER_ARN, ...input });

      // The old primary still exists under its own name.
      expect(create({ DBInstanceIdentifier: 'orders-db', KmsKeyId: KEY })).toThrow(DBInstanceAlreadyExistsFault);
      // The promotion is not done yet: the source is not available.
      expect(create({ DBInstanceIdentifier: 'r-1', KmsKeyId: KEY })).toThrow(/not in available state/);
    } finally {
      sim.close();
    }
  });

  it('asks a KMS key of the replica region for an encrypted source, and refuses a key of another region', async () => {
    const sim = startSim('region-outage');
    try {
      sim.world.rds.promote('us-west-2', 'orders-db-replica', 7);
      await sim.advanceTo(600);
      const create = (KmsKeyId?: string) => () =>
        sim.world.rds.createReadReplica('us-east-1', {
          DBInstanceIdentifier: 'r-1',
          SourceDBInstanceIdentifier: WRITER_ARN,
          ...(KmsKeyId ? { KmsKeyId } : {}),
        });

      expect(create()).toThrow(expect.objectContaining({ name: 'InvalidParameterCombination' }));
      expect(create('arn:aws:kms:us-west-2:123456789012:key/k')).toThrow(/not in us-east-1/);
    } finally {
      sim.close();
    }
  });

  it('refuses to delete a plan instance with deletion protection', () => {
    const sim = startSim('region-outage');
    try {
      expect(() =>
        sim.world.rds.deleteInstance('us-east-1', {
          DBInstanceIdentifier: 'orders-db',
          FinalDBSnapshotIdentifier: 'orders-db-final-1',
        }),
      ).toThrow(/disable deletion protection/);
    } finally {
      sim.close();
    }
  });

  it('adds an Aurora secondary that replicates (connected) once its first instance is available', async () => {
    const sim = startSim('region-outage');
    try {
      const { aurora } = sim.world;
      const member = () =>
        aurora
          .describeGlobal('catalog-global')[0]
          ?.GlobalClusterMembers?.find((m) => m.DBClusterArn?.endsWith(':cluster:catalog-west-sc-1'));
      const add = () =>
        aurora.createSecondary('us-east-2', {
          DBClusterIdentifier: 'catalog-west-sc-1',
          GlobalClusterIdentifier: 'catalog-global',
          Engine: 'aurora-postgresql',
          KmsKeyId: 'arn:aws:kms:us-east-2:123456789012:key/k',
        });

      // Act
      expect(add().Status).toBe('creating');
      expect(add).toThrow(DBClusterAlreadyExistsFault);
      expect(() =>
        aurora.createInstance('us-east-2', {
          DBInstanceIdentifier: 'i-1',
          DBClusterIdentifier: 'catalog-west-sc-1',
          DBInstanceClass: 'db.r6g.large',
          Engine: 'aurora-postgresql',
        }),
      ).toThrow(/not in available state/);
      await sim.advance(sim.world.timing.aurora.secondaryClusterSeconds * 1000);
      aurora.createInstance('us-east-2', {
        DBInstanceIdentifier: 'i-1',
        DBClusterIdentifier: 'catalog-west-sc-1',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
      });
      const before = member()?.SynchronizationStatus;
      await sim.advance(sim.world.timing.aurora.secondaryInstanceSeconds * 1000);

      // Assess
      expect(before).toBe('pending-resync');
      expect(member()).toMatchObject({ IsWriter: false, SynchronizationStatus: 'connected' });
      expect(aurora.describeClusters('us-east-2', 'catalog-west-sc-1')[0]?.Status).toBe('available');
    } finally {
      sim.close();
    }
  });

  it('refuses a secondary without a key of its region for the encrypted global database', () => {
    const sim = startSim('region-outage');
    try {
      expect(() =>
        sim.world.aurora.createSecondary('us-east-2', {
          DBClusterIdentifier: 'x',
          GlobalClusterIdentifier: 'catalog-global',
          Engine: 'aurora-postgresql',
        }),
      ).toThrow(/KMS key of us-east-2 is required/);
    } finally {
      sim.close();
    }
  });

  it.each([
    ['a trailing hyphen', 'orders-db-replica-rp-'],
    ['two hyphens in a row', 'orders-db-replica--rp-1'],
    ['a first character that is not a letter', '1orders-db-replica'],
    ['more than 63 characters', `orders-db-replica-rp-${'a'.repeat(43)}`],
  ])('refuses a replica, cluster or instance name with %s as RDS does (InvalidParameterValue)', async (_, name) => {
    const sim = startSim('region-outage');
    try {
      // Prepare
      sim.world.rds.promote('us-west-2', 'orders-db-replica', 7);
      await sim.advanceTo(600);
      const refusal = (act: () => unknown) => {
        try {
          act();
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
        return 'accepted';
      };

      // Act
      const replica = refusal(() =>
        sim.world.rds.createReadReplica('us-east-1', {
          DBInstanceIdentifier: name,
          SourceDBInstanceIdentifier: WRITER_ARN,
          KmsKeyId: KEY,
        }),
      );
      const cluster = refusal(() =>
        sim.world.aurora.createSecondary('us-east-2', {
          DBClusterIdentifier: name,
          GlobalClusterIdentifier: 'catalog-global',
          Engine: 'aurora-postgresql',
          KmsKeyId: 'arn:aws:kms:us-east-2:123456789012:key/k',
        }),
      );
      const snapshot = refusal(() => sim.world.rds.createSnapshot('us-east-1', 'orders-db', `${name}-pre`));

      // Assess: nothing made, and the error names the parameter and the rule
      const parameter =
        name.length > 63 ? 'because it is longer than 63 characters' : 'Identifiers must begin with a letter';
      expect(replica).toMatch(/^InvalidParameterValue: The parameter DBInstanceIdentifier is not a valid identifier/);
      expect(replica).toContain(parameter);
      expect(cluster).toMatch(/^InvalidParameterValue: The parameter DBClusterIdentifier is not a valid identifier/);
      expect(sim.world.rds.find('us-east-1', name)).toBeUndefined();
      // A snapshot may have 255 characters: only the character rules refuse it.
      expect(snapshot).toBe(
        name.length > 63
          ? 'accepted'
          : 'InvalidParameterValue: The parameter DBSnapshotIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.',
      );
    } finally {
      sim.close();
    }
  });
});
